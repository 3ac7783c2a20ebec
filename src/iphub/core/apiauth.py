"""Who is calling the JSON API: a bearer token first, else the signed-in session.

Every app's router names ``AUTH`` from here, so the project ``api.py`` and the
app routers need not import each other (the project module mounts the routers;
the routers import only core)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from iphub.core.ratelimit import client_address
from iphub.core.ratelimit import hit as ratelimit_hit
from iphub.core.tokens import TokenRefused, api_token_check, api_token_scope_check


class TokenAuth(HttpBearer):
    """A bearer token acts for its owner while the owner's account could sign in
    (not locked, password not expired) and the token is live; a read-only token
    only reads. A refused token counts against its address (core.ratelimit)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            api_token = api_token_check(token)
        except TokenRefused as exc:
            if exc.status == 401:
                ratelimit_hit("api_bad_token", client_address(request))
            raise
        api_token_scope_check(api_token, request.method or "GET")
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


# Token first: session auth checks CSRF and fails the request outright, so a bearer
# client's POST would never reach TokenAuth. Without an Authorization header the
# token check passes on to the session (CSRF still enforced there).
AUTH = [TokenAuth(), django_auth]
