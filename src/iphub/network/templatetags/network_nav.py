"""The network pages' own menu, offering only the pages that open for the user."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from iphub.core.errors import ApplicationError
from iphub.network.selectors import tickets as ticket_sel

register = template.Library()


def nav_links(user: Any) -> list[tuple[str, str]]:
    """(url, label) of the network pages ``user`` may open."""
    links = [
        (reverse("network:outlets"), _("信息服务网点")),
        (reverse("network:agencies"), _("服务机构名录")),
    ]
    if user is None or not user.is_authenticated:
        return links
    links.append((reverse("network:tickets"), _("服务工单")))
    try:
        ticket_sel.performance_outlets(user=user)
    except ApplicationError:
        return links
    links.append((reverse("network:stats"), _("网点服务统计")))
    return links


@register.inclusion_tag("network/_nav.html", takes_context=True)
def network_nav(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"links": nav_links(user)}
