"""Form fields and query strings of the pages without invisible characters.

The pages' validation edge for free text, as ``core.apiparams.ObjectBodyParser``
is the API's: control characters and bidi overrides (U+202E) are removed from
every submitted form field and query value before a view or service sees them,
so names and titles are stored as they read (issue 18, finding 13). Passwords
are left as typed: they are compared, never shown.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

from iphub.core.validators import strip_invisible

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _cleaned(data: QueryDict) -> QueryDict:
    out = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        keep = "password" in key
        out.setlist(strip_invisible(key), [v if keep else strip_invisible(v) for v in values])
    out._mutable = False
    return out


class InvisibleTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The copies are immutable like Django's own; the stubs name that type privately.
        if request.GET:
            request.GET = _cleaned(request.GET)  # type: ignore[assignment]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = _cleaned(request.POST)  # type: ignore[assignment]
        return self.get_response(request)
