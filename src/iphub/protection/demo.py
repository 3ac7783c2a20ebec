"""Demo records of the protection app for ``make run`` (seed_demo calls :func:`demo_load`).

Made through the services by the demo accounts whose work it is: enforcers of
Wuhan and of the province launch a campaign, register workstations in several
districts and move enforcement cases through their states; the demo
enterprises ask for assistance and fast-track pre-examination. Abnormal
applications by Hubei demo applicants are planted (``demo_abnormal``) so that
the 蓝天 full run, executed here synchronously so that flagged groups exist when
``seed_demo`` ends, gives Wuhan's districts, Yichang and Xiangyang groups of
their own; the Wuhan enforcer has already confirmed one and opened a case on it.
Names carry 演示; each record is looked up by its name (or application number,
or source group) before it is made, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from iphub.core.models import Organisation, Region, User
from iphub.protection import demo_abnormal
from iphub.protection.models import (
    AssistanceRequest,
    Campaign,
    Case,
    CaseState,
    CaseType,
    DisputeKind,
    FastTrackRequest,
    FastTrackStatus,
    FlaggedGroup,
    GroupKind,
    GroupStatus,
    RunKind,
    RunStatus,
    ScreeningRun,
    ServiceKind,
    StationActivity,
    StationKind,
    Workstation,
)
from iphub.protection.services import assistance, enforcement, screening

CAMPAIGN = "2026年湖北省知识产权执法“铁拳”专项行动（演示）"

# (name, kind, region, host organisation or "", fields, enforcer username)
WORKSTATIONS = [
    (
        "武汉市知识产权维权援助中心（演示）",
        StationKind.ASSISTANCE_CENTRE,
        "420100",
        "",
        ["*"],
        "wuhan_enforcer",
    ),
    (
        "洪山区光谷光电企业知识产权保护工作站（演示）",
        StationKind.ENTERPRISE,
        "420111",
        "武汉光谷演示光电科技有限公司",
        ["G", "H"],
        "wuhan_enforcer",
    ),
    (
        "江岸区汉口商圈知识产权保护工作站（演示）",
        StationKind.MARKET,
        "420102",
        "",
        ["*"],
        "wuhan_enforcer",
    ),
    (
        "中国（宜昌）知识产权保护中心（演示）",
        StationKind.PROTECTION_CENTRE,
        "420500",
        "",
        ["*"],
        "province_enforcer",
    ),
    (
        "西陵区磷化工产业园知识产权保护工作站（演示）",
        StationKind.PARK,
        "420502",
        "宜昌西陵演示智能装备有限公司",
        ["B", "C"],
        "province_enforcer",
    ),
]

# A university service workstation hosted by the demo university (core.demo's
# university_user and hust_outlet act for it), registered by the Wuhan enforcer;
# the university's account logs the services it gave.
UNIVERSITY_STATION = "华中科技大学知识产权服务工作站（演示）"
UNIVERSITY_SERVICES = [
    ServiceKind.SEARCH_ANALYSIS,
    ServiceKind.NAVIGATION,
    ServiceKind.TRANSFER,
    ServiceKind.TRAINING,
]
# (days ago, kind, client organisation, title, participants)
UNIVERSITY_LOG = [
    (50, ServiceKind.SEARCH_ANALYSIS, "武汉光谷演示光电科技有限公司", "激光器件检索（演示）", 3),
    (35, ServiceKind.NAVIGATION, "武汉演示生物医药有限公司", "生物医药产业专利导航（演示）", 5),
    (20, ServiceKind.TRAINING, "东湖高新区在孵企业（演示）", "高校专利转化实务培训（演示）", 60),
    (6, ServiceKind.SEARCH_ANALYSIS, "武汉演示新材料有限公司", "新材料技术查新检索（演示）", 2),
]

# (title, type, region, enforcer, target state, respondent, with the campaign)
CASES = [
    (
        "某商贸行销售假冒“光谷”注册商标商品案（演示）",
        CaseType.TRADEMARK_INFRINGEMENT,
        "420100",
        "wuhan_enforcer",
        CaseState.CLOSED,
        "武汉某某商贸行（演示）",
        True,
    ),
    (
        "某电子商务公司网店假冒专利标识案（演示）",
        CaseType.COUNTERFEIT_PATENT,
        "420100",
        "wuhan_enforcer",
        CaseState.DECIDED,
        "武汉某某电子商务有限公司（演示）",
        True,
    ),
    (
        "光电探测器专利侵权纠纷行政裁决案（演示）",
        CaseType.PATENT_DISPUTE,
        "420100",
        "wuhan_enforcer",
        CaseState.INVESTIGATED,
        "武汉某某光学仪器有限公司（演示）",
        False,
    ),
    (
        "某代理机构代理非正常专利申请案（演示）",
        CaseType.AGENCY_MISCONDUCT,
        "420100",
        "wuhan_enforcer",
        CaseState.FILED,
        "某某知识产权代理有限公司（演示）",
        False,
    ),
    (
        "群众举报农贸市场地理标志商标违法使用线索（演示）",
        CaseType.GI_MISUSE,
        "420100",
        "wuhan_enforcer",
        CaseState.CLUE,
        "某农贸市场摊位经营者（演示）",
        False,
    ),
    (
        "某化工公司冒用磷化工专利号案（演示）",
        CaseType.COUNTERFEIT_PATENT,
        "420500",
        "province_enforcer",
        CaseState.FILED,
        "宜昌某某化工贸易有限公司（演示）",
        True,
    ),
    (
        "宜昌某超市销售侵犯注册商标专用权商品案（演示）",
        CaseType.TRADEMARK_INFRINGEMENT,
        "420500",
        "province_enforcer",
        CaseState.CLOSED,
        "宜昌某某超市（演示）",
        True,
    ),
]
PATH = [
    CaseState.CLUE,
    CaseState.FILED,
    CaseState.INVESTIGATED,
    CaseState.DECIDED,
    CaseState.CLOSED,
]


def _user(username: str) -> User:
    return User.objects.select_related("region", "organisation__region").get(username=username)


def _campaign(today: dt.date) -> tuple[Campaign, bool]:
    found = Campaign.objects.filter(name=CAMPAIGN).first()
    if found is not None:
        return found, False
    campaign = enforcement.campaign_create(
        actor=_user("province_enforcer"),
        name=CAMPAIGN,
        region_code="420000",
        starts_on=today - dt.timedelta(days=90),
        ends_on=today + dt.timedelta(days=120),
        scope="重点查处商标侵权、假冒专利和非正常专利申请，覆盖商圈、电商平台与产业园区（演示）",
        case_types=[
            CaseType.TRADEMARK_INFRINGEMENT,
            CaseType.COUNTERFEIT_PATENT,
            CaseType.ABNORMAL_FILING,
        ],
    )
    return campaign, True


def _workstations(today: dt.date) -> int:
    made = 0
    for name, kind, region, host, fields, who in WORKSTATIONS:
        if Workstation.objects.filter(name=name).exists():
            continue
        actor = _user(who)
        station = assistance.workstation_create(
            actor=actor,
            name=name,
            kind=kind,
            region_code=region,
            host=Organisation.objects.filter(name=host).first() if host else None,
            services=["维权援助", "纠纷调解", "培训宣传"],
            fields=fields,
            contact_name="陈工（演示）",
            contact_phone="02787000000",
            established_on=today - dt.timedelta(days=400),
        )
        assistance.station_activity_record(
            actor=actor,
            station=station,
            kind=StationActivity.Kind.TRAINING,
            title="企业知识产权保护实务培训（演示）",
            date=today - dt.timedelta(days=30),
            participants=45,
        )
        made += 1
    return made


def _university_station(today: dt.date) -> int:
    if Workstation.objects.filter(name=UNIVERSITY_STATION).exists():
        return 0
    university = _user("university_user")
    host = university.organisation
    if host is None:
        return 0
    station = assistance.workstation_create(
        actor=_user("wuhan_enforcer"),
        name=UNIVERSITY_STATION,
        kind=StationKind.UNIVERSITY,
        region_code=host.region.code,
        host=host,
        services=list(UNIVERSITY_SERVICES),
        fields=["*"],
        scope="面向东湖高新区及洪山区企业，提供专利检索分析、产业专利导航、"
        "高校成果转化对接和知识产权培训（演示）",
        contact_name="刘老师（演示）",
        contact_phone="02787000001",
        established_on=today - dt.timedelta(days=200),
    )
    for days, kind, client, title, people in UNIVERSITY_LOG:
        assistance.station_service_record(
            actor=university,
            station=station,
            date=today - dt.timedelta(days=days),
            kind=kind,
            client=client,
            title=title,
            participants=people,
        )
    return 1


def _cases(campaign: Campaign) -> int:
    made = 0
    for title, case_type, region, who, target, respondent, in_campaign in CASES:
        if Case.objects.filter(title=title).exists():
            continue
        actor = _user(who)
        case = enforcement.case_create(
            actor=actor,
            title=title,
            case_type=case_type,
            region_code=region,
            description="根据举报线索开展检查（演示数据）。",
            source="群众举报" if target == CaseState.CLUE else "专项行动检查",
            campaign=campaign if in_campaign else None,
            parties=[{"role": "respondent", "name": respondent}],
        )
        for state in PATH[1 : PATH.index(target) + 1]:
            decided = state == CaseState.DECIDED
            case = enforcement.case_transition(
                actor=actor,
                case=case,
                target=state,
                note="（演示）",
                penalty_amount=Decimal("50000.00") if decided else None,
                penalty_detail="责令停止侵权，没收侵权商品，罚款五万元（演示）" if decided else "",
            )
        made += 1
    return made


def _requests() -> int:
    made = 0
    wuhan, yichang = _user("enterprise_user"), _user("yichang_enterprise")
    subject = "竞争对手仿制本公司光模块产品，请求维权援助（演示）"
    if not AssistanceRequest.objects.filter(requester=wuhan, subject=subject).exists():
        item = assistance.assistance_request_submit(
            actor=wuhan,
            subject=subject,
            description="发现某公司在展会上展示与本公司专利产品结构相同的光模块，请求协助取证（演示）。",
            dispute_kind=DisputeKind.DOMESTIC,
            field="G",
            counterpart="武汉某某光学仪器有限公司（演示）",
        )
        item = assistance.assistance_request_close(
            actor=_user("wuhan_enforcer"),
            item=item,
            outcome="已指导企业固定证据并提出专利侵权纠纷行政裁决请求（演示）。",
        )
        assistance.assistance_feedback_submit(
            actor=wuhan, item=item, satisfaction=5, feedback="响应及时（演示）"
        )
        made += 1
    subject = "出口产品在美国被诉专利侵权，请求海外维权指导（演示）"
    if not AssistanceRequest.objects.filter(requester=yichang, subject=subject).exists():
        assistance.assistance_request_submit(
            actor=yichang,
            subject=subject,
            description="美国某公司起诉本公司出口的磷酸盐产品侵犯其专利，需要应诉指导（演示）。",
            dispute_kind=DisputeKind.OVERSEAS,
            field="C",
            counterpart="某美国化工公司（演示）",
            country="美国",
        )
        made += 1
    fast = [
        (wuhan, "一种光模块的高速并行光接口结构（演示）", "G02B6/42", FastTrackStatus.ACCEPTED),
        (wuhan, "一种激光雷达的多线扫描装置（演示）", "G01S7/481", FastTrackStatus.COMPLETED),
        (yichang, "一种电池级磷酸二氢锂的提纯方法（演示）", "C01B25/30", None),
    ]
    for who, title, ipc, status in fast:
        if FastTrackRequest.objects.filter(requester=who, title=title).exists():
            continue
        fast_item = assistance.fasttrack_request_submit(actor=who, title=title, ipc_main=ipc)
        if status is not None:
            assistance.fasttrack_request_decide(
                actor=_user("wuhan_enforcer"), item=fast_item, status=status, note="（演示）"
            )
        made += 1
    return made


def _screening(new_ids: list[int]) -> ScreeningRun | None:
    """One full 蓝天 run over the corpus, executed here rather than by the
    background task, so that ``seed_demo`` ends with the groups stored; on a
    database that had its full run before the planted records existed, an
    incremental run over those records instead.

    Created and executed in one transaction: the task the run enqueues on
    commit then finds it already claimed and does nothing.
    """
    if ScreeningRun.objects.filter(kind=RunKind.FULL, status=RunStatus.DONE).exists():
        if not new_ids:
            return None
        kind, ids = RunKind.INCREMENTAL, new_ids
    else:
        kind, ids = RunKind.FULL, []
    with transaction.atomic():
        run = screening.screening_run_create(
            actor=_user("province_enforcer"), kind=kind, patent_ids=ids
        )
        return screening.screening_run_execute(run.pk)


def _case_from_group(campaign: Campaign) -> int:
    """The Wuhan enforcer's work on the 洪山区 copies: the group confirmed as
    abnormal filing and an abnormal-filing case opened on it (立案), as the
    group page's 确认 and 立案查处 buttons do. Skipped once the case exists, or
    if someone dismissed the group."""
    number = demo_abnormal.numbers_of(demo_abnormal.HONGSHAN)[0]
    group = (
        FlaggedGroup.objects.filter(
            kind=GroupKind.NEAR_DUPLICATE, patents__application_number=number
        )
        .select_related("region")
        .first()
    )
    if group is None or group.status == GroupStatus.DISMISSED:
        return 0
    if Case.objects.filter(flagged_group=group).exists():
        return 0
    actor = _user("wuhan_enforcer")
    with transaction.atomic():
        if group.status == GroupStatus.OPEN:
            group = screening.flagged_group_confirm(
                actor=actor,
                group=group,
                note="同一申请人五件申请系同一文本改换数值和措辞而成，经核查确认（演示）。",
            )
        case = enforcement.case_create(
            actor=actor,
            title=f"非正常专利申请：{group.summary}"[:200],
            case_type=CaseType.ABNORMAL_FILING,
            region_code=group.region.code,
            description="“蓝天”筛查发现并经核查确认的疑似非正常专利申请，立案调查（演示数据）。",
            source=f"蓝天筛查 #{group.pk}",
            campaign=campaign,
            flagged_group_id=group.pk,
            parties=[{"role": "respondent", "name": n} for n in group.applicants[:3]],
        )
        enforcement.case_transition(actor=actor, case=case, target=CaseState.FILED, note="（演示）")
    return 1


def _groups_line() -> str:
    """How many flagged groups each city has to review (the largest first)."""
    cities: dict[str, int] = {}
    for path in FlaggedGroup.objects.values_list("region__path", flat=True):
        code = path.split("/")[1] if "/" in path else path
        cities[code] = cities.get(code, 0) + 1
    if not cities:
        return "“蓝天”筛查未发现疑似非正常申请"
    names = dict(Region.objects.filter(code__in=cities).values_list("code", "name"))
    top = sorted(cities.items(), key=lambda item: -item[1])[:4]
    where = "、".join(f"{names.get(code, code)} {n} 组" for code, n in top)
    return f"“蓝天”疑似非正常申请组共 {sum(cities.values())} 组（{where}）"


def demo_load() -> list[str]:
    """Create the demo protection records once (idempotent); returns summary lines."""
    today = timezone.localdate()
    with transaction.atomic():
        campaign, new_campaign = _campaign(today)
        stations = _workstations(today) + _university_station(today)
        cases = _cases(campaign)
        requests = _requests()
    with transaction.atomic():
        orgs, planted = demo_abnormal.plant()
    run = _screening(planted)
    cases += _case_from_group(campaign)
    lines = [
        f"保护与维权：新建专项行动 {int(new_campaign)} 个、工作站 {stations} 个、"
        f"执法案件 {cases} 件、援助与快速预审申请 {requests} 件",
        f"“蓝天”演示数据：新建申请人与代理机构 {orgs} 个、专利申请 {len(planted)} 件",
    ]
    if run is not None:
        what = "全量" if run.kind == RunKind.FULL else "增量"
        lines.append(f"“蓝天”{what}筛查：{run.message}")
    lines.append(_groups_line())
    return lines
