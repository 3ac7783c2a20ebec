"""How a page answers a service's refusal, written once for every app.

A refusal (:class:`~iphub.core.errors.ApplicationError`) that a view lets through
is drawn as the platform's error page, with the service's own message and
status, by ``iphub.portal.middleware.PlatformErrorPages.process_exception``;
views therefore do not catch it just to show it. What differs is a form's
button on a page (立案, 办结, 上传证据 …): there the refusal is a message on the
page the user came from, which :func:`refusals_back_to` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from iphub.core.errors import ApplicationError

View = Callable[..., HttpResponseBase]


def refusals_back_to(url_name: str, *kwarg_names: str) -> Callable[[View], View]:
    """For a POST action: a refusal becomes an error message on the page
    ``url_name`` (reversed with the view's keyword arguments ``kwarg_names``),
    and nothing changed. A record that is not there, or not in the user's region
    (404), and a visitor who must sign in (401) get the error page instead: there
    is no page of theirs to go back to."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as exc:
                if exc.status in (401, 404):
                    raise
                messages.error(request, exc.message)
                return redirect(url_name, **{k: kwargs[k] for k in kwarg_names})

        return wrapped

    return decorate


def form_errors(exc: ApplicationError) -> dict[str, str]:
    """A form's refusal as a message per field, or one for the whole form when the
    service named no field (what the form templates' ``errors`` read)."""
    return dict(exc.fields) or {"form": exc.message}
