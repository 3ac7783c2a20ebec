"""The figures of an organisation's IP profile (企业知识产权画像).

Every figure is one SQL aggregate over the organisation's records, never a
loop over its patents: the patents are those with an applicant party whose key
is the organisation's own name's key or a confirmed variant's
(:func:`access.organisation_names`), or which an import linked to it; the other
apps' records are found by the organisation itself or, where they only carry
names (filings, case parties), by its spellings.

**What the public form masks, and why.** The public profile is for anyone, signed
in or not, and shows only what is already public or harmless as a count:

* shown: the organisation's name, USCC, kind, region and programme tags (the
  USCC and the registration are public in the enterprise credit system); every
  patent and trademark figure (patents and marks are published rights); counts
  of registered pledges, licences and transfers (the register publishes them);
  counts of concluded deals, open needs and active listings (知慧桥 publishes
  needs and listings); the number of loans obtained with a pledge; the number of
  enforcement cases in which it was the right holder, the number in which it was
  the respondent *and a decision was made* (decided administrative penalties are
  published), and the number of assistance requests;
* masked: contact person, phone and address (personal data, PIPL: collected for
  the service, not for display); every amount — pledge, loan, financing, licence
  and deal amounts are commercial secrets of both parties; financing requests
  still open, declined or withdrawn (that a firm seeks money is its own business);
  needs and listings not published; enforcement cases by state, cases in which it
  is a respondent without a decision (an unproven accusation must not mark a firm
  in public) and any case detail; assistance requests by state; the comparison
  with peers (advice to the firm and its staff, not a public ranking); name
  variants still proposed or rejected.

The programmes the organisation belongs to and the policies it appears to
qualify for are read by :mod:`standing`, which says what the public form shows
of them (current programmes with their period; no ended ones, no policies).

The full profile (the organisation's users, its region's staff) shows every
figure with amounts, still as counts and sums: case numbers and titles stay in
the protection app, where their own permissions apply.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from iphub.core.calendar import add_years
from iphub.core.models import Organisation, OrganisationTag
from iphub.enterprises.models import ApplicantNameVariant, VariantStatus
from iphub.enterprises.selectors.access import Names, organisation_names
from iphub.enterprises.selectors.standing import policy_checks, programme_lines
from iphub.filings.models import Filing, FilingKind, FilingState, Operation
from iphub.finance.models import FinancingRequest, RequestState
from iphub.patents.intelligence.grade import (
    DEAD_EVENTS,
    INVENTIONS,
    RESTORED_EVENT,
    TERM_YEARS,
)
from iphub.patents.intelligence.selectors import band_mix
from iphub.patents.ipc import ipc_title
from iphub.patents.models import (
    LegalEvent,
    PartyRole,
    Patent,
    PatentParty,
    PatentType,
    Trademark,
    TrademarkType,
)
from iphub.protection.models import AssistanceRequest, AssistanceStatus, CaseParty, CaseState
from iphub.transfer.models import (
    Deal,
    ListingStatus,
    NeedStatus,
    SupplyListing,
    TechnologyNeed,
)

# The words of patents.intelligence.grade.legal_state, as SQL: a status naming an
# end is dead; a grant date or a status naming a right is alive; the rest pending.
DEAD_WORDS = ("失效", "无效", "终止", "届满", "撤回", "驳回", "放弃", "视为")
ALIVE_WORDS = ("有权", "有效", "授权")
STATE_LABELS = {"alive": "有效", "pending": "审中", "dead": "失效"}
# Applications of the last five years: the peer comparison's "recent" figure.
RECENT_YEARS = 5
# The last 18 months of filings are not all published yet (DOMAIN.md, navigation).
INCOMPLETE_MONTHS = 18
IN_FORCE_REGISTRATION = (Operation.ESTABLISH, Operation.CHANGE, Operation.EXTEND)
EVER_REGISTERED = (FilingState.REGISTERED, FilingState.CHANGED, FilingState.CANCELLED)


@dataclass
class Table:
    """One figure as rows: the page, the PDF brief and the workbook draw the same."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""


@dataclass
class Profile:
    organisation: Organisation
    public: bool
    today: dt.date
    headline: list[tuple[str, Any]]
    tables: list[Table]
    trend: dict[str, Any]
    programmes: list[str]
    variants: list[str]
    names: Names
    peers: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Cultivation programmes (standing.ProgrammeLine): current, and (full form) past.
    memberships: list[Any] = field(default_factory=list)
    past_memberships: list[Any] = field(default_factory=list)
    # Qualifying policies (policies.conditions.Qualification); None in the public form.
    policies: list[Any] | None = None

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def _words(field_name: str, words: tuple[str, ...]) -> Q:
    q = Q()
    for w in words:
        q |= Q(**{f"{field_name}__contains": w})
    return q


def legal_state_expression(today: dt.date, prefix: str = "") -> Case:
    """``alive`` / ``pending`` / ``dead`` of a patent row, in SQL, as
    ``patents.intelligence.grade.legal_state`` decides it in Python."""
    term_over = Q()
    for ptype, years in TERM_YEARS.items():
        term_over |= Q(
            **{f"{prefix}patent_type": ptype, f"{prefix}app_date__lte": add_years(today, -years)}
        )
    own = LegalEvent.objects.filter(patent_id=OuterRef(f"{prefix}pk" if prefix else "pk"))
    ended = Exists(own.filter(kind__in=sorted(DEAD_EVENTS)))
    # After a restoration the status text says whether the record is in force.
    restored = Exists(own.filter(kind=RESTORED_EVENT))
    dead = _words(f"{prefix}legal_status", DEAD_WORDS) | term_over | (Q(ended) & ~Q(restored))
    alive = Q(**{f"{prefix}grant_date__isnull": False}) | _words(
        f"{prefix}legal_status", ALIVE_WORDS
    )
    return Case(
        When(dead, then=Value("dead")), When(alive, then=Value("alive")), default=Value("pending")
    )


def patents_of(names: Names) -> QuerySet[Patent]:
    """The organisation's patents (as a queryset for aggregates, never loaded whole)."""
    # One IN over the UNION of two selects, each answered by its own index
    # ((role, key) and the organisation foreign key), so both databases read
    # the parties by index and then each patent by its key. One OR inside a
    # single subquery made SQLite scan every party row (8x slower at 100k
    # records); two IN-subqueries joined by OR made PostgreSQL scan every
    # patent (57 ms at 100k, growing with the corpus; the UNION: 13 ms).
    parties = PatentParty.objects.filter(role=PartyRole.APPLICANT).order_by()
    by_key = parties.filter(key__in=names.keys).values("patent_id")
    by_link = parties.filter(organisation_id=names.organisation_id).values("patent_id")
    return Patent.objects.filter(pk__in=by_key.union(by_link))


def _type_label(code: str) -> str:
    return str(PatentType(code).label) if code in PatentType.values else _("未标明类型")


def _wan(amount: Any) -> str:
    """An amount in 元 as 万元 with two places, the unit every finance page uses."""
    return f"{Decimal(amount or 0) / 10000:,.2f}"


@dataclass(frozen=True)
class PatentGroup:
    """A count of the organisation's patents sharing every column the profile reads."""

    patent_type: str
    state: str
    year: int | None
    ipc_main: str
    band: str | None
    recent: bool
    n: int


def patent_groups(names: Names, today: dt.date) -> list[PatentGroup]:
    """The organisation's patents counted by type, legal state, application year,
    main IPC code, grade band and whether filed in the last five years: one
    grouped pass over its patents (at most one row per patent) from which the
    profile's patent figures, its chain and its peer metrics are all summed, where
    each used to read the patents again."""
    recent = add_years(today, -RECENT_YEARS)
    rows = (
        patents_of(names)
        .annotate(
            state=legal_state_expression(today),
            y=ExtractYear("app_date"),
            band=F("grade__band"),
            recent=Case(
                When(app_date__gte=recent, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .values("patent_type", "state", "y", "ipc_main", "band", "recent")
        .annotate(n=Count("pk"))
        .values_list("patent_type", "state", "y", "ipc_main", "band", "recent", "n")
    )
    return [
        PatentGroup(t or "", st, y, ipc or "", band, bool(rec), n)
        for t, st, y, ipc, band, rec, n in rows
    ]


def patent_figures(
    names: Names, today: dt.date, groups: list[PatentGroup] | None = None
) -> dict[str, Any]:
    """Patents by type × legal state, by value grade, by main IPC subclass, and
    applications per year by type, summed from :func:`patent_groups`."""
    if groups is None:
        groups = patent_groups(names, today)
    by_type_state: dict[str, dict[str, int]] = {}
    bands: Counter[str] = Counter()
    subs: Counter[str] = Counter()
    trend: dict[int, dict[str, int]] = {}
    for g in groups:
        states = by_type_state.setdefault(g.patent_type, {})
        states[g.state] = states.get(g.state, 0) + g.n
        if g.band is not None:
            bands[g.band] += g.n
        if g.ipc_main:
            subs[g.ipc_main[:4]] += g.n
        if g.year is not None:
            years = trend.setdefault(g.year, {})
            years[g.patent_type] = years.get(g.patent_type, 0) + g.n
    order = [t for t in PatentType.values if t in by_type_state] + [
        t for t in by_type_state if t not in PatentType.values
    ]
    status_rows = []
    totals = {"alive": 0, "pending": 0, "dead": 0}
    for t in order:
        states = by_type_state[t]
        status_rows.append(
            [_type_label(t)] + [states.get(s, 0) for s in totals] + [sum(states.values())]
        )
        for s in totals:
            totals[s] += states.get(s, 0)
    total = sum(totals.values())
    alive_inventions = sum(by_type_state.get(t, {}).get("alive", 0) for t in INVENTIONS)
    subclasses = sorted(subs.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    return {
        "total": total,
        "states": totals,
        "alive_inventions": alive_inventions,
        "status_rows": status_rows,
        "bands": band_mix(bands),
        "subclasses": [(sub, ipc_title(sub) or "", n) for sub, n in subclasses],
        "trend": trend,
    }


def trademark_figures(names: Names) -> list[list[Any]]:
    """Trademarks whose owner key is one of the organisation's, by type and status."""
    rows = (
        Trademark.objects.filter(owner_key__in=names.keys)
        .values("mark_type", "status")
        .annotate(n=Count("pk"))
        .order_by("mark_type", "status")
    )
    labels = dict(TrademarkType.choices)
    return [
        [str(labels.get(r["mark_type"], r["mark_type"])), r["status"] or "—", r["n"]] for r in rows
    ]


def filing_figures(names: Names) -> dict[str, dict[str, Any]]:
    """Registered pledges (as pledgor) and licences and transfers out (as licensor
    or transferor) and in (as licensee or transferee), from 一网通办 registrations,
    matched on the names the filings carry; one conditional aggregate."""
    spell = list(names.spellings)
    out_q, in_q = Q(holder_name__in=spell), Q(counterparty_name__in=spell)
    pledge = Q(kind__in=(FilingKind.PATENT_PLEDGE, FilingKind.TRADEMARK_PLEDGE))
    in_force = Q(state=FilingState.REGISTERED, operation__in=IN_FORCE_REGISTRATION)
    ever = Q(state__in=EVER_REGISTERED, operation=Operation.ESTABLISH)
    lic, tra = Q(kind=FilingKind.PATENT_LICENCE), Q(kind=FilingKind.PATENT_TRANSFER)
    parts = {
        "pledge_in_force": pledge & in_force & out_q,
        "pledge_ever": pledge & ever & out_q,
        "licence_out": lic & ever & out_q,
        "licence_in": lic & ever & in_q,
        "transfer_out": tra & ever & out_q,
        "transfer_in": tra & ever & in_q,
    }
    agg: dict[str, Any] = {}
    for k, q in parts.items():
        agg[f"{k}_n"] = Count("pk", filter=q)
        agg[f"{k}_amount"] = Sum("amount", filter=q)
    got = Filing.objects.filter(out_q | in_q).aggregate(**agg)
    return {k: {"n": got[f"{k}_n"], "amount": got[f"{k}_amount"] or 0} for k in parts}


def money_figures(org: Organisation) -> dict[str, Any]:
    """Financing requests by state (asked and lent amounts) and deals sold and bought."""
    fin = {
        r["state"]: r
        for r in FinancingRequest.objects.filter(organisation=org)
        .values("state")
        .annotate(n=Count("pk"), asked=Sum("amount"), lent=Sum("loan_amount"))
    }
    deals = Deal.objects.filter(Q(seller=org) | Q(buyer=org)).aggregate(
        out_n=Count("pk", filter=Q(seller=org)),
        out_amount=Sum("amount", filter=Q(seller=org)),
        in_n=Count("pk", filter=Q(buyer=org)),
        in_amount=Sum("amount", filter=Q(buyer=org)),
    )
    return {"financing": fin, "deals": deals}


def transfer_figures(org: Organisation) -> dict[str, dict[str, int]]:
    """The organisation's needs and supply listings by status."""
    needs = dict(
        TechnologyNeed.objects.filter(organisation=org)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    listings = dict(
        SupplyListing.objects.filter(organisation=org)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {"needs": needs, "listings": listings}


def protection_figures(org: Organisation, names: Names) -> dict[str, Any]:
    """Enforcement cases by the organisation's role and the case's state (counted
    once per case), with how many of those as respondent carry a decision; and
    assistance requests by status."""
    parties = CaseParty.objects.filter(Q(organisation=org) | Q(name__in=list(names.spellings)))
    by_role: dict[str, dict[str, int]] = {}
    for r in parties.values("role", "case__state").annotate(n=Count("case_id", distinct=True)):
        by_role.setdefault(r["role"], {})[r["case__state"]] = r["n"]
    decided = (
        parties.filter(role=CaseParty.PartyRole.RESPONDENT, case__decided_on__isnull=False)
        .values("case_id")
        .distinct()
        .count()
    )
    assistance = dict(
        AssistanceRequest.objects.filter(organisation=org)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {"cases": by_role, "respondent_decided": decided, "assistance": assistance}


def _tag_labels(org: Organisation) -> list[str]:
    labels = dict(OrganisationTag.choices)
    return [str(labels.get(t, t)) for t in org.tags or []]


def profile_build(org: Organisation, *, public: bool, today: dt.date | None = None) -> Profile:
    """The whole profile of ``org``; ``public`` leaves out what the module masks.
    Callers check who may see which form (:mod:`access`)."""
    from iphub.enterprises.selectors.peers import peer_comparison
    from iphub.enterprises.selectors.tables import build_tables

    today = today or timezone.localdate()
    names = organisation_names(org)
    groups = patent_groups(names, today)
    pat = patent_figures(names, today, groups)
    data = {
        "patents": pat,
        "trademarks": trademark_figures(names),
        "filings": filing_figures(names),
        "money": money_figures(org),
        "transfer": transfer_figures(org),
        "protection": protection_figures(org, names),
    }
    headline, tables = build_tables(data, public=public)
    variants = list(
        ApplicantNameVariant.objects.filter(organisation=org, status=VariantStatus.CONFIRMED)
        .order_by("name")
        .values_list("name", flat=True)
    )
    memberships, past_memberships = programme_lines(org, public=public, today=today)
    return Profile(
        organisation=org,
        public=public,
        today=today,
        headline=headline,
        tables=tables,
        trend=_trend(pat["trend"], today),
        programmes=_tag_labels(org),
        variants=variants,
        names=names,
        peers=None if public else peer_comparison(org, names=names, today=today, groups=groups),
        extra={"data": data},
        memberships=memberships,
        past_memberships=past_memberships,
        policies=policy_checks(org, public=public),
    )


def _trend(by_year: dict[int, dict[str, int]], today: dt.date) -> dict[str, Any]:
    """Applications per year, one series per patent type (what the chart draws)."""
    if not by_year:
        return {"years": [], "series": [], "incomplete_from": None}
    years = list(range(min(by_year), max(max(by_year), today.year - 1) + 1))
    types = [t for t in PatentType.values if any(t in v for v in by_year.values())]
    series = [
        {"name": _type_label(t), "data": [by_year.get(y, {}).get(t, 0) for y in years]}
        for t in types
    ]
    # Records imported without a patent type (a number the importer could not
    # read a type from) still count in their year, as one series of their own.
    untyped = [
        sum(n for t, n in by_year.get(y, {}).items() if t not in PatentType.values) for y in years
    ]
    if any(untyped):
        series.append({"name": str(_("类型不明")), "data": untyped})
    cutoff = add_years(today, 0) - dt.timedelta(days=INCOMPLETE_MONTHS * 30)
    return {"years": years, "series": series, "incomplete_from": cutoff.year}


STATUS_LABELS = {
    "needs": dict(NeedStatus.choices),
    "listings": dict(ListingStatus.choices),
    "financing": dict(RequestState.choices),
    "assistance": dict(AssistanceStatus.choices),
    "cases": dict(CaseState.choices),
    "roles": dict(CaseParty.PartyRole.choices),
}
PUBLIC_NEEDS = (NeedStatus.OPEN,)
PUBLIC_LISTINGS = (ListingStatus.ACTIVE, ListingStatus.CONCLUDED)
