"""Reads of the filings app, each scoped by ``iphub.core.permissions``: staff see
filings handled inside their region, applicants their organisation's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, NotFound
from iphub.core.models import Region, Role
from iphub.core.permissions import region_path_of, require_login, require_roles, scope_queryset
from iphub.filings.models import Filing, FilingKind, FilingState, Operation
from iphub.filings.workflow import WAITING_ON_STAFF

# A waiting filing due within this many hours is "at risk" on the board.
AT_RISK_HOURS = 4


def _scoped(user: Any) -> QuerySet[Filing]:
    require_login(user)
    qs = Filing.objects.select_related("region", "organisation", "escalated_to")
    return scope_queryset(user, qs, organisation_field="organisation_id")


def filing_list(*, user: Any, state: str = "", kind: str = "", q: str = "") -> QuerySet[Filing]:
    """Filings ``user`` may see, newest first, optionally filtered."""
    qs = _scoped(user)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(application_number__icontains=q.strip()) | qs.filter(
            holder_name__icontains=q.strip()
        )
    return qs.order_by("-created_at", "-id")


def filing_queue(*, user: Any) -> QuerySet[Filing]:
    """The window's queue: filings waiting on staff in ``user``'s region, most urgent first."""
    require_roles(user, Role.WINDOW, Role.SUPERVISOR)
    return _scoped(user).filter(state__in=WAITING_ON_STAFF).order_by("due_at", "id")


def filing_get(*, user: Any, filing_id: int) -> Filing:
    """One filing with its history and materials, if ``user`` may see it."""
    filing = (
        _scoped(user)
        .select_related("patent", "parent", "created_by")
        .prefetch_related("events", "documents")
        .filter(pk=filing_id)
        .first()
    )
    if filing is None:
        # Outside the user's region or organisation it is "not found", as if it did
        # not exist (core.permissions: one answer, 404, across the platform).
        raise NotFound("未找到该申请。")
    return filing


def filing_by_code(code: str) -> Filing:
    """The registration a notice's verification code stands for (public)."""
    code = (code or "").strip().upper().replace("-", "").replace(" ", "")
    filing = (
        Filing.objects.select_related("region", "patent")
        .filter(verification_code=code)
        .exclude(verification_code=None)
        .first()
    )
    if filing is None:
        raise NotFound("验证码无效：没有与之对应的登记。")
    return filing


@dataclass
class BoardRow:
    region: Region
    due_today: list[Filing] = field(default_factory=list)
    at_risk: list[Filing] = field(default_factory=list)
    overdue: list[Filing] = field(default_factory=list)


def filing_board(*, user: Any, now: dt.datetime | None = None) -> list[BoardRow]:
    """Waiting filings by handling region: due later today, at risk (due within
    ``AT_RISK_HOURS``), overdue (due time passed; escalated ones included)."""
    require_roles(user, Role.WINDOW, Role.SUPERVISOR)
    now = now or timezone.now()
    today = now.astimezone(LOCAL_TZ).date()
    rows: dict[str, BoardRow] = {}
    for f in (
        _scoped(user).filter(state__in=WAITING_ON_STAFF, due_at__isnull=False).order_by("due_at")
    ):
        assert f.due_at is not None
        row = rows.setdefault(f.region_id, BoardRow(region=f.region))
        if f.due_at < now:
            row.overdue.append(f)
            continue
        if f.due_at <= now + dt.timedelta(hours=AT_RISK_HOURS):
            row.at_risk.append(f)
        if f.due_at.astimezone(LOCAL_TZ).date() == today:
            row.due_today.append(f)
    return sorted(rows.values(), key=lambda r: r.region.code)


def filing_sla_counts(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Province-wide counts of filings waiting on staff that are ``overdue`` (due time
    passed) or ``at_risk`` (due within ``AT_RISK_HOURS``), for the operators' metrics;
    the same rule as :func:`filing_board`, counted in the database."""
    now = now or timezone.now()
    waiting = Filing.objects.filter(state__in=WAITING_ON_STAFF, due_at__isnull=False)
    return {
        "overdue": waiting.filter(due_at__lt=now).count(),
        "at_risk": waiting.filter(
            due_at__gte=now, due_at__lte=now + dt.timedelta(hours=AT_RISK_HOURS)
        ).count(),
    }


BOARD_COLUMNS = ("受理地区", "申请编号", "事项", "状态", "办理时限", "情况", "已上报上级")


def board_table(rows: list[BoardRow]) -> Iterator[list[Any]]:
    """The board as one row per filing (columns ``BOARD_COLUMNS``), with every list
    it is on: a filing due within the next hours today is both 临近超期 and 今日到期."""
    for r in rows:
        on: dict[int, tuple[Filing, list[str]]] = {}
        for label, filings in (
            ("已超期", r.overdue),
            ("临近超期", r.at_risk),
            ("今日到期", r.due_today),
        ):
            for f in filings:
                on.setdefault(f.pk, (f, []))[1].append(label)
        for f, labels in sorted(on.values(), key=lambda item: (item[0].due_at, item[0].pk)):
            assert f.due_at is not None  # only filings with a due time are on the board
            yield [
                r.region.name,
                f.reference,
                f.get_kind_display(),
                f.get_state_display(),
                f.due_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
                "、".join(labels),
                "是" if f.escalated_at else "否",
            ]


@dataclass
class RateCell:
    decided: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None


@dataclass
class OnTimeReport:
    months: list[str]
    by_city: dict[str, dict[str, RateCell]]  # city name -> month -> cell
    by_service: dict[str, dict[str, RateCell]]  # service label -> month -> cell

    def grid(self, table: dict[str, dict[str, RateCell]]) -> list[tuple[str, list[RateCell]]]:
        """Rows of ``table`` with a cell for every month; a month without a decided
        filing is an empty cell, its rate None (无数据: 0/0 is not 100 %)."""
        return [
            (name, [cells.get(m, RateCell()) for m in self.months]) for name, cells in table.items()
        ]

    @property
    def city_grid(self) -> list[tuple[str, list[RateCell]]]:
        return self.grid(self.by_city)

    @property
    def service_grid(self) -> list[tuple[str, list[RateCell]]]:
        return self.grid(self.by_service)


def filing_on_time_rates(
    *, user: Any, months: int = 6, now: dt.datetime | None = None
) -> OnTimeReport:
    """On-time rate of decided filings (approved or refused) per city and per
    service, month by month, over the last ``months`` months in ``user``'s region."""
    require_roles(user, Role.WINDOW, Role.SUPERVISOR)
    if region_path_of(user) is None:
        raise AccessDenied()
    now = now or timezone.now()
    local = now.astimezone(LOCAL_TZ)
    keys = []
    y, m = local.year, local.month
    for _ in range(months):
        keys.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    keys.reverse()
    start = dt.datetime(int(keys[0][:4]), int(keys[0][5:]), 1, tzinfo=LOCAL_TZ)
    by_city: dict[str, dict[str, RateCell]] = defaultdict(lambda: defaultdict(RateCell))
    by_service: dict[str, dict[str, RateCell]] = defaultdict(lambda: defaultdict(RateCell))
    rows = (
        _scoped(user)
        .filter(
            state__in=(
                FilingState.REGISTERED,
                FilingState.REFUSED,
                FilingState.CHANGED,
                FilingState.CANCELLED,
            ),
            decided_at__gte=start,
        )
        .values_list("decided_at", "region__name", "kind", "late")
    )
    for decided_at, region_name, kind, late in rows:
        if decided_at is None:
            continue
        month = decided_at.astimezone(LOCAL_TZ).strftime("%Y-%m")
        label = FilingKind(kind).label
        for cell in (by_city[region_name][month], by_service[str(label)][month]):
            cell.decided += 1
            cell.on_time += 0 if late else 1
    return OnTimeReport(
        months=keys,
        by_city={k: dict(v) for k, v in sorted(by_city.items())},
        by_service={k: dict(v) for k, v in sorted(by_service.items())},
    )


RATE_COLUMNS = ("维度", "名称", "月份", "办结件数", "按时件数", "按时办结率（%）")


def on_time_table(report: OnTimeReport) -> Iterator[list[Any]]:
    """The on-time rates as rows (columns ``RATE_COLUMNS``): per city, then per
    service, every month the page shows; a month without decisions says 无数据."""
    for dimension, table in (("地市", report.by_city), ("事项", report.by_service)):
        for name, cells in report.grid(table):
            for month, cell in zip(report.months, cells, strict=True):
                rate = cell.rate if cell.rate is not None else "无数据"
                yield [dimension, name, month, cell.decided, cell.on_time, rate]


def pledges_registered(*, user: Any) -> QuerySet[Filing]:
    """Pledges in force, patent and trademark (amount, pledgee, region), for the
    ``finance`` figures: the registration itself, or the change or extension that
    replaced it (the one it replaced is then 已变更, so nothing counts twice)."""
    return _scoped(user).filter(
        kind__in=(FilingKind.PATENT_PLEDGE, FilingKind.TRADEMARK_PLEDGE),
        state=FilingState.REGISTERED,
        operation__in=(Operation.ESTABLISH, Operation.CHANGE, Operation.EXTEND),
    )


def pledges_registered_by(*, organisation_id: int, year: int) -> int:
    """Patent pledges the organisation registered (as the applicant) in ``year``,
    counted by registration date whatever happened to them since: the policy
    library's condition "质押登记（当年）" reads it for the organisation's own
    record, so no user scope applies."""
    start = dt.datetime(year, 1, 1, tzinfo=LOCAL_TZ)
    return Filing.objects.filter(
        organisation_id=organisation_id,
        kind=FilingKind.PATENT_PLEDGE,
        operation=Operation.ESTABLISH,
        state__in=(FilingState.REGISTERED, FilingState.CHANGED, FilingState.CANCELLED),
        decided_at__gte=start,
        decided_at__lt=start.replace(year=year + 1),
    ).count()
