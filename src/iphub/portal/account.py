"""The signed-in user's own account pages: API tokens (issue 18, finding 9).

Thin views over ``iphub.core.tokens``: issue (the secret shown once, on the page
that follows, from the session), list with status and last use, revoke.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core import tokens
from iphub.core.errors import ApplicationError
from iphub.core.models import TokenScope

# The new token's secret waits in the session for the one page that shows it.
_NEW_SECRET = "iphub_new_api_token"


def _status_label(status: str) -> str:
    return {"active": _("有效"), "expired": _("已过期"), "revoked": _("已撤销")}[status]


def _days(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return -1 if value.strip() else None


@login_required
def account_tokens(request: HttpRequest) -> HttpResponseBase:
    """List the user's tokens; POST issues one and shows its secret once."""
    user: Any = request.user
    errors: dict[str, str] = {}
    error = ""
    form = {
        "name": "",
        "scope": TokenScope.READ.value,
        "days": str(settings.API_TOKEN_DEFAULT_DAYS),
    }
    if request.method == "POST":
        form = {k: request.POST.get(k, form[k]) for k in form}
        try:
            token, raw = tokens.api_token_create(
                user=user, name=form["name"], scope=form["scope"], days=_days(form["days"])
            )
        except ApplicationError as exc:
            errors, error = exc.fields, "" if exc.fields else exc.message
        else:
            request.session[_NEW_SECRET] = {"id": token.pk, "secret": raw}
            return redirect("portal:account_tokens")
    new = request.session.pop(_NEW_SECRET, None)
    now = timezone.now()
    rows = []
    for t in tokens.api_token_list(user=user):
        status = tokens.api_token_status(t, now=now)
        rows.append(
            {
                "token": t,
                "status": _status_label(status),
                "can_revoke": status != "revoked",
            }
        )
    return render(
        request,
        "portal/account_tokens.html",
        {
            "rows": rows,
            "new_secret": new["secret"] if new else "",
            "form": form,
            "errors": errors,
            "error": error,
            "scopes": TokenScope.choices,
            "max_days": settings.API_TOKEN_MAX_DAYS,
        },
        status=400 if errors or error else 200,
    )


@login_required
@require_POST
def account_token_revoke(request: HttpRequest, token_id: int) -> HttpResponseBase:
    token = tokens.api_token_revoke(user=request.user, token_id=token_id)  # type: ignore[arg-type]
    messages.success(
        request, _("令牌“%(name)s”已撤销，使用它的请求将被拒绝。") % {"name": token.name}
    )
    return redirect("portal:account_tokens")
