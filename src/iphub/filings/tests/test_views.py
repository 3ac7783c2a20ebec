"""Pages and the JSON API: who sees what, form errors on the field, the board."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from iphub.core.calendar import LOCAL_TZ
from iphub.filings import services
from iphub.filings.models import Filing
from iphub.filings.tests.conftest import EXE, MONDAY_10, PDF, file_pledge, pledge_data

pytestmark = pytest.mark.django_db


def test_catalogue_is_public_and_searchable(client: Any, db: Any) -> None:
    page = client.get("/filings/").content.decode()
    assert "专利权质押登记（设立）" in page and "商标专用权质权登记" in page
    page = client.get("/filings/", {"q": "许可"}).content.decode()
    assert "专利实施许可合同备案" in page and "专利权质押登记（设立）" not in page
    api = client.get("/api/v1/filings/catalogue", {"q": "质押"}).json()
    pledge = next(s for s in api if s["code"] == "patent_pledge_establish")
    assert pledge["time_limit_days"] == 1 and pledge["fee"] == "不收费"


def test_form_shows_field_errors_and_a_renamed_exe_is_refused(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    form = client.get("/filings/pledge/new/").content.decode()
    assert 'name="idempotency_key"' in form
    data: dict[str, Any] = pledge_data(patents["granted"], debt_amount="1.234")
    data |= {
        "idempotency_key": "k1",
        "application_form": SimpleUploadedFile("a.pdf", PDF),
        "pledge_contract": SimpleUploadedFile("contract.pdf", EXE),
        "identity_proof": SimpleUploadedFile("id.pdf", PDF),
    }
    page = client.post("/filings/pledge/new/", data).content.decode()
    assert "两位小数" in page
    data["debt_amount"] = "1.23"
    data["pledge_contract"] = SimpleUploadedFile("contract.pdf", EXE)
    data["application_form"] = SimpleUploadedFile("a.pdf", PDF)
    data["identity_proof"] = SimpleUploadedFile("id.pdf", PDF)
    page = client.post("/filings/pledge/new/", data).content.decode()
    assert "不是 PDF、JPEG 或 PNG" in page
    assert Filing.objects.count() == 0


def test_queue_and_detail_are_scoped(
    cast: dict[str, Any], patents: dict[str, str], client: Any, django_assert_max_num_queries: Any
) -> None:
    for n in ("granted", "second", "co_owned"):
        file_pledge(cast["enterprise"], patents[n], co_owner_consent="1")
    f = Filing.objects.first()
    assert f is not None
    client.force_login(cast["wuhan_clerk"])
    with django_assert_max_num_queries(12):
        page = client.get("/filings/queue/").content.decode()
    assert page.count('data-testid="filing-row"') == 3
    assert 'data-testid="accept"' in client.get(f"/filings/{f.pk}/").content.decode()
    client.force_login(cast["yichang_clerk"])
    assert 'data-testid="filing-row"' not in client.get("/filings/queue/").content.decode()
    assert (
        client.get(f"/filings/{f.pk}/").status_code == 404
    )  # outside the region: as if it did not exist
    client.force_login(cast["supervisor"])
    page = client.get(f"/filings/{f.pk}/").content.decode()
    assert 'data-testid="accept"' not in page  # sees, does not decide


def test_api_review_steps_and_conflict(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    data: dict[str, Any] = pledge_data(patents["granted"])
    data |= {
        "application_form": SimpleUploadedFile("a.pdf", PDF),
        "pledge_contract": SimpleUploadedFile("b.pdf", PDF),
        "identity_proof": SimpleUploadedFile("c.pdf", PDF),
    }
    r = client.post("/api/v1/filings/pledges", data, headers={"Idempotency-Key": "abc"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "submitted" and body["actions"] == ["withdraw"]
    fid, version = body["id"], body["version"]
    client.force_login(cast["hongshan_clerk"])
    r = client.post(f"/api/v1/filings/{fid}/accept", {"version": version}, "application/json")
    assert r.status_code == 403 and r.json()["code"] == "permission_denied"
    client.force_login(cast["wuhan_clerk"])
    r = client.post(f"/api/v1/filings/{fid}/accept", {"version": version}, "application/json")
    assert r.status_code == 200 and r.json()["state"] == "accepted"
    r = client.post(f"/api/v1/filings/{fid}/accept", {"version": version}, "application/json")
    assert r.status_code == 409 and "已由 wuhan_clerk 处理" in r.json()["message"]
    r = client.post(f"/api/v1/filings/{fid}/refuse", {"ground": "bogus"}, "application/json")
    assert r.status_code == 400 and "ground" in r.json()["fields"]
    r = client.post(f"/api/v1/filings/{fid}/approve", {}, "application/json")
    assert r.json()["registration_number"].startswith("Y")


def test_board_and_on_time_rates(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    clerk = cast["wuhan_clerk"]
    on_time = file_pledge(cast["enterprise"], patents["granted"])
    services.filing_accept(actor=clerk, filing_id=on_time.pk, now=MONDAY_10)
    services.filing_approve(actor=clerk, filing_id=on_time.pk, now=MONDAY_10)
    late = file_pledge(cast["enterprise"], patents["second"])
    services.filing_accept(actor=clerk, filing_id=late.pk, now=MONDAY_10)
    services.filing_approve(
        actor=clerk, filing_id=late.pk, now=dt.datetime(2026, 3, 5, 9, tzinfo=LOCAL_TZ)
    )
    waiting = file_pledge(cast["enterprise"], patents["co_owned"], co_owner_consent="1")
    services.filing_accept(actor=clerk, filing_id=waiting.pk, now=MONDAY_10)  # overdue now
    from iphub.filings import selectors

    rows = selectors.filing_board(user=cast["supervisor"])
    assert [(r.region.code, len(r.overdue)) for r in rows] == [("420100", 1)]
    rates = selectors.filing_on_time_rates(
        user=cast["supervisor"], now=dt.datetime(2026, 3, 31, tzinfo=LOCAL_TZ)
    )
    cell = rates.by_city["武汉市"]["2026-03"]
    assert (cell.decided, cell.on_time, cell.rate) == (2, 1, 50.0)
    assert rates.by_service["专利权质押登记"]["2026-03"].rate == 50.0
    client.force_login(cast["supervisor"])
    page = client.get("/filings/board/").content.decode()
    assert "武汉市" in page
    client.force_login(cast["enterprise"])
    assert client.get("/filings/board/").status_code == 403


def test_board_exports_what_it_shows_as_excel(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    clerk = cast["wuhan_clerk"]
    now = timezone.now()
    # Twenty days back: more than any run of public holidays, so surely late.
    earlier = now - dt.timedelta(days=20)
    on_time = file_pledge(cast["enterprise"], patents["granted"], now=now)
    services.filing_accept(actor=clerk, filing_id=on_time.pk, now=now)
    services.filing_approve(actor=clerk, filing_id=on_time.pk, now=now)
    late = file_pledge(cast["enterprise"], patents["second"], now=earlier)
    services.filing_accept(actor=clerk, filing_id=late.pk, now=earlier)
    services.filing_approve(actor=clerk, filing_id=late.pk, now=now)
    waiting = file_pledge(
        cast["enterprise"], patents["co_owned"], co_owner_consent="1", now=earlier
    )
    services.filing_accept(actor=clerk, filing_id=waiting.pk, now=earlier)

    client.force_login(cast["supervisor"])
    page = client.get("/filings/board/").content.decode()
    assert 'data-testid="export-rates"' in page and 'data-testid="export-waiting"' in page

    def sheet(export: str) -> list[tuple[Any, ...]]:
        response = client.get(f"/filings/board/?export={export}")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return list(book.worksheets[0].iter_rows(values_only=True))

    month = timezone.localtime(now).strftime("%Y-%m")
    rates = sheet("rates")
    assert rates[0] == ("维度", "名称", "月份", "办结件数", "按时件数", "按时办结率（%）")
    assert ("地市", "武汉市", month, 2, 1, 50) in rates
    assert ("事项", "专利权质押登记", month, 2, 1, 50) in rates
    # The months before had no decision: 无数据 (0/0), on the page and in the export.
    first = rates[1]
    assert first[:3] == ("地市", "武汉市", first[2]) and first[2] < month
    assert first[3:] == (0, 0, "无数据")
    assert "无数据" in page and "None%" not in page
    waiting_rows = sheet("waiting")
    assert waiting_rows[0][:2] == ("受理地区", "申请编号")
    assert [(r[0], r[1], r[5]) for r in waiting_rows[1:]] == [
        ("武汉市", waiting.reference, "已超期")
    ]

    client.force_login(cast["enterprise"])
    assert client.get("/filings/board/?export=rates").status_code == 403
