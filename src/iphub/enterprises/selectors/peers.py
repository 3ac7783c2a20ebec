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
its confirmed variants), the figures come from one grouped SQL query over the
peers' applicant parties, and the average is the mean over the group (a peer
without patents counts as 0 in the city group). A group of fewer than
:data:`MIN_PEERS` is not shown: an average of one or two firms would disclose
their own figures.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Value
from django.utils.translation import gettext as _

from iphub.core.calendar import add_years
from iphub.core.models import Organisation, OrganisationKind
from iphub.core.regions import HUBEI
from iphub.enterprises.models import ApplicantNameVariant, VariantStatus
from iphub.enterprises.selectors.access import Names
from iphub.enterprises.selectors.figures import (
    RECENT_YEARS,
    PatentGroup,
    legal_state_expression,
    patent_groups,
)
from iphub.navigation.models import IndustryChain
from iphub.patents.intelligence.grade import INVENTIONS
from iphub.patents.models import PartyRole, PatentParty
from iphub.patents.names import applicant_key

MIN_PEERS = 3
_IPC_PART = re.compile(r"IPC\s*=\s*(\([^)]*\)|[A-H][0-9A-Z/]*\*?)", re.I)
_CODE = re.compile(r"[A-H]\d{2}[A-Z]?\d*", re.I)
METRICS = (
    ("alive_inventions", "有效发明专利"),
    ("recent", "近五年专利申请"),
    ("high_grade", "A/B 级专利"),
)


def chain_prefixes(query: str) -> list[str]:
    """The IPC prefixes of a chain's query (``IPC=(H04B10* OR H01S*)`` → H04B10/, H01S).
    A main group (more than a subclass) is matched with its slash, so G02B6 does
    not take G02B61."""
    out: list[str] = []
    for part in _IPC_PART.findall(query or ""):
        for code in _CODE.findall(part.upper()):
            out.append(code + "/" if len(code) > 4 else code)
    return list(dict.fromkeys(out))


def _under(prefixes: list[str], field: str) -> Q:
    q = Q()
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


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


def _keys_of(orgs: list[Organisation]) -> dict[str, int]:
    """Applicant key -> organisation id for ``orgs`` (own names and confirmed variants)."""
    keys = {applicant_key(o.name): o.pk for o in orgs}
    for key, org_id in ApplicantNameVariant.objects.filter(
        organisation__in=[o.pk for o in orgs], status=VariantStatus.CONFIRMED
    ).values_list("key", "organisation_id"):
        keys.setdefault(key, org_id)
    return keys


def _key_metrics(keys: list[str], today: dt.date, prefixes: list[str]) -> dict[str, dict[str, int]]:
    """Per applicant key: in-force inventions, applications of the last five
    years, A/B-grade patents and (``in_chain``) patents under the chain's
    ``prefixes``, in one query grouped by key (the chain's holders and the
    peers' figures used to read the same parties twice)."""
    if not keys:
        return {}
    recent = add_years(today, -RECENT_YEARS)
    in_chain = (
        Count("patent_id", filter=_under(prefixes, "patent__ipc_main"), distinct=True)
        if prefixes
        else Value(0)
    )
    rows = (
        PatentParty.objects.filter(role=PartyRole.APPLICANT, key__in=keys)
        .annotate(pstate=legal_state_expression(today, prefix="patent__"))
        .order_by()
        .values("key")
        .annotate(
            alive_inventions=Count(
                "patent_id",
                filter=Q(patent__patent_type__in=INVENTIONS, pstate="alive"),
                distinct=True,
            ),
            recent=Count("patent_id", filter=Q(patent__app_date__gte=recent), distinct=True),
            high_grade=Count(
                "patent_id", filter=Q(patent__grade__band__in=("A", "B")), distinct=True
            ),
            in_chain=in_chain,
        )
    )
    return {
        key: {"alive_inventions": alive, "recent": recent_n, "high_grade": high, "in_chain": ch}
        for key, alive, recent_n, high, ch in rows.values_list(
            "key", "alive_inventions", "recent", "high_grade", "in_chain"
        )
    }


def _metrics(keys: dict[str, int], by_key: dict[str, dict[str, int]]) -> dict[int, dict[str, int]]:
    """Per organisation: the sums of its keys' figures."""
    out: dict[int, dict[str, int]] = {}
    for key, org_id in keys.items():
        got = by_key.get(key)
        if got is None:
            continue
        acc = out.setdefault(org_id, {k: 0 for k, _l in METRICS})
        for k, _l in METRICS:
            acc[k] += got[k]
    return out


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
    # One pass over the parties of every candidate peer (Hubei's enterprises if
    # there is a chain, the city's): each key's figures and whether it holds a
    # patent under the chain's prefixes.
    pool = [*hubei, *city_orgs] if chain is not None else city_orgs
    candidates = _keys_of(list({o.pk: o for o in pool}.values()))
    by_key = _key_metrics(list(candidates), today, prefixes if chain is not None else [])
    if chain is not None:
        keys = _keys_of(hubei)
        ids = {keys[k] for k in keys if by_key.get(k, {}).get("in_chain")}
        chain_orgs = [o for o in hubei if o.pk in ids]
    all_keys = _keys_of(list({o.pk: o for o in [*city_orgs, *chain_orgs]}.values()))
    per_org = _metrics(all_keys, by_key)
    own_metrics = _own_metrics(groups)

    def group(key: str, title: str, members: list[Organisation], note: str) -> PeerGroup:
        zero = {k: 0 for k, _l in METRICS}
        avg = {
            k: (sum(per_org.get(o.pk, zero)[k] for o in members) / len(members)) if members else 0.0
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
