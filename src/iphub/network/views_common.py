"""What the network's pages share: signed-in pages whose refusals become the
platform's error page, and a refusal turned into form messages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from iphub.core.errorpages import application_error_page
from iphub.core.errors import ApplicationError


def page(view: Any) -> Any:
    """Signed in; a service's refusal (401/403/404/409) becomes the error page."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)  # type: ignore[no-any-return]
        except ApplicationError as exc:
            if exc.status in (401, 403, 404, 409):
                return application_error_page(request, exc)
            raise

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


def form_errors(exc: ApplicationError) -> dict[str, str]:
    """A refusal as messages per field (or one for the whole form)."""
    return dict(exc.fields) or {"form": exc.message}
