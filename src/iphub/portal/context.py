"""Template context shared by every page: the menu the user's role can use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from iphub.core.models import Role

# (url name, label, roles that see it; empty = everyone). Modules add their
# entries here as they arrive, so the menu never links to a missing page.
MENU: list[tuple[str, Any, tuple[str, ...]]] = [
    ("portal:home", _("首页"), ()),
    ("patents:search", _("专利检索"), ()),
    ("transfer:needs", _("知慧桥"), ()),
    ("filings:catalogue", _("一网通办"), ()),
    ("navigation:chains", _("专利导航"), tuple(Role.values)),
    ("protection:workstations", _("保护工作站"), ()),
    ("portal:workspace", _("工作台"), tuple(Role.values)),
    ("patents:saved", _("我的检索"), tuple(Role.values)),
    ("transfer:inbox", _("对接消息"), (Role.ENTERPRISE, Role.AGENCY)),
    ("filings:mine", _("我的办件"), (Role.ENTERPRISE, Role.AGENCY)),
    ("protection:assistance", _("维权援助"), (Role.ENTERPRISE, Role.ENFORCEMENT)),
    ("filings:queue", _("待办队列"), (Role.WINDOW, Role.SUPERVISOR)),
    ("filings:board", _("时限看板"), (Role.WINDOW, Role.SUPERVISOR)),
    ("transfer:funnel", _("对接漏斗"), (Role.WINDOW, Role.SUPERVISOR)),
    ("transfer:deal_list", _("成交台账"), (Role.WINDOW, Role.SUPERVISOR)),
    ("patents:imports", _("数据导入"), (Role.WINDOW, Role.SUPERVISOR)),
    ("portal:organisations", _("组织机构"), tuple(Role.values)),
    ("protection:groups", _("蓝天筛查"), (Role.ENFORCEMENT,)),
    ("protection:cases", _("执法办案"), (Role.ENFORCEMENT,)),
    ("supervision:dashboard", _("督导考核"), (Role.SUPERVISOR,)),
    ("finance:overview", _("质押融资"), (Role.SUPERVISOR, Role.WINDOW, Role.AUDITOR)),
    ("portal:audit", _("审计日志"), (Role.SUPERVISOR, Role.AUDITOR)),
]


def menu_for(user: Any) -> list[dict[str, Any]]:
    items = []
    for name, label, roles in MENU:
        if roles and not (user.is_authenticated and (user.is_superuser or user.role in roles)):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"name": name, "label": label, "url": url})
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"menu": menu_for(request.user)}
