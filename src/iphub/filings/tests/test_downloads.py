"""A filing's materials after the permission check: streamed by Django, or handed
to nginx with X-Accel-Redirect when it fronts the node (core.downloads)."""

from __future__ import annotations

from typing import Any

from iphub.filings.tests.conftest import PDF, file_pledge


def _document_url(filing: Any) -> str:
    doc = filing.documents.order_by("pk").first()
    return f"/filings/{filing.pk}/documents/{doc.pk}/"


def test_material_is_streamed_without_nginx(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    filing = file_pledge(cast["enterprise"], patents["granted"])
    client.force_login(cast["wuhan_clerk"])
    r = client.get(_document_url(filing))
    assert r.status_code == 200 and "X-Accel-Redirect" not in r
    assert b"".join(r.streaming_content) == PDF


def test_material_is_handed_to_nginx_after_the_check(
    cast: dict[str, Any], patents: dict[str, str], client: Any, settings: Any
) -> None:
    settings.ACCEL_REDIRECT = True
    filing = file_pledge(cast["enterprise"], patents["granted"])
    doc = filing.documents.order_by("pk").first()
    client.force_login(cast["wuhan_clerk"])
    r = client.get(_document_url(filing))
    assert r.status_code == 200
    assert r["X-Accel-Redirect"] == "/_protected/media/" + doc.file.name  # type: ignore[operator, union-attr]
    assert r["Content-Type"] == "application/pdf" and r.content == b""
    # A clerk of another city gets no redirect to the file, only the refusal.
    client.force_login(cast["yichang_clerk"])
    refused = client.get(_document_url(filing))
    assert refused.status_code in (403, 404) and "X-Accel-Redirect" not in refused
