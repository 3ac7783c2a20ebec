"""IPC suggestions as an HTML fragment for forms (need, listing, fast track): the
form's button sends its title and description, the fragment offers the
suggested codes as boxes to tick (``ipc_pick``) with confidence and title."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from iphub.core.errors import ApplicationError
from iphub.patents.services.ipc_suggestions import ipc_suggest

INPUT_KINDS = ("checkbox", "radio")


def ipc_suggest_fragment(request: HttpRequest) -> HttpResponseBase:
    """Suggested codes for ``title`` and ``abstract`` (or ``description``), as
    checkboxes (``kind=radio`` for a form that takes one code)."""
    kind = request.GET.get("kind", "checkbox")
    kind = kind if kind in INPUT_KINDS else "checkbox"
    chosen = set(request.GET.getlist("ipc_pick"))
    try:
        found = ipc_suggest(
            title=request.GET.get("title", ""),
            abstract=request.GET.get("abstract", "") or request.GET.get("description", ""),
        )
    except ApplicationError as exc:
        return render(request, "patents/_ipc_suggestions.html", {"error": exc}, status=200)
    return render(
        request,
        "patents/_ipc_suggestions.html",
        {"suggestions": found, "kind": kind, "chosen": chosen},
    )
