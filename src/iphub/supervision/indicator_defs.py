"""The indicators themselves: each reads one module through its selectors."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Q

from iphub.core.models import Region
from iphub.supervision.indicators import (
    Ctx,
    Indicator,
    RecordTable,
    Source,
    Unavailable,
    _paths_q,
    bucket,
    population,
    register,
    selector,
    within,
)

FILINGS, TRANSFER, NAVIGATION, PROTECTION = (
    "iphub.filings",
    "iphub.transfer",
    "iphub.navigation",
    "iphub.protection",
)
WAN = Decimal(10000)


# -- filings: pledge registrations, amounts, on-time rate ------------------------


def _pledges(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = selector(FILINGS, "pledges_registered")(user=ctx.user)
    return qs.filter(_paths_q(ctx), decided_at__gte=ctx.start, decided_at__lt=ctx.end)


def pledge_count(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(ctx, ((p, 1) for p in _pledges(ctx).values_list("region__path", flat=True)))


def pledge_amount(ctx: Ctx) -> dict[str, Decimal]:
    rows = _pledges(ctx).values_list("region__path", "amount")
    return {k: v / WAN for k, v in bucket(ctx, rows).items()}


def pledge_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            f.reference,
            f.registration_number or "",
            f.application_number,
            f.holder_name,
            f.counterparty_name,
            f.amount,
            f.region.name,
            f.decided_at,
        ]
        for f in _pledges(ctx).filter(within(region)).order_by("decided_at")
    ]
    return RecordTable(
        ["办件编号", "登记号", "申请号", "出质人", "质权人", "金额（元）", "受理地区", "登记时间"],
        rows,
    )


def on_time_rate(ctx: Ctx) -> dict[str, Decimal | None]:
    rates = selector(FILINGS, "filing_on_time_rates")
    report = rates(user=ctx.user, months=1, now=ctx.end - (ctx.end - ctx.start) / 2)
    month_key = ctx.month.strftime("%Y-%m")
    names = defaultdict(set)
    for reg in Region.objects.filter(_paths_q(ctx, "path")).only("name", "path"):
        for r in ctx.regions:
            if reg.path == r.path or reg.path.startswith(r.path + "/"):
                names[r.code].add(reg.name)
    out: dict[str, Decimal | None] = {}
    for r in ctx.regions:
        decided = on_time = 0
        for name in names[r.code]:
            cell = report.by_city.get(name, {}).get(month_key)
            if cell is not None:
                decided, on_time = decided + cell.decided, on_time + cell.on_time
        # No decided filing: the rate is 0/0, not 100 % (None: 无数据, scored 0).
        out[r.code] = Decimal(100) * on_time / decided if decided else None
    return out


def on_time_records(ctx: Ctx, region: Region) -> RecordTable:
    qs = selector(FILINGS, "filing_list")(user=ctx.user).filter(
        within(region), decided_at__gte=ctx.start, decided_at__lt=ctx.end
    )
    rows = [
        [
            f.reference,
            f.get_kind_display(),
            f.get_state_display(),
            f.region.name,
            f.due_at,
            f.decided_at,
            "超期" if f.late else "按时",
        ]
        for f in qs.order_by("decided_at")
    ]
    return RecordTable(
        ["办件编号", "事项", "状态", "受理地区", "时限", "办结时间", "是否按时"], rows
    )


# -- transfer (知慧桥): needs posted, deals ---------------------------------------


def _needs(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = selector(TRANSFER, "need_list")(user=ctx.user)
    return qs.filter(_paths_q(ctx), created_at__gte=ctx.start, created_at__lt=ctx.end)


def needs_posted(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(ctx, ((p, 1) for p in _needs(ctx).values_list("region__path", flat=True)))


def needs_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [n.pk, n.title, n.organisation.name, n.region.name, n.get_status_display(), n.created_at]
        for n in _needs(ctx).filter(within(region)).order_by("created_at")
    ]
    return RecordTable(["编号", "需求", "发布单位", "地区", "状态", "发布时间"], rows)


def _deal_rows(ctx: Ctx) -> list[tuple[str, Decimal, Decimal]]:
    stats = selector(TRANSFER, "deal_stats")(user=ctx.user)
    month_key = ctx.month.strftime("%Y-%m")
    paths = dict(Region.objects.values_list("code", "path"))
    return [
        (paths.get(s["region"], ""), Decimal(s["count"]), Decimal(s["amount"]))
        for s in stats
        if s["month"] == month_key
    ]


def deals(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(ctx, ((p, n) for p, n, _ in _deal_rows(ctx)))


def deal_amount(ctx: Ctx) -> dict[str, Decimal]:
    return {k: v / WAN for k, v in bucket(ctx, ((p, a) for p, _, a in _deal_rows(ctx))).items()}


# The counts come from ``deal_stats``; the list needs transfer's ``deal_list``,
# which may not exist yet: then the dashboard shows the counts only.
DEAL_LIST = (TRANSFER, "deal_list")


def deal_records(ctx: Ctx, region: Region) -> RecordTable:
    qs = selector(*DEAL_LIST)(user=ctx.user).filter(
        within(region), signed_on__gte=ctx.month, signed_on__lte=ctx.last_day
    )
    rows = [
        [
            d.get_kind_display(),
            d.seller.name,
            d.buyer.name,
            d.amount,
            d.region.name,
            d.signed_on,
            d.filing_reference,
        ]
        for d in qs.select_related("seller", "buyer", "region").order_by("signed_on", "pk")
    ]
    return RecordTable(
        ["类型", "转让/许可方", "受让/被许可方", "金额（元）", "地区", "签订日期", "备案/登记号"],
        rows,
    )


# -- navigation: projects, chains covered, high-value patents ---------------------


def _projects(ctx: Ctx):  # type: ignore[no-untyped-def]
    return selector(NAVIGATION, "project_list")(user=ctx.user).filter(_paths_q(ctx))


def navigation_projects(ctx: Ctx) -> dict[str, Decimal]:
    qs = _projects(ctx).filter(started_on__gte=ctx.month, started_on__lte=ctx.last_day)
    return bucket(ctx, ((p, 1) for p in qs.values_list("region__path", flat=True)))


def navigation_records(ctx: Ctx, region: Region) -> RecordTable:
    qs = _projects(ctx).filter(
        within(region), started_on__gte=ctx.month, started_on__lte=ctx.last_day
    )
    rows = [
        [
            p.title,
            p.get_project_type_display(),
            p.client.name,
            p.chain.name if p.chain else "",
            p.region.name,
            p.started_on,
            p.finished_on,
        ]
        for p in qs
    ]
    return RecordTable(["项目", "类型", "委托单位", "产业链", "地区", "开始", "完成"], rows)


def chains_covered(ctx: Ctx) -> dict[str, Decimal]:
    """Distinct industry chains with a navigation project started up to the month's end."""
    qs = _projects(ctx).filter(started_on__lte=ctx.last_day).exclude(chain=None)
    seen: dict[str, set[int]] = {r.code: set() for r in ctx.regions}
    for path, chain_id in qs.values_list("region__path", "chain_id"):
        for code in path.split("/"):
            if code in seen:
                seen[code].add(chain_id)
    return {k: Decimal(len(v)) for k, v in seen.items()}


def chain_records(ctx: Ctx, region: Region) -> RecordTable:
    """The chains counted by ``chains_covered``, each with its projects so far."""
    qs = (
        _projects(ctx)
        .filter(within(region), started_on__lte=ctx.last_day)
        .exclude(chain=None)
        .order_by("started_on", "pk")
    )
    chains: dict[int, list[Any]] = {}
    for p in qs:
        row = chains.setdefault(p.chain_id, [p.chain.name, 0, p.started_on, set()])
        row[1] += 1
        row[3].add(p.region.name)
    rows = [
        [name, n, first, "、".join(sorted(places))] for name, n, first, places in chains.values()
    ]
    return RecordTable(["产业链", "导航项目数", "首个项目开始", "项目地区"], rows)


def _high_value(ctx: Ctx) -> list[tuple[int, str, list[str]]]:
    """(patent id, region path, criteria met) of Hubei's in-force high-value inventions."""
    if not apps.is_installed(NAVIGATION):
        raise Unavailable("模块 navigation 尚未启用")
    try:
        from iphub.navigation.highvalue import INVENTION_TYPES, criteria_of
    except ImportError:
        raise Unavailable("navigation 没有高价值专利判定") from None
    from iphub.patents.models import Patent

    rows = list(
        Patent.objects.filter(province_code="420000", patent_type__in=INVENTION_TYPES)
        .exclude(grant_date=None)
        .values_list("id", "city_code")
    )
    high = criteria_of([pid for pid, _ in rows], today=ctx.last_day)
    paths = dict(Region.objects.values_list("code", "path"))
    # A patent without a city counts for the province only.
    return [
        (pid, paths.get(city or "420000", "420000"), high[pid]) for pid, city in rows if pid in high
    ]


def high_value_records(ctx: Ctx, region: Region) -> RecordTable:
    from iphub.navigation.models import HighValueCriterion
    from iphub.patents.models import Patent

    labels = dict(HighValueCriterion.choices)
    mine = {
        pid: crit
        for pid, path, crit in _high_value(ctx)
        if path == region.path or path.startswith(region.path + "/")
    }
    patents = Patent.objects.filter(pk__in=mine).order_by("app_date", "pk")
    rows = [
        [
            p.application_number or p.natural_key,
            p.title,
            "、".join(map(str, p.applicants)) if isinstance(p.applicants, list) else "",
            "、".join(str(labels.get(c, c)) for c in mine[p.pk]),
            p.app_date,
            p.grant_date,
        ]
        for p in patents.only(
            "natural_key", "application_number", "title", "applicants", "app_date", "grant_date"
        )
    ]
    return RecordTable(["申请号", "名称", "专利权人", "高价值类别", "申请日", "授权日"], rows)


def high_value_per_10k(ctx: Ctx) -> dict[str, Decimal]:
    """In-force high-value invention patents per 10,000 residents (navigation's criteria)."""
    counts = bucket(ctx, ((path, 1) for _, path, _ in _high_value(ctx)))
    pop = population()
    out = {}
    for code, n in counts.items():
        if code not in pop:
            raise Unavailable(f"人口数据缺少 {code}")
        out[code] = n * WAN / pop[code]
    return out


# -- protection: workstations, assistance cases, enforcement cases ----------------


def _stations(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = selector(PROTECTION, "workstation_list")()
    try:
        from iphub.protection.models.assistance import WORKSTATION_KINDS

        qs = qs.filter(kind__in=WORKSTATION_KINDS)
    except ImportError:
        pass
    return qs.filter(_paths_q(ctx)).filter(
        Q(established_on=None) | Q(established_on__lte=ctx.last_day)
    )


def workstations(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(ctx, ((p, 1) for p in _stations(ctx).values_list("region__path", flat=True)))


def workstation_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [s.name, s.get_kind_display(), s.region.name, s.established_on]
        for s in _stations(ctx).filter(within(region))
    ]
    return RecordTable(["名称", "类型", "地区", "设立日期"], rows)


def _assistance(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = selector(PROTECTION, "assistance_list")(user=ctx.user)
    return qs.filter(_paths_q(ctx), submitted_at__gte=ctx.start, submitted_at__lt=ctx.end)


def assistance_cases(ctx: Ctx) -> dict[str, Decimal]:
    return bucket(ctx, ((p, 1) for p in _assistance(ctx).values_list("region__path", flat=True)))


def assistance_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            a.subject,
            a.get_dispute_kind_display(),
            a.organisation.name,
            a.region.name,
            a.get_status_display(),
            a.submitted_at,
        ]
        for a in _assistance(ctx).filter(within(region)).order_by("submitted_at", "pk")
    ]
    return RecordTable(["事项", "纠纷类型", "申请单位", "地区", "状态", "受理时间"], rows)


def _cases(ctx: Ctx):  # type: ignore[no-untyped-def]
    qs = selector(PROTECTION, "case_list")(user=ctx.user)
    return qs.filter(_paths_q(ctx), filed_on__gte=ctx.month, filed_on__lte=ctx.last_day)


def enforcement_cases(ctx: Ctx) -> dict[str, Decimal]:
    rows = selector(PROTECTION, "case_counts")(user=ctx.user, start=ctx.month, end=ctx.last_day)
    return bucket(ctx, ((path, n) for path, _month, n in rows))


def case_records(ctx: Ctx, region: Region) -> RecordTable:
    rows = [
        [
            c.number,
            c.title,
            c.get_case_type_display(),
            c.region.name,
            c.get_state_display(),
            c.filed_on,
        ]
        for c in _cases(ctx).filter(within(region)).order_by("filed_on", "pk")
    ]
    return RecordTable(["案号", "案由", "类型", "地区", "状态", "立案日期"], rows)


# -- finance: risk-compensation funds ---------------------------------------------


def risk_fund_size(ctx: Ctx) -> dict[str, Decimal]:
    sel = selector("iphub.finance", "fund_list")
    qs = sel(user=ctx.user).filter(_paths_q(ctx), established_on__lte=ctx.last_day)
    return {k: v / WAN for k, v in bucket(ctx, qs.values_list("region__path", "size")).items()}


C = Source.COMPUTED
for ind in (
    Indicator(
        "pledge_count", "专利权质押登记件数", "件", "filings", C, pledge_count, pledge_records
    ),
    Indicator(
        "pledge_amount",
        "质押融资登记金额",
        "万元",
        "filings",
        C,
        pledge_amount,
        pledge_records,
        decimals=2,
    ),
    Indicator(
        "filing_on_time_rate",
        "登记备案按时办结率",
        "%",
        "filings",
        C,
        on_time_rate,
        on_time_records,
        decimals=1,
    ),
    Indicator("needs_posted", "发布技术需求数", "项", "transfer", C, needs_posted, needs_records),
    Indicator(
        "deals", "转让许可成交数", "项", "transfer", C, deals, deal_records, lists_with=DEAL_LIST
    ),
    Indicator(
        "deal_amount",
        "转让许可成交金额",
        "万元",
        "transfer",
        C,
        deal_amount,
        deal_records,
        decimals=2,
        lists_with=DEAL_LIST,
    ),
    Indicator(
        "navigation_projects",
        "专利导航项目数",
        "个",
        "navigation",
        C,
        navigation_projects,
        navigation_records,
    ),
    Indicator(
        "chains_covered",
        "导航覆盖产业链（累计）",
        "条",
        "navigation",
        C,
        chains_covered,
        chain_records,
    ),
    Indicator(
        "high_value_per_10k",
        "每万人口高价值发明专利拥有量",
        "件/万人",
        "navigation",
        C,
        high_value_per_10k,
        high_value_records,
        decimals=2,
    ),
    Indicator(
        "workstations",
        "保护工作站（累计）",
        "家",
        "protection",
        C,
        workstations,
        workstation_records,
    ),
    Indicator(
        "assistance_cases",
        "维权援助案件数",
        "件",
        "protection",
        C,
        assistance_cases,
        assistance_records,
    ),
    Indicator(
        "enforcement_cases", "执法立案数", "件", "protection", C, enforcement_cases, case_records
    ),
    Indicator(
        "risk_fund_size",
        "质押融资风险补偿资金规模（累计）",
        "万元",
        "finance",
        C,
        risk_fund_size,
        decimals=2,
    ),
    Indicator("training_sessions", "培训宣传活动场次", "场", "", Source.REPORTED),
    Indicator("enterprises_visited", "走访服务企业数", "家", "", Source.REPORTED),
):
    register(ind)
