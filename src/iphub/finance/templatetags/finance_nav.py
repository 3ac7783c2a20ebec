"""The finance pages' own menu, offering only the pages that open for the user
(a link that would answer 403 is a dead end; the crawl test checks it)."""

from __future__ import annotations

from typing import Any

from django import template

from iphub.finance.selectors.financing import nav_links

register = template.Library()


@register.inclusion_tag("finance/_nav.html", takes_context=True)
def finance_nav(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"links": nav_links(user) if user is not None else []}
