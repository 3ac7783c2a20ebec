"""Template context shared by every page: the menu of the pages the user can open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from iphub.portal.workspace import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"menu": menu_for(getattr(request, "user", None))}
