"""The admin as the system administrator reads it (issue 17): every app with
models has its admin, every page of it says what it shows in Chinese, and the
admin classes are the audited base from core, so an edit there is in the trail."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from model_bakery import baker

from iphub.conftest import make_user
from iphub.core.admin import AuditedAdmin, ReadOnlyAdmin
from iphub.core.models import Role, User
from iphub.portal.tests.codewords import code_words

pytestmark = pytest.mark.django_db

# Admins that are not audited edits: the audit trail itself and the task queue
# (both read-only, nobody writes through them).
NOT_EDITS = {"core.auditentry", "django_tasks_db.dbtaskresult"}
# Tables of the apps whose admins are read-only: their records move only through
# services and transition tables.
READ_ONLY_APPS = ("filings", "transfer", "protection", "navigation", "brokerage")


def _iphub_apps() -> list[Any]:
    return [c for c in apps.get_app_configs() if c.name.startswith("iphub.")]


def test_every_app_with_models_has_an_audited_admin() -> None:
    missing = [
        c.label
        for c in _iphub_apps()
        if list(c.get_models()) and not any(admin.site.is_registered(m) for m in c.get_models())
    ]
    assert missing == []
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower in NOT_EDITS or not model.__module__.startswith("iphub."):
            continue
        assert isinstance(model_admin, AuditedAdmin), model._meta.label_lower
        if model._meta.app_label in READ_ONLY_APPS:
            assert isinstance(model_admin, ReadOnlyAdmin), model._meta.label_lower


def _one_of_each(cast: dict[str, User]) -> None:
    """A record behind every registered table of the apps, so that lists and
    detail pages have something to show."""
    for model in admin.site._registry:
        if model._meta.app_label in READ_ONLY_APPS and not model._default_manager.exists():
            baker.make(model, _fill_optional=False)


_HEADER = re.compile(r'<th[^>]*scope="col"[^>]*>.*?</th>', re.S)
_LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def _english_words(fragments: list[str]) -> list[str]:
    """Column headers and field labels written in Latin letters (IPC and ID aside)."""
    words = []
    for fragment in fragments:
        text = _TAGS.sub(" ", fragment)
        words += [w for w in re.findall(r"[A-Za-z]{3,}", text) if w not in ("IPC", "URL")]
    return words


def test_the_system_administrator_reads_every_admin_page_in_chinese(
    cast: dict[str, User],
) -> None:
    _one_of_each(cast)
    sysadmin = make_user("sys_admin", Role.SYSADMIN, "420000")
    client = Client()
    client.force_login(sysadmin)
    index = client.get("/admin/")
    assert index.status_code == 200
    problems: list[str] = []
    for model in admin.site._registry:
        if model._meta.app_label not in READ_ONLY_APPS:
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert base in index.content.decode(), f"{base} not on the admin index"
        obj = model._default_manager.first()
        assert obj is not None
        for url in (base, f"{base}{obj.pk}/change/"):
            page = client.get(url)
            html = page.content.decode()
            if page.status_code != 200:
                problems.append(f"{url}: answers {page.status_code}")
                continue
            found = code_words(html, allow={"sys_admin"})
            english = _english_words(_HEADER.findall(html) + _LABEL.findall(html))
            if found or english:
                problems.append(f"{url}: {[str(f) for f in found]} {english}")
    assert problems == [], "\n".join(problems)


def test_a_filing_is_not_edited_in_the_admin(cast: dict[str, User]) -> None:
    _one_of_each(cast)
    from iphub.filings.models import Filing

    filing = Filing.objects.get()
    state = filing.state
    sysadmin = make_user("sys_admin", Role.SYSADMIN, "420000")
    client = Client()
    client.force_login(sysadmin)
    url = f"/admin/filings/filing/{filing.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.post(url, {"state": "approved"})
    filing.refresh_from_db()
    assert filing.state == state
    assert client.post(f"/admin/filings/filing/{filing.pk}/delete/").status_code == 403
    assert Filing.objects.filter(pk=filing.pk).exists()
