"""Demo monthly reports for ``make run`` (seed_demo calls :func:`demo_load`).

The Wuhan and Yichang supervisors write and submit their cities' reports for
the past four months through the report services; the province reviews them:
most are accepted, one of Yichang's came in late (after the 20th), and its latest
report was returned with a reason for it to revise. Steps in the past are
taken with the workflow's own ``now`` (so lateness follows from the deadline
rule), and the history rows are dated the same. The scores are then computed
by the scoring service from these reports and from the other modules' demo
records. Every report says 演示; one that exists is left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ
from iphub.core.models import Region, User
from iphub.supervision import scoring
from iphub.supervision.models import MonthlyReport, Plan, ReportEvent
from iphub.supervision.services.plan import plan_load
from iphub.supervision.services.reports import report_open, report_transition, report_update

PROVINCE = "province_supervisor"
# (username, region) of the cities that report.
REPORTERS = (("wuhan_supervisor", "420100"), ("yichang_supervisor", "420500"))
RETURN_REASON = "典型案例未写明处罚结果和涉案金额，请补充后重新报送（演示）。"


@dataclass(frozen=True)
class Story:
    """What happens to one month's report: submitted on ``day`` of the month (after
    the 20th is late), then accepted, or returned and left for the city to revise."""

    day: int
    outcome: str  # "accept" | "return" | "pending"


# Months back from the current one (1 = last month) -> story, per city.
STORIES = {
    "420100": {
        4: Story(15, "accept"),
        3: Story(17, "accept"),
        2: Story(16, "accept"),
        1: Story(18, "pending"),
    },
    "420500": {
        4: Story(14, "accept"),
        3: Story(28, "accept"),
        2: Story(19, "accept"),
        1: Story(17, "return"),
    },
}

WORK = {
    "二": "组织开展重点产业专利导航，完成产业链专利分析报告初稿（演示）。",
    "五": "开展“铁拳”专项行动检查，查办商标侵权、假冒专利案件（演示）。",
    "八": "走访银行与企业对接质押融资需求，新增专利权质押登记（演示）。",
    "十": "质押登记、许可备案全程网办，按时办结率保持高位（演示）。",
}


def _months_back(today: dt.date, n: int) -> dt.date:
    month = today.month - 1 - n
    return dt.date(today.year + month // 12, month % 12 + 1, 1)


def _at(month: dt.date, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(month.replace(day=day), dt.time(hour), tzinfo=LOCAL_TZ)


def _step(
    actor: User, report: MonthlyReport, action: str, when: dt.datetime, reason: str = ""
) -> MonthlyReport:
    report = report_transition(
        actor=actor, report_id=report.pk, action=action, reason=reason, now=when
    )
    # The history row is written at the wall-clock time; a demo step taken in
    # the past (with the workflow's ``now``) is dated then, like its report.
    last = (
        ReportEvent.objects.filter(report=report).order_by("-id").values_list("id", flat=True)[:1]
    )
    ReportEvent.objects.filter(id__in=list(last)).update(at=when)
    return report


def _report(
    reporter: User, province: User, region: Region, month: dt.date, story: Story, n: int
) -> None:
    report = report_open(actor=reporter, region=region, month=month)
    report_update(
        actor=reporter,
        report_id=report.pk,
        data={
            "work": WORK,
            "typical_cases": f"{region.name}{month:%Y年%m月}典型案例："
            "某企业以专利权质押获得贷款（演示）。",
            "typical_case_count": 1 + n % 2,
            "problems": "部分县区工作进展不平衡（演示）。",
            "next_steps": "继续推进专利导航与质押融资（演示）。",
            "figures": {"training_sessions": 3 + n, "enterprises_visited": 12 + 3 * n},
        },
    )
    submitted = _at(month, story.day)
    report = _step(reporter, report, "submit", submitted)
    review = submitted + dt.timedelta(days=3)
    if story.outcome == "accept":
        _step(province, report, "accept", review)
    elif story.outcome == "return":
        _step(province, report, "return", review, RETURN_REASON)


def demo_load(*, now: dt.datetime | None = None) -> list[str]:
    """Create the demo monthly reports once and compute last month's scores; summary lines."""
    now = now or timezone.now()
    today = now.astimezone(LOCAL_TZ).date()
    if not Plan.objects.exists():
        plan_load()  # the reports are written against the plan's tasks
    province = User.objects.get(username=PROVINCE)
    made = 0
    for username, code in REPORTERS:
        reporter = User.objects.select_related("region").get(username=username)
        region = Region.objects.get(code=code)
        for n, story in sorted(STORIES[code].items(), reverse=True):
            month = _months_back(today, n)
            if MonthlyReport.objects.filter(region=region, month=month).exists():
                continue
            with transaction.atomic():
                _report(reporter, province, region, month, story, n)
            made += 1
    last = _months_back(today, 1)
    cities = list(Region.objects.filter(code__in=[code for _, code in REPORTERS]))
    scores = scoring.monthly_scores(user=province, regions=cities, month=last, today=today)
    figures = "，".join(f"{s.region.name} {s.total} 分" for s in scores)
    return [f"督导考核：新建演示月报 {made} 份（{last:%Y年%m月}得分：{figures}）"]
