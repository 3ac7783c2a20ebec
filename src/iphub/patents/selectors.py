"""Reads of the patents app: search through the index, detail, applicant portfolio.

Patent records are public information (plan task 九), so these reads are not
region-scoped; staff-only views (import jobs, unresolved addresses) check roles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from iphub.core.errors import ApplicationError, NotFound
from iphub.core.models import Region
from iphub.core.permissions import require_roles
from iphub.patents.indexing import get_index
from iphub.patents.intelligence.selectors import grade_mix_rows
from iphub.patents.ipc import ipc_title
from iphub.patents.models import (
    ImportJob,
    LegalEvent,
    PartyRole,
    Patent,
    PatentParty,
    PatentType,
    RegionStatus,
    SavedSearch,
    SearchAlert,
)
from iphub.patents.names import applicant_key
from iphub.patents.search.index import MAX_RESULT_WINDOW

PAGE_SIZE = 20
# The page sizes the search page offers; the API takes any size from 1 to 100.
PAGE_SIZES = (10, 20, 50, 100)
# Sort orders of the search page and the API, with the words the page shows.
SORT_ORDERS: dict[str, Any] = {
    "relevance": _("相关度"),
    "app_date_desc": _("申请日（新→旧）"),
    "app_date_asc": _("申请日（旧→新）"),
    "pub_date_desc": _("公开日（新→旧）"),
    "pub_date_asc": _("公开日（旧→新）"),
    "grant_date_desc": _("授权日（新→旧）"),
    "grant_date_asc": _("授权日（旧→新）"),
    "grade_desc": _("价值分（高→低）"),
}
# Older names of the application-date orders, still accepted from links and API clients.
SORT_ALIASES = {"date_desc": "app_date_desc", "date_asc": "app_date_asc"}
FACET_TITLES = {
    "type": _("专利类型"),
    "status": _("法律状态"),
    "year": _("申请年"),
    "ipc_subclass": _("IPC 小类"),
    "city": _("地市"),
    "applicant": _("申请人"),
    "grade": _("价值等级"),
}


@dataclass
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class SearchPage:
    query: str
    total: int
    page: int
    page_size: int
    sort: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # True when the facet counts were estimated from a sample of a large result set.
    facets_approximate: bool = False
    # Simple families collapsed: records folded into their family's first hit.
    collapse: bool = False
    collapsed: int = 0
    collapsed_exact: bool = True

    @property
    def start(self) -> int:
        """The rank of the first row on this page (for the numbered list)."""
        return (self.page - 1) * self.page_size + 1

    @property
    def num_pages(self) -> int:
        """Pages there are to see (the index serves the first ``MAX_RESULT_WINDOW`` rows)."""
        return min(max(1, -(-self.total // self.page_size)), MAX_RESULT_WINDOW // self.page_size)


def _facet_label(name: str, value: str, regions: dict[str, str]) -> str:
    if name == "type":
        try:
            return str(PatentType(value).label)
        except ValueError:
            return value or str(_("未知"))
    if name == "city":
        return regions.get(value, value or str(_("未解析")))
    if name == "grade":
        return str(_("%(band)s 档") % {"band": value}) if value else str(_("未分级"))
    if name == "ipc_subclass":
        title = ipc_title(value) if value else None
        return f"{value} {title[:16]}" if title else value
    return value or str(_("未知"))


def patent_search(
    query: str,
    *,
    sort: str = "relevance",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    facets: bool = True,
    collapse: bool = False,
) -> SearchPage:
    """Run a query in the patent query language; raises ``QuerySyntaxError`` if malformed.

    ``collapse`` shows one result per simple family (see ``PatentIndex.search``).

    ``page`` is clamped to the pages there are: below 1 is the first page, past
    the end the last one (``SearchPage.page`` says which page was served), and no
    further than the index serves (``MAX_RESULT_WINDOW`` rows).
    """
    sort = SORT_ALIASES.get(sort, sort)
    if sort not in SORT_ORDERS:
        allowed = "、".join(SORT_ORDERS)
        message = f"排序方式“{sort}”不存在，请用以下之一：{allowed}。"
        raise ApplicationError(message, fields={"sort": message})
    if not 1 <= page_size <= max(PAGE_SIZES):
        message = f"每页条数应在 1 到 {max(PAGE_SIZES)} 之间。"
        raise ApplicationError(message, fields={"page_size": message})
    last_servable = MAX_RESULT_WINDOW // page_size
    page = min(max(1, page), last_servable)
    index = get_index()
    result = index.search(
        query,
        sort=cast(Any, sort),
        page=page,
        page_size=page_size,
        facets=facets,
        collapse=collapse,
    )
    last = min(max(1, -(-result.total // page_size)), last_servable)
    if page > last:
        # Past the end (an old link, a typed page number): serve the last page.
        page = last
        result = index.search(
            query,
            sort=cast(Any, sort),
            page=page,
            page_size=page_size,
            facets=facets,
            collapse=collapse,
        )
    ids = [h.id for h in result.hits]
    patents = Patent.objects.select_related("grade").in_bulk(ids)
    rows = []
    for h in result.hits:
        p = patents.get(h.id)
        if p is None:  # deleted since the index was written; the on-commit hook removes it
            continue
        rows.append(
            {
                "patent": p,
                "title_html": h.title_html,
                "abstract_html": h.abstract_html,
                "score": h.score,
                "family_hits": h.family_hits,
            }
        )
    out = SearchPage(
        query=query,
        total=result.total,
        page=page,
        page_size=page_size,
        sort=sort,
        rows=rows,
        facets_approximate=result.facet_sample < 1.0,
        collapse=collapse,
        collapsed=result.collapsed,
        collapsed_exact=result.collapsed_exact,
    )
    if facets:
        regions = dict(Region.objects.values_list("code", "name"))
        for name, values in result.facets.items():
            out.facets[name] = [
                FacetValue(str(v), _facet_label(name, str(v), regions), c) for v, c in values
            ]
    return out


def patent_scores(query: str, *, limit: int) -> list[tuple[int, float]]:
    """(id, relevance) of the best ``limit`` records for ``query``, without loading rows."""
    from iphub.patents.indexing import scored_ids

    return scored_ids(query, limit=limit)


def patent_ids_matching(
    query: str,
    *,
    among: set[int] | None = None,
    limit: int | None = None,
    order: Literal["relevance", "id"] | str = "relevance",
) -> list[int]:
    """Ids of every record matching ``query`` (optionally only those in ``among``),
    best first or, with ``order="id"``, in ascending id order (cheaper), or in a
    date order of ``SORT_ORDERS``."""
    from iphub.patents.indexing import matching_ids

    return matching_ids(query, among=among, limit=limit, order=order)


def patent_get(patent_id: int) -> Patent:
    """One patent with its parties and legal-status history."""
    p = (
        Patent.objects.select_related("region")
        .prefetch_related(
            Prefetch("parties", queryset=PatentParty.objects.order_by("role", "position")),
            Prefetch("legal_events", queryset=LegalEvent.objects.order_by("date", "id")),
        )
        .filter(pk=patent_id)
        .first()
    )
    if p is None:
        raise NotFound("未找到该专利。")
    return p


def patent_same_applicant(patent: Patent, *, limit: int = 10) -> QuerySet[Patent]:
    """Other patents of the first applicant (by normalised name)."""
    first = next((x for x in patent.parties.all() if x.role == PartyRole.APPLICANT), None)
    if first is None:
        return Patent.objects.none()
    ids = (
        PatentParty.objects.filter(role=PartyRole.APPLICANT, key=first.key)
        .exclude(patent_id=patent.pk)
        .values("patent_id")
    )
    return Patent.objects.filter(pk__in=ids).order_by("-app_date")[:limit]


def patent_similar(patent: Patent, *, limit: int = 8) -> list[Patent]:
    """Patents whose text is closest to this one's title (BM25 over the index)."""
    from iphub.patents.search import query_tokens

    words = [t for t in query_tokens(patent.title) if len(t) > 1][:12]
    if not words:
        return []
    expr = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
    result = get_index().search(expr, page_size=limit + 1, facets=False)
    ids = [h.id for h in result.hits if h.id != patent.pk][:limit]
    found = Patent.objects.in_bulk(ids)
    return [found[i] for i in ids if i in found]


@dataclass
class Portfolio:
    name: str
    key: str
    total: int
    by_year: list[tuple[int, int]]
    by_type: list[tuple[str, int]]
    ipc_mix: list[tuple[str, str, int]]
    patents: QuerySet[Patent]
    co_applicants: list[tuple[str, int]]
    # The value-grade mix of the portfolio (issue 20): band, records, per cent.
    grade_mix: list[dict[str, Any]] = field(default_factory=list)


def applicant_portfolio(name: str) -> Portfolio:
    """An applicant's portfolio: the patents, the filing trend, the IPC mix."""
    key = applicant_key(name)
    ids = PatentParty.objects.filter(role=PartyRole.APPLICANT, key=key).values("patent_id")
    qs = Patent.objects.filter(pk__in=ids)
    total = qs.count()
    if total == 0:
        raise NotFound(f"没有找到申请人“{name}”的专利。")
    display = (
        PatentParty.objects.filter(role=PartyRole.APPLICANT, key=key)
        .values_list("name", flat=True)
        .first()
    ) or name
    by_year = [
        (r["y"], r["n"])
        for r in qs.exclude(app_date=None)
        .annotate(y=ExtractYear("app_date"))
        .values("y")
        .annotate(n=Count("id"))
        .order_by("y")
    ]
    by_type = [
        (str(PatentType(r["patent_type"]).label) if r["patent_type"] else "未知", r["n"])
        for r in qs.values("patent_type").annotate(n=Count("id")).order_by("-n")
    ]
    sub: Counter[str] = Counter()
    for codes in qs.values_list("ipc_codes", flat=True):
        for code in {c[:4] for c in codes or []}:
            sub[code] += 1
    ipc_mix = [(c, ipc_title(c) or "", n) for c, n in sub.most_common(10)]
    co = Counter(
        PatentParty.objects.filter(role=PartyRole.APPLICANT, patent_id__in=ids)
        .exclude(key=key)
        .values_list("name", flat=True)
    )
    return Portfolio(
        name=display,
        key=key,
        total=total,
        by_year=by_year,
        by_type=by_type,
        ipc_mix=ipc_mix,
        patents=qs.select_related("grade").order_by("-app_date", "-pk"),
        co_applicants=co.most_common(10),
        grade_mix=grade_mix_rows(ids),
    )


def import_job_list(*, user: Any) -> QuerySet[ImportJob]:
    """Import jobs, for the staff who may import."""
    require_roles(user, "window", "supervisor")
    return ImportJob.objects.select_related("started_by").order_by("-created_at")


def import_job_get(*, user: Any, job_id: int) -> ImportJob:
    job = import_job_list(user=user).filter(pk=job_id).first()
    if job is None:
        raise NotFound("未找到该导入任务。")
    return job


def patents_unresolved_regions(*, user: Any) -> QuerySet[Patent]:
    """Records whose applicant address could not be resolved to a region, for staff."""
    require_roles(user, "window", "supervisor")
    return Patent.objects.filter(region_status=RegionStatus.UNRESOLVED).order_by("pk")


def saved_search_list(*, user: Any) -> QuerySet[SavedSearch]:
    """The user's saved searches with their unread alert counts, newest first."""
    # Ordered here: Django drops Meta.ordering from a query with an aggregate (GROUP BY).
    return (
        SavedSearch.objects.filter(user=user)
        .annotate(unread=Count("alerts", filter=Q(alerts__read=False)))
        .order_by("-created_at", "-id")
    )


def search_alert_list(*, user: Any) -> QuerySet[SearchAlert]:
    """Alerts raised for the user's saved searches, newest first."""
    return SearchAlert.objects.filter(saved_search__user=user).select_related("saved_search")


@dataclass(frozen=True)
class AlertRecords:
    """An alert with the records it lists, new and changed apart."""

    alert: SearchAlert
    new: list[Patent]
    changed: list[Patent]

    @property
    def more(self) -> int:
        """Matches counted but not listed (an alert keeps the first ``ALERT_IDS``)."""
        return self.alert.new_count + self.alert.changed_count - len(self.new) - len(self.changed)


def search_alert_records(*, user: Any, alert_id: int) -> AlertRecords:
    """One of the user's alerts with its records as they are now (a record deleted
    since is left out). Another user's alert is not found, not forbidden: its
    existence is not theirs to learn."""
    alert = search_alert_list(user=user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(
            "未找到该检索提醒：它可能已随所属的保存检索一起删除，请在“提醒”列表中重新选择。"
        )
    ids = [int(i) for i in alert.patent_ids]
    split = min(alert.new_count, len(ids))
    held = Patent.objects.in_bulk(ids)
    return AlertRecords(
        alert=alert,
        new=[held[i] for i in ids[:split] if i in held],
        changed=[held[i] for i in ids[split:] if i in held],
    )
