"""What each role can do, shown on the home page and the staff workspace."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Role

# (key, title, description, url name or "", roles). A task whose page is not
# built yet shows as 建设中 instead of a dead link.
TASKS: list[tuple[str, Any, Any, str, tuple[str, ...]]] = [
    (
        "patents",
        _("专利检索"),
        _("专利信息公共服务：中文全文检索、统计与导出"),
        "patents:search",
        (),
    ),
    (
        "transfer",
        _("知慧桥"),
        _("技术需求发布、专利供给与供需匹配"),
        "transfer:needs",
        (Role.ENTERPRISE, Role.AGENCY, Role.WINDOW),
    ),
    (
        "transfer_events",
        _("供需对接活动"),
        _("按产业链创建对接活动，邀请最佳匹配的供需双方，接受报名、记录对接结果"),
        "transfer:event_new",
        (Role.WINDOW, Role.SUPERVISOR),
    ),
    (
        "transfer_deals",
        _("成交登记与台账"),
        _("登记专利转让、许可成交并关联一网通办备案/登记，按类型、月份查询和导出"),
        "transfer:deal_list",
        (Role.WINDOW, Role.SUPERVISOR),
    ),
    (
        "filings",
        _("一网通办"),
        _("专利质押登记一个工作日办结，许可、转让备案在线办理"),
        "filings:catalogue",
        (Role.ENTERPRISE, Role.AGENCY, Role.WINDOW),
    ),
    (
        "navigation",
        _("专利导航"),
        _("重点产业链专利导航分析与报告"),
        "navigation:chains",
        (Role.AGENCY, Role.SUPERVISOR),
    ),
    (
        "protection",
        _("保护与维权"),
        _("维权援助、保护工作站、执法办案、蓝天行动"),
        "protection:index",
        (Role.ENTERPRISE, Role.ENFORCEMENT),
    ),
    (
        "supervision",
        _("督导考核"),
        _("方案任务、月报、指标与评分"),
        "supervision:dashboard",
        (Role.SUPERVISOR,),
    ),
    (
        "organisations",
        _("组织机构"),
        _("辖区企业、高校、服务机构名录（个人信息脱敏）"),
        "portal:organisations",
        tuple(Role.values),
    ),
    (
        "audit",
        _("审计日志"),
        _("查询与导出辖区内的操作记录"),
        "portal:audit",
        (Role.SUPERVISOR, Role.AUDITOR),
    ),
]


def workspace_tasks(user: Any | None) -> list[dict[str, Any]]:
    """The tasks ``user`` may do (all public-facing services when ``user`` is None)."""
    out = []
    for key, title, desc, url_name, roles in TASKS:
        if user is not None and roles and not (user.is_superuser or user.role in roles):
            continue
        if user is None and key in ("audit", "organisations"):
            continue
        url = ""
        if url_name:
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                url = ""
        out.append({"key": key, "title": title, "description": desc, "url": url})
    return out
