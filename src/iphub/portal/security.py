"""The security administrator's page (/security/): accounts' security state and the
acts on it (lock, unlock, reset two-factor login, revoke API tokens), and the
password policy in force. Thin views over ``iphub.core.security``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iphub.core import security
from iphub.core.errors import ApplicationError
from iphub.portal.errors import application_error_page


@login_required
def security_accounts(request: HttpRequest) -> HttpResponseBase:
    q = request.GET.get("q", "")
    try:
        rows = security.account_security_list(actor=request.user, q=q)
        policy = security.password_policy(actor=request.user)
    except ApplicationError as exc:
        return application_error_page(request, exc)
    return render(request, "portal/security.html", {"rows": rows, "policy": policy, "q": q})


ACTS: dict[str, Callable[[Any, int], str]] = {
    "lock": lambda actor, uid: (
        _("账号“%(u)s”已锁定。") % {"u": security.account_lock(actor=actor, user_id=uid).username}
    ),
    "unlock": lambda actor, uid: (
        _("账号“%(u)s”已解锁。") % {"u": security.account_unlock(actor=actor, user_id=uid).username}
    ),
    "reset-two-factor": lambda actor, uid: (
        _("账号“%(u)s”的双因素认证已重置，下次登录时须重新绑定验证器。")
        % {"u": security.two_factor_reset(actor=actor, user_id=uid).username}
    ),
    "revoke-tokens": lambda actor, uid: (
        _("已撤销 %(n)s 个 API 令牌。")
        % {"n": security.account_tokens_revoke(actor=actor, user_id=uid)}
    ),
}


@login_required
@require_POST
def security_account_act(request: HttpRequest, user_id: int, act: str) -> HttpResponseBase:
    if act not in ACTS:
        raise Http404
    try:
        done = ACTS[act](request.user, user_id)
    except ApplicationError as exc:
        return application_error_page(request, exc)
    messages.success(request, done)
    return redirect("portal:security")
