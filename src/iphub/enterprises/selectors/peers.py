"""The organisation against its peers: "同链企业平均有效发明专利 12 件，你 3 件".

**Peer definition.** Peers are *registered* organisations of kind enterprise
(``core.Organisation``), because only those have a known kind and region; an
applicant name in the corpus may be a person, a university or a firm of another
province. Two groups:

* **同链企业** — the organisation's industry chain is the navigation chain whose
  IPC prefixes (the ``IPC=(…)`` part of the chain's query, staff-maintained in
  the navigation app) cover most of its patents' main IPC codes; its peers are
  the registered enterprises of Hubei with at least one patent under those
  prefixes. Only main IPC codes are read (one per patent), so the test is one
  SQL pass; the chain's keyword part (TX=…) needs the search index and is not
  used, so an organisation whose patents carry no IPC has no chain group.
* **同市企业** — the registered enterprises of the same prefecture-level city.

Each peer's patents are found as the organisation's own are (its name's key and
its confirmed variants); its figures are stored per organisation and read back
while no write has touched what they count (:mod:`iphub.enterprises.peer_figures`),
and the average is the mean over the group (a peer
without patents counts as 0 in the city group). A group of fewer than
:data:`MIN_PEERS` is not shown: an average of one or two firms would disclose
their own figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from iphub.core.models import Organisation, OrganisationKind
from iphub.core.regions import HUBEI
from iphub.enterprises.peer_figures import Figures, chain_prefixes, peer_figures, signature
from iphub.enterprises.selectors.access import Names
from iphub.enterprises.selectors.figures import PatentGroup, patent_groups
from iphub.navigation.models import IndustryChain
from iphub.patents.intelligence.grade import INVENTIONS

__all__ = ["MIN_PEERS", "PeerComparison", "PeerGroup", "chain_prefixes", "peer_comparison"]

MIN_PEERS = 3
METRICS = (
    ("alive_inventions", "有效发明专利"),
    ("recent", "近五年专利申请"),
    ("high_grade", "A/B 级专利"),
)


@dataclass
class PeerGroup:
    key: str
    title: str
    size: int
    own: dict[str, int]
    average: dict[str, float]
    note: str = ""

    @property
    def shown(self) -> bool:
        return self.size >= MIN_PEERS

    def sentences(self) -> list[str]:
        if not self.shown:
            return []
        return [
            _("%(group)s平均%(metric)s %(avg)s 件，你 %(own)s 件")
            % {
                "group": self.title,
                "metric": _(label),
                "avg": f"{self.average[k]:.1f}",
                "own": self.own[k],
            }
            for k, label in METRICS
        ]

    def rows(self) -> list[list[Any]]:
        return [
            [
                _(label),
                self.own[k],
                f"{self.average[k]:.1f}",
                f"{self.own[k] - self.average[k]:+.1f}",
            ]
            for k, label in METRICS
        ]


@dataclass
class PeerComparison:
    chain: str
    groups: list[PeerGroup]


def organisation_chain(
    names: Names, groups: list[PatentGroup]
) -> tuple[IndustryChain | None, list[str]]:
    """The chain whose IPC prefixes cover most of the organisation's patents
    (summed over its patents' groups by main IPC code), with its prefixes."""
    chains = [
        (c, chain_prefixes(c.query)) for c in IndustryChain.objects.order_by("position", "pk")
    ]
    chains = [(c, p) for c, p in chains if p]
    if not chains:
        return None, []
    by_code: dict[str, int] = {}
    for g in groups:
        by_code[g.ipc_main] = by_code.get(g.ipc_main, 0) + g.n
    got = {
        c.pk: sum(n for code, n in by_code.items() if code.startswith(tuple(p))) for c, p in chains
    }
    best = max(chains, key=lambda cp: got[cp[0].pk])
    return (best[0], best[1]) if got[best[0].pk] else (None, [])


def _own_metrics(groups: list[PatentGroup]) -> dict[str, int]:
    """The organisation's own three figures, over the same patents as its profile."""
    return {
        "alive_inventions": sum(
            g.n for g in groups if g.patent_type in INVENTIONS and g.state == "alive"
        ),
        "recent": sum(g.n for g in groups if g.recent),
        "high_grade": sum(g.n for g in groups if g.band in ("A", "B")),
    }


def peer_comparison(
    org: Organisation,
    *,
    names: Names,
    today: dt.date,
    groups: list[PatentGroup] | None = None,
) -> PeerComparison:
    """The chain and city groups of ``org`` with its figures beside their means
    (``groups``: the organisation's :func:`figures.patent_groups`, if at hand)."""
    if groups is None:
        groups = patent_groups(names, today)
    chain, prefixes = organisation_chain(names, groups)
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).exclude(pk=org.pk)
    city_path = "/".join(org.region.path.split("/")[:2])
    city_orgs = list(
        enterprises.filter(Q(region__path=city_path) | Q(region__path__startswith=city_path + "/"))
    )
    chain_orgs: list[Organisation] = []
    hubei = list(
        enterprises.filter(Q(region__path=HUBEI) | Q(region__path__startswith=HUBEI + "/"))
    )
    # Every candidate peer's stored figures (Hubei's enterprises if there is a
    # chain, the city's), computed only for those whose stored row is stale.
    pool = [*hubei, *city_orgs] if chain is not None else city_orgs
    figs = peer_figures(
        list({o.pk: o for o in pool}.values()),
        today=today,
        chains=[prefixes] if chain is not None else [],
    )
    if chain is not None:
        sig = signature(prefixes)
        chain_orgs = [o for o in hubei if o.pk in figs and figs[o.pk].in_chain.get(sig)]
    own_metrics = _own_metrics(groups)

    def group(key: str, title: str, members: list[Organisation], note: str) -> PeerGroup:
        zero = Figures()
        avg = {
            k: (sum(figs.get(o.pk, zero).metric(k) for o in members) / len(members))
            if members
            else 0.0
            for k, _l in METRICS
        }
        return PeerGroup(key, title, len(members), own_metrics, avg, note)

    shown = []
    if chain is not None:
        shown.append(
            group(
                "chain",
                _("同链企业"),
                chain_orgs,
                _("产业链：%(chain)s（按主分类号归入）；全省已登记企业中在该链有专利的 %(n)s 家。")
                % {"chain": chain.name, "n": len(chain_orgs)},
            )
        )
    shown.append(
        group(
            "city",
            _("同市企业"),
            city_orgs,
            _("同一地市已登记企业 %(n)s 家。") % {"n": len(city_orgs)},
        )
    )
    return PeerComparison(chain.name if chain else "", shown)
