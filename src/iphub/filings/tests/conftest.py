"""Fixtures for the filings app: a handful of patents in known states, material
files with real signatures, and a helper that files a pledge for the cast's
enterprise (洪山测试科技有限公司, a Wuhan Hongshan company)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.core.calendar import LOCAL_TZ
from iphub.filings import services
from iphub.filings.models import Filing
from iphub.patents.importers import PatentIn
from iphub.patents.services import patents_upsert
from iphub.patents.tests.conftest import app_no

OWNER = "洪山测试科技有限公司"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64

# A working Monday morning in 2026 that most tests act at.
MONDAY_10 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=LOCAL_TZ)

NUMBERS = {
    "granted": app_no(2020, 1, 1),
    "pending": app_no(2023, 1, 2),
    "lapsed": app_no(2019, 1, 3),
    "other_owner": app_no(2020, 1, 4),
    "co_owned": app_no(2020, 1, 5),
    "utility": app_no(2018, 2, 6),
    "second": app_no(2021, 1, 7),
}


@pytest.fixture(autouse=True)
def own_dirs(tmp_path: Path, settings: Any) -> Iterator[None]:
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


def _patent(key: str, **over: Any) -> PatentIn:
    number = NUMBERS[key]
    base: dict[str, Any] = {
        "application_number": number,
        "type": "utility" if number[4] == "2" else "invention",
        "title": f"一种锂离子电池正极材料（{key}）",
        "applicants": [OWNER],
        "address": "湖北省武汉市洪山区珞喻路1号",
        "app_date": dt.date(int(number[:4]), 3, 15),
        "grant_date": dt.date(int(number[:4]) + 2, 5, 10),
        "legal_status": "有效",
        "source_name": "test",
    }
    base.update(over)
    return PatentIn(**base)


@pytest.fixture
def patents(regions: None) -> dict[str, str]:
    patents_upsert(
        [
            _patent("granted"),
            _patent("pending", grant_date=None, legal_status="实质审查"),
            _patent("lapsed", legal_status="未缴年费专利权终止"),
            _patent("other_owner", applicants=["宜昌测试化工有限公司"]),
            _patent("co_owned", applicants=[OWNER, "武汉大学"]),
            _patent("utility"),
            _patent("second"),
        ]
    )
    return NUMBERS


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def pledge_documents() -> dict[str, list[Any]]:
    return {
        "application_form": [pdf("申请表.pdf")],
        "pledge_contract": [pdf("质押合同.pdf")],
        "identity_proof": [SimpleUploadedFile("营业执照.png", PNG, content_type="image/png")],
    }


def pledge_data(number: str, **over: Any) -> dict[str, Any]:
    data = {
        "application_number": number,
        "pledgee": "中国银行股份有限公司武汉洪山支行",
        "debt_amount": "5000000.00",
        "debt_start": "2026-03-01",
        "debt_end": "2029-02-28",
        "debt_type": "流动资金贷款",
        "guarantee_scope": "主债权及利息、违约金、实现质权的费用",
    }
    data.update(over)
    return data


def file_pledge(
    actor: Any, number: str, *, now: dt.datetime = MONDAY_10, key: str | None = None, **over: Any
) -> Filing:
    return services.pledge_submit(
        actor=actor,
        data=pledge_data(number, **over),
        documents=pledge_documents(),
        idempotency_key=key or uuid.uuid4().hex,
        now=now,
    )


def png(name: str = "照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def province_clerk(regions: None) -> Any:
    """The provincial window, which handles trademark pledges, transfers and products."""
    from iphub.conftest import make_user
    from iphub.core.models import Role

    return make_user("province_clerk", Role.WINDOW, "420000")


def trademark_data(**over: Any) -> dict[str, Any]:
    data = {
        "trademark_number": "12345678",
        "trademark_name": "洪山测试",
        "trademark_classes": "9, 35",
        "valid_until": "2031-06-20",
        "pledgee": "招商银行股份有限公司武汉分行",
        "debt_amount": "2000000.00",
        "debt_start": "2026-03-01",
        "debt_end": "2028-02-29",
        "debt_type": "流动资金贷款",
        "joint_application": "1",
        "similar_marks_included": "1",
    }
    data.update(over)
    return data


def trademark_documents() -> dict[str, list[Any]]:
    return {
        "application_form": [pdf("申请书.pdf")],
        "main_contract": [pdf("主合同.pdf")],
        "pledge_contract": [pdf("质权合同.pdf")],
        "identity_proof": [png("营业执照.png")],
    }


def file_trademark_pledge(actor: Any, *, now: dt.datetime = MONDAY_10, **over: Any) -> Filing:
    return services.trademark_pledge_submit(
        actor=actor,
        data=trademark_data(**over),
        documents=trademark_documents(),
        idempotency_key=uuid.uuid4().hex,
        now=now,
    )
