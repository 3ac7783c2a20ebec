"""Public pages of brands: trademark search, the GI register with each entry's
current authorised users, cultivation lists and the figures per city. The staff
pages (register keeping, applications, exports) are in ``views_staff``."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from iphub.brands import selectors, workflow
from iphub.brands.models import IndicationKind, UseStatus
from iphub.brands.search_index import TrademarkQuery
from iphub.core.downloads import protected_file_response
from iphub.core.errors import NotFound
from iphub.core.exports import xlsx_response
from iphub.core.models import Region, RegionLevel
from iphub.patents.models import TrademarkType


def _cities() -> list[Region]:
    return list(Region.objects.filter(level=RegionLevel.PREFECTURE).order_by("code"))


def _int(value: str | None, low: int, high: int) -> int | None:
    return int(value) if value and value.isdigit() and low <= int(value) <= high else None


def trademark_search(request: HttpRequest) -> HttpResponseBase:
    """The public trademark search: name and owner by Chinese words, registration
    number, Nice class, type and city."""
    params = request.GET
    query = TrademarkQuery(
        name=params.get("name", "")[:100],
        number=params.get("number", "")[:20],
        nice_class=_int(params.get("nice_class"), 1, 45),
        owner=params.get("owner", "")[:100],
        mark_type=params.get("type", "") if params.get("type") in TrademarkType.values else "",
        city=params.get("city", "") if params.get("city", "").isdigit() else "",
    )
    result = None
    if not query.empty:
        result = selectors.trademark_search(query, page=_int(params.get("page"), 1, 500) or 1)
    keep = {
        k: v
        for k, v in params.items()
        if k in ("name", "number", "nice_class", "owner", "type", "city") and v
    }
    return render(
        request,
        "brands/trademarks.html",
        {
            "query": query,
            "result": result,
            "params": keep,
            "classes": selectors.NICE_CLASSES,
            "types": TrademarkType.choices,
            "cities": _cities(),
        },
    )


def indication_list(request: HttpRequest) -> HttpResponseBase:
    """The public register: published GIs and collective/certification marks."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in IndicationKind.values else ""
    city = request.GET.get("city", "")
    city = city if city.isdigit() else ""
    entries = list(selectors.indication_public_list(kind=kind, city=city))
    return render(
        request,
        "brands/indications.html",
        {
            "entries": entries,
            "kinds": IndicationKind.choices,
            "kind": kind,
            "city": city,
            "cities": _cities(),
            "staff_lists": selectors.indication_staff_list(user=request.user).exists(),
        },
    )


def indication_detail(request: HttpRequest, indication_id: int) -> HttpResponseBase:
    """An entry with its product, area, rules and current authorised users; its
    keepers also see drafts, every authorisation, waiting applications and their
    buttons; an enterprise in the area sees how to apply."""
    user: Any = request.user
    entry = selectors.indication_get(user=user, indication_id=indication_id)
    keeper = workflow.is_keeper(user, entry)
    waiting = (
        list(selectors.application_list(user=user, state="submitted").filter(indication=entry))
        if keeper
        else []
    )
    history = list(selectors.use_history(user=user, indication=entry))
    return render(
        request,
        "brands/indication_detail.html",
        {
            "entry": entry,
            "areas": list(entry.areas.all()),
            "users": list(selectors.current_users(indication=entry)),
            "history": history,
            # Authorisations staff may still end early (the active ones).
            "revocable": {u.pk for u in history if u.status == UseStatus.ACTIVE},
            "actions": workflow.entry_actions(user, entry),
            "can_edit": workflow.can_edit(user, entry),
            "can_grant": workflow.can_grant(user, entry),
            "can_apply": workflow.can_apply(user, entry),
            "keeper": keeper,
            "waiting": waiting,
            "candidates": selectors.organisations_in_area(indication=entry)
            if workflow.can_grant(user, entry)
            else [],
        },
    )


def indication_rules(request: HttpRequest, indication_id: int) -> HttpResponseBase:
    """The entry's rules-of-use file, for whoever may see the entry."""
    entry = selectors.indication_get(user=request.user, indication_id=indication_id)
    if not entry.rules_file:
        raise NotFound("该登记没有上传管理规则文件。")
    # Stored under the extension the upload check found from its content.
    ext = (entry.rules_file.name or "").rsplit(".", 1)[-1]
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(
        ext, "application/octet-stream"
    )
    return protected_file_response(
        entry.rules_file, filename=entry.rules_file_name or "rules.pdf", content_type=content_type
    )


def cultivation_index(request: HttpRequest) -> HttpResponseBase:
    """Brand cultivation lists (知名品牌培育), newest year first."""
    year = _int(request.GET.get("year"), 2000, 2100)
    return render(
        request,
        "brands/cultivation.html",
        {
            "lists": list(selectors.cultivation_lists(year=year)),
            "year": year,
            "can_create": selectors.keeper_regions(user=request.user).exists(),
        },
    )


def cultivation_detail(request: HttpRequest, list_id: int) -> HttpResponseBase:
    """A cultivation list: its criteria and member brands; staff of its region add."""
    clist = selectors.cultivation_get(list_id=list_id)
    can_add = selectors.cultivation_staff_lists(user=request.user).filter(pk=clist.pk).exists()
    return render(
        request,
        "brands/cultivation_detail.html",
        {
            "clist": clist,
            "members": list(clist.members.all()),
            "can_add": can_add,
            "candidates": _orgs_in(clist.region) if can_add else [],
        },
    )


def _orgs_in(region: Region) -> list[Any]:
    from iphub.core.models import Organisation

    return list(
        Organisation.objects.filter(region__path__startswith=region.path).order_by("name")[:500]
    )


FIGURE_HEADERS = ["地市", "地理标志及集体、证明商标", "专用标志使用单位", "商标记录"]


def figures(request: HttpRequest) -> HttpResponseBase:
    """Figures per city with a chart; marks per Nice class as a table."""
    rows = selectors.brand_figures()
    used_classes = sorted({c for r in rows for c in r.by_class})
    if request.GET.get("export") == "xlsx":
        headers = FIGURE_HEADERS + [f"第 {c} 类" for c in used_classes]
        return xlsx_response(
            "brand-figures.xlsx",
            "商标品牌与地理标志数据",
            headers,
            (
                [r.name, r.indications, r.users, r.marks, *[r.by_class[c] for c in used_classes]]
                for r in rows
            ),
        )
    chart = {
        "cities": [r.name for r in rows],
        "indications": [r.indications for r in rows],
        "users": [r.users for r in rows],
    }
    return render(
        request,
        "brands/figures.html",
        {
            "rows": rows,
            "classes": used_classes,
            "class_rows": [(r, [r.by_class[c] for c in used_classes]) for r in rows if r.marks],
            "chart": json.dumps(chart, ensure_ascii=False),
            "totals": {
                "indications": sum(r.indications for r in rows),
                "users": sum(r.users for r in rows),
                "marks": sum(r.marks for r in rows),
            },
        },
    )
