"""Thin pages of "more like this" (相似专利, shown on a patent's record page) and
以文搜专利 (patents similar to a pasted paragraph). Patent records are public, so
are these."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from iphub.core.errorpages import application_error_page
from iphub.core.errors import ApplicationError
from iphub.patents.selectors import patent_get
from iphub.patents.services.ipc_suggestions import ipc_suggest_quiet
from iphub.transfer import similar


def _live_only(request: HttpRequest) -> bool:
    return request.GET.get("live") == "1" or request.POST.get("live") == "1"


def similar_patent(request: HttpRequest, patent_id: int) -> HttpResponseBase:
    """The record page's similar-patents block (loaded after the page, or opened alone)."""
    try:
        patent = patent_get(patent_id)
    except ApplicationError as exc:
        return application_error_page(request, exc)
    result = similar.similar_to_patent(patent, limit=10, live_only=_live_only(request))
    return render(
        request,
        "transfer/_similar_list.html",
        {"p": patent, "result": result, "live": result.live_only},
    )


def similar_text(request: HttpRequest) -> HttpResponseBase:
    """以文搜专利: paste a paragraph, get similar patents and the IPC the text suggests."""
    context: dict[str, Any] = {"text": "", "live": False, "result": None, "suggestions": []}
    text = request.POST.get("text", "") if request.method == "POST" else request.GET.get("text", "")
    if text:
        context["text"] = text
        context["live"] = _live_only(request)
        try:
            context["result"] = similar.similar_to_text(text, limit=20, live_only=context["live"])
        except ApplicationError as exc:
            context["error"] = exc
            return render(request, "transfer/similar_text.html", context, status=400)
        context["suggestions"] = ipc_suggest_quiet(text[:100], text)
    return render(request, "transfer/similar_text.html", context)
