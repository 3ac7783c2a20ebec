"""Stored peer figures (``PeerFigures``): what a profile's peer comparison reads.

The comparison (:mod:`iphub.enterprises.selectors.peers`) averages three figures
over every registered enterprise of the chain and the city. Computed from the
records on each view, that is one grouped pass over all the peers' patents —
2 s at 1M records for 40 peers holding ~140,000 patents, against a 300 ms budget
for the whole page — and it is the same pass for every firm of the group. So each
organisation's figures are stored once and read back while they are still true.

"Still true" is decided by a stamp, never by a timer: the navigation corpus
counter (patent and party columns: type, dates, legal status, main IPC, the
applicants) and this module's own counter over the two tables navigation does
not count, value grades (``band``) and legal events (``kind``). Both are
database triggers (:mod:`iphub.core.write_counter`), so an import, a
legal-status change file, a regrade or a hand edit each makes every stored row
stale without knowing about it. A row also carries the day it was computed on
(in-force and "last five years" move with the date) and a fingerprint of the
organisation's names (a confirmed variant adds a name's patents).

Stale or missing rows are computed on read, for the organisations that need
them, and stored; ``peer_figures_refresh`` recomputes every registered
enterprise in the background after an import and each morning, so that the
first visitor after a change does not pay for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from iphub.core.calendar import add_years
from iphub.core.models import Organisation, OrganisationKind
from iphub.core.write_counter import WriteCounter, writers_settled
from iphub.enterprises.models import ApplicantNameVariant, PeerFigures, VariantStatus
from iphub.navigation import corpus_version
from iphub.patents.intelligence.grade import INVENTIONS
from iphub.patents.models import LegalEvent, PartyRole, PatentGrade, PatentParty
from iphub.patents.names import applicant_key

_IPC_PART = re.compile(r"IPC\s*=\s*(\([^)]*\)|[A-H][0-9A-Z/]*\*?)", re.I)
_CODE = re.compile(r"[A-H]\d{2}[A-Z]?\d*", re.I)
BATCH = 200  # organisations per grouped query: a few thousand keys at most


def _tables() -> dict[str, tuple[str, ...]]:
    return {
        PatentGrade._meta.db_table: ("patent_id", "band"),
        LegalEvent._meta.db_table: ("patent_id", "kind"),
    }


COUNTER = WriteCounter(
    table="enterprises_figures_version",
    sequence="enterprises_figures_seq",
    prefix="enterprises_figures_",
    tables=_tables,
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


def under(prefixes: Sequence[str], field: str) -> Q:
    """Rows whose ``field`` starts with one of ``prefixes``."""
    q = Q()
    for p in prefixes:
        q |= Q(**{f"{field}__startswith": p})
    return q


def stamp_now() -> str:
    """The stamp a row computed now is valid under."""
    return f"{corpus_version.current().as_text()}|{COUNTER.current().as_text()}"


@dataclass
class Figures:
    """One organisation's figures as a peer (what ``PeerFigures`` stores)."""

    alive_inventions: int = 0
    recent: int = 0
    high_grade: int = 0
    in_chain: dict[str, int] = field(default_factory=dict)

    def metric(self, key: str) -> int:
        return int(getattr(self, key))


def signature(prefixes: Sequence[str]) -> str:
    """The key of a chain's prefixes in ``PeerFigures.in_chain``."""
    return ",".join(sorted(prefixes))


def keys_of(orgs: Iterable[Organisation]) -> dict[str, int]:
    """Applicant key -> organisation id for ``orgs`` (own names and confirmed variants)."""
    orgs = list(orgs)
    keys = {applicant_key(o.name): o.pk for o in orgs}
    for key, org_id in ApplicantNameVariant.objects.filter(
        organisation__in=[o.pk for o in orgs], status=VariantStatus.CONFIRMED
    ).values_list("key", "organisation_id"):
        keys.setdefault(key, org_id)
    return keys


def _keys_hash(keys: Iterable[str]) -> str:
    return hashlib.sha1("\n".join(sorted(keys)).encode()).hexdigest()


def _compute(
    keys: dict[str, int], today: dt.date, chains: Sequence[Sequence[str]]
) -> dict[int, Figures]:
    """Per organisation: the three figures and, per chain signature, its patents
    under the chain's prefixes — one grouped query over the organisations'
    applicant parties (the sums over an organisation's keys, as the profile
    counts its own patents under each of its names)."""
    from iphub.enterprises.selectors.figures import RECENT_YEARS, legal_state_expression

    recent = add_years(today, -RECENT_YEARS)
    chain_counts = {
        f"c{i}": Count(
            "patent_id",
            filter=under(prefixes, "patent__ipc_main"),
            distinct=True,
        )
        for i, prefixes in enumerate(chains)
    }
    rows = (
        PatentParty.objects.filter(role=PartyRole.APPLICANT, key__in=list(keys))
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
            **chain_counts,
        )
    )
    sigs = [signature(p) for p in chains]
    out: dict[int, Figures] = {}
    row: dict[str, Any]
    for row in rows:  # type: ignore[assignment]  # the chain counts' keys are dynamic
        acc = out.setdefault(keys[row["key"]], Figures(in_chain=dict.fromkeys(sigs, 0)))
        acc.alive_inventions += row["alive_inventions"]
        acc.recent += row["recent"]
        acc.high_grade += row["high_grade"]
        for i, sig in enumerate(sigs):
            acc.in_chain[sig] += row[f"c{i}"]
    return out


def peer_figures(
    orgs: Sequence[Organisation],
    *,
    today: dt.date,
    chains: Sequence[Sequence[str]],
) -> dict[int, Figures]:
    """The figures of ``orgs`` (organisation id -> ``alive_inventions``, ``recent``,
    ``high_grade`` and ``in_chain``: chain signature -> patents), read from the
    stored rows that are still valid and computed (and stored) for the rest.
    ``chains``: the prefix lists whose counts the caller needs."""
    if not orgs:
        return {}
    keys = keys_of(orgs)
    by_org: dict[int, list[str]] = {}
    for key, org_id in keys.items():
        by_org.setdefault(org_id, []).append(key)
    hashes = {o.pk: _keys_hash(by_org.get(o.pk, [])) for o in orgs}
    stamp = stamp_now()
    # Read the stamp first, then check no writer from before it is still running
    # (PostgreSQL): only then is what the queries below see all of what the stamp
    # counts, and may be stored under it.
    storable = writers_settled()
    sigs = [signature(p) for p in chains]
    out: dict[int, Figures] = {}
    for row in PeerFigures.objects.filter(
        organisation_id__in=[o.pk for o in orgs], stamp=stamp, computed_on=today
    ):
        if row.keys_hash == hashes[row.organisation_id] and all(s in row.in_chain for s in sigs):
            out[row.organisation_id] = Figures(
                row.alive_inventions, row.recent, row.high_grade, row.in_chain
            )
    missing = [o for o in orgs if o.pk not in out]
    if not missing:
        return out
    from iphub.navigation.models import IndustryChain

    # A recomputed row counts every chain, so that firms of different chains
    # viewing their profiles do not recompute each other's rows in turn.
    every = [p for c in IndustryChain.objects.all() if (p := chain_prefixes(c.query))]
    wanted = list({signature(p): p for p in [*every, *chains]}.values())
    now = timezone.now()
    for start in range(0, len(missing), BATCH):
        part = missing[start : start + BATCH]
        ids = {o.pk for o in part}
        got = _compute({k: o for k, o in keys.items() if o in ids}, today, wanted)
        rows = []
        for o in part:
            fig = got.get(o.pk) or Figures(in_chain={signature(p): 0 for p in wanted})
            out[o.pk] = fig
            rows.append(
                PeerFigures(
                    organisation_id=o.pk,
                    stamp=stamp,
                    computed_on=today,
                    computed_at=now,
                    keys_hash=hashes[o.pk],
                    alive_inventions=fig.alive_inventions,
                    recent=fig.recent,
                    high_grade=fig.high_grade,
                    in_chain=fig.in_chain,
                )
            )
        if storable:
            _store(rows)
    return out


def _store(rows: list[PeerFigures]) -> None:
    with transaction.atomic():
        PeerFigures.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["organisation"],
            update_fields=[
                "stamp", "computed_on", "computed_at", "keys_hash",
                "alive_inventions", "recent", "high_grade", "in_chain",
            ],
        )  # fmt: skip


def peer_figures_refresh(*, today: dt.date | None = None) -> int:
    """Bring every registered enterprise's stored figures up to date (the ones
    still valid are read, not recomputed); returns how many organisations. The
    background task and the daily duty report it with :func:`refresh_summary`."""
    today = today or timezone.localdate()
    orgs = list(Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE).order_by("pk"))
    for start in range(0, len(orgs), 2000):
        peer_figures(orgs[start : start + 2000], today=today, chains=[])
    return len(orgs)


def refresh_summary() -> str:
    """Run :func:`peer_figures_refresh` and say what it did, in the words the
    background page shows."""
    return f"已更新 {peer_figures_refresh()} 家企业的同行对比数据"
