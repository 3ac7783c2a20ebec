"""Production settings fail closed (issue 18, finding 10).

Checked before the fix: ``check --deploy`` with a production-like environment
warned W004 (no HSTS), W008 (no SSL redirect), W012 (session cookie not Secure)
and W016 (CSRF cookie not Secure); a missing ``IPHUB_SECRET_KEY`` fell back to the
public embedded key; pages carried no Content-Security-Policy; an API 500 answered
the traceback as text with DEBUG on and Django's HTML page with it off.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from iphub.core.models import User

REPO = Path(django_settings.REPO_DIR)
TEMPLATES = sorted(Path(django_settings.BASE_DIR).glob("*/templates/**/*.html"))


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    """The environment of a production process: this one's, less anything that
    chose settings for the tests (the browser fixtures allow async-unsafe calls)
    or configured the platform."""
    test_only = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPHUB_") and k not in test_only}
    env |= {"DJANGO_SETTINGS_MODULE": "iphub.settings", "IPHUB_VAR_DIR": str(tmp_path)}
    return env | values


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production(tmp_path: Path, **values: str) -> dict[str, str]:
    return _env(
        tmp_path,
        IPHUB_DEBUG="0",
        IPHUB_SECRET_KEY=secrets.token_urlsafe(50),
        IPHUB_FIELD_KEY=secrets.token_urlsafe(32),
        IPHUB_ALLOWED_HOSTS="ipservice.hubei.example",
        **values,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = _manage(_production(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_names_what_plain_http_gives_up(tmp_path: Path) -> None:
    # The same check is not blind: a site declared plain HTTP gets the audit's warnings.
    result = _manage(
        _production(tmp_path, IPHUB_HTTPS="0"), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


@pytest.mark.parametrize("key", [None, "", "iphub-embedded-dev-key-not-for-production"])
def test_production_refuses_to_start_without_its_own_secret_key(
    tmp_path: Path, key: str | None
) -> None:
    env = _production(tmp_path)
    del env["IPHUB_SECRET_KEY"]
    if key is not None:
        env["IPHUB_SECRET_KEY"] = key
    result = _manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "IPHUB_SECRET_KEY" in result.stderr and "50" in result.stderr


def test_debug_mode_still_starts_without_any_environment(tmp_path: Path) -> None:
    # `make run` on a fresh machine: debug on by default, the embedded key.
    result = _manage(_env(tmp_path), "check")
    assert result.returncode == 0, result.stderr


def _script_tags(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>", html)


@pytest.mark.django_db
def test_pages_carry_a_csp_whose_nonce_alone_unlocks_inline_scripts(
    client: Any, cast: dict[str, User]
) -> None:
    client.force_login(cast["supervisor"])
    resp = client.get("/supervision/")
    assert resp.status_code == 200
    policy = dict(
        part.strip().partition(" ")[::2] for part in resp["Content-Security-Policy"].split(";")
    )
    nonce = re.fullmatch(r"'self' 'nonce-([\w-]+)'", policy["script-src"])
    assert nonce, policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    html = resp.content.decode()
    inline = [t for t in _script_tags(html) if "src=" not in t and "application/json" not in t]
    assert inline, "the dashboard draws its map with an inline script"
    assert all(f'nonce="{nonce.group(1)}"' in t for t in inline), inline
    # A fresh nonce per response: one seen in a page cannot be reused by an injection.
    again = client.get("/supervision/")["Content-Security-Policy"]
    assert nonce.group(1) not in again


def test_no_template_has_inline_handlers_or_unnonced_inline_scripts() -> None:
    # The CSP refuses these: an onchange= or a javascript: link would silently stop working.
    offenders = []
    for path in TEMPLATES:
        text = path.read_text()
        if re.search(r"""\son[a-z]+\s*=\s*["']""", text) or "javascript:" in text:
            offenders.append(f"{path}: inline handler or javascript: link")
        for tag in _script_tags(text):
            if "src=" not in tag and "json" not in tag and "{{ csp_nonce }}" not in tag:
                offenders.append(f"{path}: {tag}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_api_500_is_the_one_error_shape_without_traceback(
    client: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, debug: bool
) -> None:
    # No operation answers 500 any more (the fuzz test sees to that), so one is made:
    # the region list fails as a broken database or a bug would make it fail.
    def broken(**_: Any) -> Any:
        raise RuntimeError("secret detail: /srv/iphub/settings.py line 42")

    monkeypatch.setattr("iphub.core.selectors.region_list", broken)
    settings.DEBUG = debug
    resp = client.get("/api/v1/regions")
    assert resp.status_code == 500
    assert resp["Content-Type"].startswith("application/json")
    body = resp.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == "server_error" and re.search(r"[\u4e00-\u9fff]", body["message"])
    text = resp.content.decode()
    assert "Traceback" not in text and "secret detail" not in text and "RuntimeError" not in text
