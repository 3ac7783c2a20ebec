"""The overseas pages' own menu, offering only the pages that open for the user
(the expert pool is for case staff; an enterprise following the link met a 403)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from iphub.overseas import workflow

register = template.Library()


def nav_links(user: Any) -> list[tuple[str, str]]:
    """(url, label) of the overseas pages ``user`` may open."""
    links = [
        (reverse("overseas:cases"), _("纠纷案件")),
        (reverse("overseas:watches"), _("风险监测")),
        (reverse("overseas:warnings"), _("风险预警")),
    ]
    if user is not None and user.is_authenticated and workflow.reads_pool(user):
        links.append((reverse("overseas:experts"), _("专家库")))
    links.append((reverse("overseas:figures"), _("分国别数据")))
    return links


@register.inclusion_tag("overseas/_nav.html", takes_context=True)
def overseas_nav(context: Any) -> dict[str, Any]:
    request = context.get("request")
    return {"links": nav_links(getattr(request, "user", None))}
