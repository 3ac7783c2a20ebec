"""What each user is offered: the cards on the home page and the workspace, and the menu.

A link is offered only if its page opens for the user. Each entry names the check
the page's own view runs first (a selector or a permission function of the app that
owns the page) and runs it here: a check that raises :class:`ApplicationError`, or
returns a queryset the selector emptied with ``.none()`` (nothing of the user's in
scope), means the page would refuse or show nothing, so it is not offered. There is
no second list of roles here to keep in step with the views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from iphub.brands import selectors as brands_selectors
from iphub.brokerage import selectors as brokerage_selectors
from iphub.core import selectors as core_selectors
from iphub.core.errors import ApplicationError
from iphub.core.permissions import (
    ensure_security_admin,
    ensure_system_admin,
    region_path_of,
    require_roles,
)
from iphub.enterprises import selectors as enterprises_selectors
from iphub.filings import selectors as filings_selectors
from iphub.finance import selectors as finance_selectors
from iphub.network.selectors import tickets as network_tickets
from iphub.overseas import selectors as overseas_selectors
from iphub.overseas import workflow as overseas_workflow
from iphub.patents import selectors as patents_selectors
from iphub.policies import selectors as policies_selectors
from iphub.programmes import selectors as programmes_selectors
from iphub.protection import selectors as protection_selectors
from iphub.supervision import selectors as supervision_selectors
from iphub.training import selectors as training_selectors
from iphub.transfer import access as transfer_access
from iphub.transfer import selectors as transfer_selectors

Check = Callable[[Any], object]


def signed_in(user: Any) -> None:
    """Pages behind ``login_required`` alone: any signed-in user may open them."""


def acts_for_organisation(user: Any) -> None:
    """``我的办件`` lists the filings of the user's own organisation; staff, who see a
    region's filings, have the queue instead."""
    if user.organisation_id is None or region_path_of(user) is not None:
        raise ApplicationError("账号未关联单位。")


@dataclass(frozen=True)
class Service:
    """One page a user may be offered: as a card (with ``description``), in the menu
    (``menu`` is ``main`` for the services bar, ``work`` for the workspace bar), or both.
    ``check`` is None for a public page. ``menu_label`` is the menu's word for it
    (context "menu"), short in every language so that the menu keeps to its row."""

    key: str
    title: Any
    url_name: str
    check: Check | None
    description: Any = None
    menu: str = ""
    menu_label: Any = None
    invite: bool = False  # shown to anonymous visitors as a card that leads to the login


SERVICES: list[Service] = [
    Service(
        "home",
        _("首页"),
        "portal:home",
        None,
        menu="main",
        menu_label=pgettext_lazy("menu", "首页"),
    ),
    Service(
        "patents",
        _("专利检索"),
        "patents:search",
        None,
        _("专利信息公共服务：中文全文检索、统计与导出"),
        menu="main",
        menu_label=pgettext_lazy("menu", "专利检索"),
    ),
    Service(
        "transfer",
        _("知慧桥"),
        "transfer:needs",
        None,
        _("技术需求发布、专利供给与供需匹配"),
        menu="main",
        menu_label=pgettext_lazy("menu", "知慧桥"),
    ),
    Service(
        "transfer_events",
        _("供需对接活动"),
        "transfer:events",
        None,
        _("按产业链举办的供需对接活动：查看与报名；工作人员创建活动、邀请最佳匹配的供需双方"),
    ),
    Service(
        "brokerage_calls",
        _("揭榜挂帅"),
        "brokerage:calls",
        None,
        _("企业发榜、高校与科研院所揭榜：评价标准、方案评分与揭榜成交"),
    ),
    Service(
        "brokerage_sent",
        _("专利找企业"),
        "brokerage:sent",
        lambda u: brokerage_selectors.holder_listings(user=u),
        _("为挂牌专利排序可能用得上的企业并推送，查看谁已查看、谁已答复"),
    ),
    Service(
        "brokerage_pushes",
        _("推送给我的专利"),
        "brokerage:push_inbox",
        lambda u: brokerage_selectors.push_inbox(user=u),
        _("高校院所推荐给本单位的专利及推荐理由；可答复意向或设置不接收"),
    ),
    Service(
        "brokerage_brokers",
        _("技术经理人"),
        "brokerage:broker_list",
        lambda u: brokerage_selectors.broker_list(user=u),
        _("持证技术经理人名录；窗口人员登记核验，匹配与榜单可指派经理人跟进"),
    ),
    Service(
        "brokerage_funnel",
        _("经理人对接漏斗"),
        "brokerage:broker_funnel",
        lambda u: require_roles(u, *transfer_access.STAFF_ROLES),
        _("每位技术经理人的指派、联系、洽谈与成交数，可导出 Excel"),
    ),
    Service(
        "filings",
        _("一网通办"),
        "filings:catalogue",
        None,
        _("专利质押登记一个工作日办结，许可、转让备案在线办理"),
        menu="main",
        menu_label=pgettext_lazy("menu", "一网通办"),
    ),
    Service(
        "navigation",
        _("专利导航"),
        "navigation:chains",
        signed_in,
        _("重点产业链专利导航分析与报告"),
        menu="main",
        menu_label=pgettext_lazy("menu", "专利导航"),
        invite=True,
    ),
    Service(
        "protection",
        _("保护与维权"),
        "protection:index",
        None,
        _("维权援助、保护工作站、执法办案、蓝天行动"),
        menu="main",
        menu_label=pgettext_lazy("menu", "保护与维权"),
    ),
    Service(
        "brands",
        _("商标品牌与地理标志"),
        "brands:trademarks",
        None,
        _("商标检索，地理标志与集体、证明商标登记及专用标志使用单位，知名品牌培育"),
    ),
    Service(
        "brands_register",
        _("地理标志登记簿"),
        "brands:register",
        lambda u: brands_selectors.keeper_regions(user=u),
        _("维护本地区地理标志、集体商标、证明商标登记，审核专用标志使用申请，导出 Excel"),
    ),
    Service(
        "brands_applications",
        _("专用标志使用申请"),
        "brands:applications",
        lambda u: brands_selectors.application_list(user=u),
        _("申请使用地理标志专用标志，查看审核结果"),
    ),
    Service(
        "overseas",
        _("海外纠纷应对"),
        "overseas:cases",
        overseas_workflow.ensure_can_open_case,
        _("海外知识产权纠纷登记与应对指导、专家指派，按国别和竞争对手的风险预警"),
    ),
    Service(
        "overseas_warnings",
        _("海外风险预警"),
        "overseas:warnings",
        lambda u: overseas_selectors.warning_inbox(user=u),
        _("订阅的海外风险监测命中的新专利、商标记录"),
    ),
    Service(
        "training",
        _("知识产权培训"),
        "training:courses",
        None,
        _("窗口人员、服务机构和企业的业务培训：报名、扫码签到、结业测试与证书核验"),
    ),
    Service(
        "policies",
        _("政策库"),
        "policies:list",
        None,
        _("法律法规、国家和省市政策全文检索，奖补政策申报条件对照"),
    ),
    Service(
        "my_training",
        _("我的培训"),
        "training:mine",
        signed_in,
    ),
    Service(
        "my_policies",
        _("我可能符合的政策"),
        "policies:mine",
        policies_selectors.organisation_of,
        _("按本单位的专利、质押、培训等记录，逐条对照奖补政策的申报条件"),
    ),
    Service(
        "training_keep",
        _("培训管理"),
        "training:keep_list",
        lambda u: training_selectors.course_keep_list(user=u),
        _("维护本地区培训课程、班次与测试，现场签到二维码与点名，培训学时统计"),
    ),
    Service(
        "policies_keep",
        _("政策库维护"),
        "policies:keep_list",
        lambda u: policies_selectors.policy_keep_list(user=u),
    ),
    Service(
        "workspace",
        _("工作台"),
        "portal:workspace",
        signed_in,
        menu="work",
        menu_label=pgettext_lazy("menu", "工作台"),
    ),
    Service(
        "saved",
        _("我的检索"),
        "patents:saved",
        signed_in,
        menu="work",
        menu_label=pgettext_lazy("menu", "我的检索"),
    ),
    Service(
        "inbox",
        _("对接消息"),
        "transfer:inbox",
        lambda u: transfer_selectors.match_inbox(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "对接消息"),
    ),
    Service(
        "mine",
        _("我的办件"),
        "filings:mine",
        acts_for_organisation,
        menu="work",
        menu_label=pgettext_lazy("menu", "我的办件"),
    ),
    Service(
        "assistance",
        _("维权援助"),
        "protection:assistance",
        lambda u: protection_selectors.assistance_list(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "维权援助"),
    ),
    Service(
        "queue",
        _("待办队列"),
        "filings:queue",
        lambda u: filings_selectors.filing_queue(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "待办队列"),
    ),
    # The board's selector checks the queue's roles; the queue's is the cheap one to run.
    Service(
        "board",
        _("时限看板"),
        "filings:board",
        lambda u: filings_selectors.filing_queue(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "时限看板"),
    ),
    Service(
        "funnel",
        _("对接漏斗"),
        "transfer:funnel",
        lambda u: require_roles(u, *transfer_access.STAFF_ROLES),
        menu="work",
        menu_label=pgettext_lazy("menu", "对接漏斗"),
    ),
    Service(
        "transfer_deals",
        _("成交登记与台账"),
        "transfer:deal_list",
        lambda u: transfer_selectors.deal_list(user=u),
        _("登记专利转让、许可成交并关联一网通办备案/登记，按类型、月份查询和导出"),
        menu="work",
        menu_label=pgettext_lazy("menu", "成交台账"),
    ),
    Service(
        "imports",
        _("数据导入"),
        "patents:imports",
        lambda u: patents_selectors.import_job_list(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "数据导入"),
    ),
    Service(
        "screening",
        _("蓝天筛查"),
        "protection:groups",
        lambda u: protection_selectors.flagged_group_list(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "蓝天筛查"),
    ),
    Service(
        "cases",
        _("执法办案"),
        "protection:cases",
        lambda u: protection_selectors.case_list(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "执法办案"),
    ),
    Service(
        "supervision",
        _("督导考核"),
        "supervision:dashboard",
        lambda u: supervision_selectors.reporting_units(user=u),
        _("方案任务、月报、指标与评分"),
        menu="work",
        menu_label=pgettext_lazy("menu", "督导考核"),
    ),
    Service(
        "finance",
        _("质押融资"),
        "finance:overview",
        lambda u: finance_selectors.fund_list(user=u),
        menu="work",
        menu_label=pgettext_lazy("menu", "质押融资"),
    ),
    Service(
        "financing",
        _("融资服务"),
        "finance:requests",
        acts_for_organisation,
        _("以专利质押向银行申请贷款；银行答复融资需求"),
        menu="work",
        menu_label=pgettext_lazy("menu", "融资服务"),
    ),
    Service(
        "programmes",
        _("培育项目"),
        "programmes:list",
        None,
        _("知识产权示范/优势企业、百千万强企工程等培育项目：在线申报、市级初审、省级审定"),
    ),
    Service(
        "programme_mine",
        _("我的申报"),
        "programmes:mine",
        lambda u: programmes_selectors.my_applications(user=u),
        _("本单位的培育项目申报进度、审核意见、成员资格与年度指标填报"),
    ),
    Service(
        "programme_review",
        _("培育项目评审"),
        "programmes:queue",
        lambda u: programmes_selectors.application_queue(user=u),
        _("市（州）初审评分、省局审定培育项目申报，按审核时限排序"),
    ),
    Service(
        "network_outlets",
        _("信息服务网点"),
        "network:outlets",
        None,
        _(
            "TISC、高校信息服务中心和信息公共服务网点：地图上查找最近的网点，在线提交检索咨询、专利导航、分析评议等服务工单"
        ),
    ),
    Service(
        "network_tickets",
        _("服务工单"),
        "network:tickets",
        lambda u: network_tickets.ticket_list(user=u),
        _("向信息服务网点提交的服务工单、答复与评价；网点服务人员在此受理和答复"),
    ),
    Service(
        "network_stats",
        _("网点服务统计"),
        "network:stats",
        lambda u: network_tickets.performance_outlets(user=u),
        _("各信息服务网点的工单数、按时办结率和满意度"),
    ),
    Service(
        "network_agencies",
        _("服务机构名录"),
        "network:agencies",
        None,
        _("专利商标代理机构和服务机构：执业代理师、服务地区，以及依据真实办理记录的服务情况"),
    ),
    Service(
        "ip_profile",
        _("我的知识产权画像"),
        "enterprises:mine",
        enterprises_selectors.own_profile_uscc,
        _("本单位专利、商标、融资、许可转让与维权一览，与同链、同市企业对比，可下载简报"),
    ),
    Service(
        "name_variants",
        _("申请人名称归并"),
        "enterprises:variant_queue",
        lambda u: enterprises_selectors.variant_queue(user=u),
        _("确认或不予确认辖区单位提出的申请人名称归并，确认后计入其知识产权画像"),
    ),
    Service(
        "organisations",
        _("组织机构"),
        "portal:organisations",
        signed_in,
        _("辖区企业、高校、服务机构名录（个人信息脱敏）"),
        menu="work",
        menu_label=pgettext_lazy("menu", "组织机构"),
    ),
    Service(
        "audit",
        _("审计日志"),
        "portal:audit",
        lambda u: core_selectors.audit_list(user=u),
        _("查询与导出辖区内的操作记录"),
        menu="work",
        menu_label=pgettext_lazy("menu", "审计日志"),
    ),
    Service(
        "security",
        _("账号安全管理"),
        "portal:security",
        ensure_security_admin,
        _("锁定与解锁账号、重置双因素认证、撤销 API 令牌，查看密码策略"),
        menu="work",
        menu_label=pgettext_lazy("menu", "账号安全"),
    ),
    Service(
        "system_admin",
        _("系统管理"),
        "admin:index",
        ensure_system_admin,
        _("维护用户、行政区划、组织机构和业务配置"),
        menu="work",
        menu_label=pgettext_lazy("menu", "系统管理"),
    ),
]


def opens_for(service: Service, user: Any) -> bool:
    """True if ``service``'s page opens for ``user`` (None or anonymous: public pages only)."""
    if service.check is None:
        return True
    if user is None or not user.is_authenticated:
        return False
    try:
        result = service.check(user)
    except ApplicationError:
        return False
    return not (isinstance(result, QuerySet) and result.query.is_empty())


def _url(service: Service) -> str:
    try:
        return reverse(service.url_name)
    except NoReverseMatch:  # a module not installed in this deployment
        return ""


def workspace_tasks(user: Any | None) -> list[dict[str, Any]]:
    """The cards ``user`` may open. For an anonymous visitor (``user`` None or not
    signed in) the public services, and the ``invite`` ones marked ``login`` (the
    card leads to the login page, then to the service)."""
    anonymous = user is None or not user.is_authenticated
    out = []
    for s in SERVICES:
        if s.description is None:
            continue
        login = anonymous and s.invite
        if not (login or opens_for(s, user)):
            continue
        url = _url(s)
        if not url:
            continue
        if login:
            url = f"{reverse('portal:login')}?next={url}"
        card = {"key": s.key, "title": s.title, "description": s.description}
        out.append(card | {"url": url, "login": login})
    return out


def menu_for(user: Any) -> dict[str, list[dict[str, Any]]]:
    """The menu's two bars: ``main`` (the services) and ``work`` (the user's own work)."""
    bars: dict[str, list[dict[str, Any]]] = {"main": [], "work": []}
    for s in SERVICES:
        if not s.menu or not opens_for(s, user):
            continue
        url = _url(s)
        if url:
            bars[s.menu].append({"key": s.key, "label": s.menu_label or s.title, "url": url})
    return bars
