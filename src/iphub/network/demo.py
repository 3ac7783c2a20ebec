"""The network's demo for ``make run``: information outlets across the cities
with their coordinates and staff, service tickets in every state (one overdue,
answered late and on time, rated), agency entries with their agents, an
agency-hosted workstation and filings the demo agency submitted for a client
(one registered, one returned, one refused), so that the outlet map, the
tickets, the figures and the agency ratings open full.

Everything goes through the services, by the demo account whose step it is,
with past times given as the services' ``now``. Names say 演示. Idempotent:
each record is looked up by its name (or its ticket subject) first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from iphub.core.calendar import LOCAL_TZ, add_working_days
from iphub.core.errors import ApplicationError
from iphub.core.models import Organisation, User
from iphub.network import services
from iphub.network.models import AgencyProfile, Agent, Outlet, OutletStaff, ServiceTicket

KEEPER = "province_supervisor"
AGENCY = "湖北演示专利代理事务所"
FLAGGED_AGENCY = "武汉捷达演示专利代理有限公司"

# (name, kind, level, host organisation or "", host name, region, address, lng, lat, services)
OUTLETS: list[tuple[str, str, str, str, str, str, str, float, float, list[str]]] = [
    ("湖北省技术与创新支持中心（演示）", "tisc", "provincial", "", "湖北省知识产权信息中心（演示）",
     "420106", "武汉市武昌区演示大道1号", 114.316, 30.554,
     ["search", "navigation", "analysis", "infringement"]),
    ("华中科技大学国家知识产权信息服务中心（演示）", "university", "national", "华中科技大学",
     "华中科技大学", "420111", "武汉市洪山区珞喻路演示楼", 114.414, 30.513,
     ["search", "navigation", "analysis"]),
    ("武汉东湖高新区知识产权信息公共服务网点（演示）", "public_point", "national", AGENCY, AGENCY,
     "420111", "武汉市洪山区光谷演示广场3楼", 114.402, 30.492, ["search", "infringement", "other"]),
    ("三峡大学知识产权信息服务中心（演示）", "university", "national", "三峡大学", "三峡大学",
     "420502", "宜昌市西陵区大学路演示楼", 111.312, 30.728, ["search", "analysis"]),
    ("宜昌市知识产权信息公共服务网点（演示）", "public_point", "provincial", "",
     "宜昌市知识产权服务中心（演示）", "420502", "宜昌市西陵区演示路18号", 111.290, 30.702,
     ["search", "infringement"]),
    ("襄阳市技术与创新支持中心（演示）", "tisc", "provincial", "", "襄阳市科技信息研究所（演示）",
     "420602", "襄阳市襄城区演示街6号", 112.134, 32.010, ["search", "navigation"]),
    ("十堰市知识产权信息公共服务网点（演示）", "public_point", "provincial", "",
     "十堰市知识产权服务中心（演示）", "420302", "十堰市茅箭区演示路2号", 110.798, 32.629,
     ["search", "other"]),
    ("荆州市知识产权信息公共服务网点（演示）", "public_point", "provincial", "",
     "荆州市知识产权服务中心（演示）", "421002", "荆州市沙市区演示路9号", 112.255, 30.316,
     ["search", "analysis"]),
    ("黄石市知识产权信息公共服务网点（演示）", "public_point", "city", "",
     "黄石市知识产权服务中心（演示）", "420202", "黄石市黄石港区演示路5号", 115.077, 30.220,
     ["search"]),
    ("恩施市知识产权服务窗口（演示）", "county_window", "county", "", "恩施市政务服务中心（演示）",
     "422801", "恩施市演示大道66号政务服务中心", 109.488, 30.283, ["search", "other"]),
    ("孝感市孝南区知识产权服务窗口（演示）", "county_window", "county", "",
     "孝南区政务服务中心（演示）", "420902", "孝感市孝南区演示路1号", 113.910, 30.925,
     ["search"]),
]  # fmt: skip

# Outlet staff: (username, outlet name)
STAFF = [
    ("hust_outlet", "华中科技大学国家知识产权信息服务中心（演示）"),
    ("ctgu_outlet", "三峡大学知识产权信息服务中心（演示）"),
    ("agency_user", "武汉东湖高新区知识产权信息公共服务网点（演示）"),
]

AGENCY_PROFILES = {
    AGENCY: (["patent_agency", "trademark_agency", "navigation", "protection"],
             ["420100", "420500"],
             "专注光电信息、装备制造领域的专利代理与导航分析（演示数据）。"),
    FLAGGED_AGENCY: (["patent_agency"], [], "演示数据：蓝天行动筛查线索涉及的代理机构。"),
}  # fmt: skip
AGENTS = {
    AGENCY: [("演示代理师甲", "42010012345"), ("演示代理师乙", "42010023456"),
             ("演示代理师丙", "42010034567")],
    FLAGGED_AGENCY: [("演示代理师丁", "42010045678")],
}  # fmt: skip


def _outlets(keeper: User) -> int:
    made = 0
    for name, kind, level, host, host_name, region, address, lng, lat, offered in OUTLETS:
        if Outlet.objects.filter(name=name).exists():
            continue
        org = Organisation.objects.filter(name=host).first() if host else None
        services.outlet_create(
            actor=keeper,
            data={
                "name": name,
                "kind": kind,
                "level": level,
                "host": str(org.pk) if org else "",
                "host_name": host_name,
                "region": region,
                "address": address,
                "longitude": str(lng),
                "latitude": str(lat),
                "services": offered,
                "opening_hours": "工作日 8:30-12:00，14:00-17:30",
                "phone": "027-87650000",
            },
        )
        made += 1
    for username, outlet_name in STAFF:
        outlet = Outlet.objects.get(name=outlet_name)
        user = User.objects.filter(username=username).first()
        if user and not OutletStaff.objects.filter(outlet=outlet, user=user).exists():
            services.outlet_staff_add(actor=keeper, outlet_id=outlet.pk, username=username)
    return made


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=LOCAL_TZ)


def _ticket(
    requester: str, outlet_name: str, service: str, subject: str, question: str, at: dt.datetime
) -> ServiceTicket | None:
    """Open a ticket once (by subject); None when it exists already."""
    if ServiceTicket.objects.filter(subject=subject).exists():
        return None
    user = User.objects.get(username=requester)
    outlet = Outlet.objects.get(name=outlet_name)
    return services.ticket_open(
        actor=user,
        outlet_id=outlet.pk,
        data={"service": service, "subject": subject, "question": question},
        now=at,
    )


def _step(username: str, ticket: ServiceTicket, name: str, at: dt.datetime, **data: Any) -> None:
    services.ticket_step(
        actor=User.objects.get(username=username), ticket_id=ticket.pk, name=name, data=data, now=at
    )


def _tickets(today: dt.date) -> int:
    hust = "华中科技大学国家知识产权信息服务中心（演示）"
    ctgu = "三峡大学知识产权信息服务中心（演示）"
    point = "武汉东湖高新区知识产权信息公共服务网点（演示）"
    made = 0

    def days_ago(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    t = _ticket("enterprise_user", hust, "search", "激光雷达光学窗口查新检索（演示）",
                "拟申请一项激光雷达光学窗口镀膜的发明专利，请检索国内外相近专利并给出查新意见。",
                _at(days_ago(40), 9))  # fmt: skip
    if t:
        _step("hust_outlet", t, "accept", _at(days_ago(40), 14))
        _step("hust_outlet", t, "close", _at(add_working_days(days_ago(40), 3), 10),
              result="检索到相关专利 12 件，其中 3 件方案相近（演示）。")  # fmt: skip
        _step("enterprise_user", t, "rate", _at(add_working_days(days_ago(40), 4), 9),
              rating="5", comment="检索全面，答复及时。")  # fmt: skip
        made += 1
    t = _ticket("enterprise_user", hust, "navigation", "光模块产业专利导航需求（演示）",
                "请围绕高速光模块产业链开展专利导航，梳理主要申请人与技术分布。",
                _at(days_ago(30), 10))  # fmt: skip
    if t:
        _step("hust_outlet", t, "accept", _at(days_ago(29), 9))
        # Answered after the five working days: counted late.
        _step("hust_outlet", t, "close", _at(add_working_days(days_ago(30), 8), 15),
              result="已完成导航分析初稿：主要申请人 20 家，技术分支 6 个（演示）。")  # fmt: skip
        made += 1
    t = _ticket("enterprise_user", hust, "analysis", "拟引进专利技术的分析评议（演示）",
                "拟从高校引进一项光纤传感专利，请对其稳定性与侵权风险进行分析评议。",
                _at(days_ago(2), 10))  # fmt: skip
    if t:
        _step("hust_outlet", t, "accept", _at(days_ago(1), 9))
        made += 1
    t = _ticket("enterprise_user", hust, "search", "竞争对手专利布局检索（演示）",
                "请检索主要竞争对手近五年在激光器领域的专利布局情况。", timezone.now())  # fmt: skip
    made += t is not None
    t = _ticket("enterprise_user", point, "infringement", "产品上市前侵权风险咨询（演示）",
                "新款激光测距仪拟上市，请就是否落入他人专利保护范围提供咨询意见。",
                _at(days_ago(21), 10))  # fmt: skip
    if t:
        # Not answered: past its limit, marked by the overdue sweep below.
        made += 1
    t = _ticket("enterprise_user", point, "search", "商标近似检索（演示）",
                "拟注册的新商标请做近似检索并说明注册风险。", _at(days_ago(20), 9))  # fmt: skip
    if t:
        _step("agency_user", t, "accept", _at(days_ago(20), 11))
        _step("agency_user", t, "close", _at(add_working_days(days_ago(20), 2), 10),
              result="检索到近似商标 2 件，建议调整图形要素后申请（演示）。")  # fmt: skip
        _step("enterprise_user", t, "rate", _at(add_working_days(days_ago(20), 3), 10),
              rating="4", comment="建议清楚。")  # fmt: skip
        made += 1
    t = _ticket("yichang_enterprise", ctgu, "search", "磷化工废水处理技术检索（演示）",
                "请检索磷石膏综合利用与含氟废水处理的专利技术，供技术改造参考。",
                _at(days_ago(15), 9))  # fmt: skip
    if t:
        _step("ctgu_outlet", t, "accept", _at(days_ago(15), 15))
        _step("ctgu_outlet", t, "close", _at(add_working_days(days_ago(15), 4), 11),
              result="整理相关专利 35 件并按工艺路线分类，清单已发送（演示）。")  # fmt: skip
        made += 1
    t = _ticket("yichang_enterprise", ctgu, "analysis", "不属于本中心服务的请求（演示）",
                "请代为起诉侵权人并出庭。", _at(days_ago(10), 9))  # fmt: skip
    if t:
        _step("ctgu_outlet", t, "decline", _at(days_ago(10), 15),
              reason="诉讼代理不属于本中心的服务范围，请联系维权援助中心。")  # fmt: skip
        made += 1
    services.tickets_flag_overdue()
    return made


def _agencies(keeper: User) -> int:
    made = 0
    for name, (offered, cities, intro) in AGENCY_PROFILES.items():
        org = Organisation.objects.filter(name=name).first()
        if org is None:
            continue
        if not AgencyProfile.objects.filter(organisation=org).exists():
            services.agency_profile_update(
                actor=keeper,
                organisation_id=org.pk,
                data={"services": offered, "regions_served": cities, "introduction": intro},
            )
        for agent_name, number in AGENTS[name]:
            if not Agent.objects.filter(licence_number=number).exists():
                services.agent_add(
                    actor=keeper,
                    organisation_id=org.pk,
                    data={"name": agent_name, "licence_number": number},
                )
                made += 1
    return made


def _agency_workstation(agency: Organisation) -> None:
    """A protection workstation the demo agency hosts (its workstation role)."""
    from iphub.protection.models import Workstation
    from iphub.protection.services import assistance

    name = "江汉区知识产权维权服务工作站（演示，代理机构承建）"
    if Workstation.objects.filter(name=name).exists():
        return
    assistance.workstation_create(
        actor=User.objects.get(username="wuhan_enforcer"),
        name=name,
        kind="park",
        region_code="420103",
        host=agency,
        services=["咨询服务"],
        fields=["G"],
    )


def _agency_filings(today: dt.date) -> int:
    """Licence filings the demo agency submits for its client (with the client's
    委托书): one registered, one returned for correction, one refused."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from iphub.filings import services as filings
    from iphub.filings.demo import PDF, PNG, WUHAN, demo_patents
    from iphub.filings.models import Filing

    agency_user = User.objects.get(username="agency_user")
    clerk = User.objects.get(username="wuhan_clerk")
    client = Organisation.objects.get(name="武汉光谷演示光电科技有限公司")
    numbers = demo_patents(WUHAN, client)
    made = 0
    for i, outcome in enumerate(("approve", "return", "refuse")):
        key = f"demo-network-agency-{outcome}"
        if Filing.objects.filter(created_by=agency_user, idempotency_key=key).exists():
            continue
        day = today - dt.timedelta(days=60 - 10 * i)
        effective = day - dt.timedelta(days=10)
        docs = {
            "application_form": [SimpleUploadedFile("备案申请表（演示）.pdf", PDF)],
            "licence_contract": [SimpleUploadedFile("许可合同（演示）.pdf", PDF)],
            "identity_proof": [SimpleUploadedFile("营业执照（演示）.png", PNG)],
            "power_of_attorney": [SimpleUploadedFile("委托书（演示）.pdf", PDF)],
        }
        with transaction.atomic():
            f = filings.licence_submit(
                actor=agency_user,
                data={
                    "application_number": numbers[-1 - i],
                    "licensor": client.name,
                    "licensee": "武汉演示光学器件有限公司",
                    "licence_type": "ordinary",
                    "fee": "200000",
                    "licence_start": effective.isoformat(),
                    "licence_end": effective.replace(year=effective.year + 2).isoformat(),
                    "contract_effective": effective.isoformat(),
                },
                documents=docs,
                idempotency_key=key,
                now=_at(day, 10),
            )
            if outcome == "return":
                filings.filing_return(
                    actor=clerk,
                    filing_id=f.pk,
                    reasons="许可合同缺少许可费支付方式，请补正（演示）。",
                    now=_at(day, 15),
                )
            else:
                filings.filing_accept(actor=clerk, filing_id=f.pk, now=_at(day, 14))
                if outcome == "approve":
                    filings.filing_approve(actor=clerk, filing_id=f.pk, now=_at(day, 16))
                else:
                    filings.filing_refuse(
                        actor=clerk,
                        filing_id=f.pk,
                        ground="contract_incomplete",
                        note="合同未约定许可范围（演示）。",
                        now=_at(day, 16),
                    )
        made += 1
    return made


def demo_load() -> list[str]:
    """Create the network's demo records once; summary lines."""
    keeper = User.objects.get(username=KEEPER)
    today = timezone.localdate()
    with transaction.atomic():
        outlets = _outlets(keeper)
        tickets = _tickets(today)
        agents = _agencies(keeper)
        agency = Organisation.objects.filter(name=AGENCY).first()
        if agency is not None:
            _agency_workstation(agency)
    try:
        filings = _agency_filings(today)
    except ApplicationError as exc:  # the client's demo patents changed hands: say so, go on
        filings = 0
        return [f"服务机构演示备案未能创建：{exc.message}"]
    return [
        f"信息服务网点：新建 {outlets} 个（共 {Outlet.objects.count()} 个）；"
        f"服务工单新建 {tickets} 件（共 {ServiceTicket.objects.count()} 件）",
        f"服务机构名录：新登记代理师 {agents} 名；代理机构演示备案新建 {filings} 件",
    ]
