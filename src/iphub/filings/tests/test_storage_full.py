"""A full upload disk refuses a submission with a message (507), records nothing,
and the same submission goes through once space is back (core.storage)."""

from __future__ import annotations

import errno
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage

from iphub.core.storage import storage_full_error
from iphub.filings.models import Filing
from iphub.filings.tests.conftest import pledge_data, pledge_documents


def _body(number: str) -> dict[str, Any]:
    return pledge_data(number) | {k: v[0] for k, v in pledge_documents().items()}


def test_full_disk_answers_507_and_records_nothing(
    cast: dict[str, Any], patents: dict[str, str], client: Any, monkeypatch: Any
) -> None:
    def full(self: Any, name: str, content: Any) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    client.force_login(cast["enterprise"])
    with monkeypatch.context() as m:
        m.setattr(FileSystemStorage, "_save", full)
        resp = client.post("/api/v1/filings/pledges", _body(patents["granted"]))
    assert resp.status_code == 507
    assert resp.json()["code"] == "storage_full"
    assert "存储空间已满" in resp.json()["message"]
    assert not Filing.objects.exists()

    again = client.post("/api/v1/filings/pledges", _body(patents["granted"]))
    assert again.status_code == 201
    assert Filing.objects.count() == 1


def test_only_a_full_disk_is_a_storage_error() -> None:
    assert storage_full_error(OSError(errno.ENOSPC, "full")) is not None
    assert storage_full_error(OSError(errno.EDQUOT, "quota")) is not None
    wrapped = RuntimeError("save failed")
    wrapped.__cause__ = OSError(errno.ENOSPC, "full")
    assert storage_full_error(wrapped) is not None
    assert storage_full_error(OSError(errno.EACCES, "denied")) is None
    assert storage_full_error(ValueError("x")) is None


@pytest.fixture(autouse=True)
def _quiet_errors(settings: Any) -> None:
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
