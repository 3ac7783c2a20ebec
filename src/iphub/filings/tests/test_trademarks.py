"""Trademark pledge registration: the form's checks, who may move it (the
provincial window), and change / extension / cancellation of a registration."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.core.calendar import LOCAL_TZ
from iphub.core.errors import AccessDenied, ApplicationError
from iphub.filings import selectors, services
from iphub.filings.models import Filing, FilingState
from iphub.filings.tests.conftest import (
    EXE,
    MONDAY_10,
    OWNER,
    file_trademark_pledge,
    pdf,
    trademark_data,
    trademark_documents,
)
from iphub.patents.models import Trademark
from iphub.patents.names import applicant_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("over", "field", "words"),
    [
        ({"trademark_number": "12AB56"}, "trademark_number", "4 至 9 位数字"),
        ({"trademark_classes": "9, 46"}, "trademark_classes", "1 至 45"),
        ({"valid_until": "2025-12-31"}, "valid_until", "续展"),
        ({"joint_application": ""}, "joint_application", "共同申请"),
        ({"similar_marks_included": ""}, "similar_marks_included", "一并出质"),
        ({"debt_end": "2026-01-01"}, "debt_end", "晚于起始日"),
        ({"debt_amount": "12.345"}, "debt_amount", "两位小数"),
    ],
)
def test_each_check_fails_on_its_field(
    cast: dict[str, Any], over: dict[str, str], field: str, words: str
) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.trademark_pledge_submit(
            actor=cast["enterprise"],
            data=trademark_data(**over),
            documents=trademark_documents(),
            now=MONDAY_10,
        )
    assert words in exc.value.fields[field]
    assert Filing.objects.count() == 0


def test_renamed_exe_is_refused_and_materials_are_required(cast: dict[str, Any]) -> None:
    docs = trademark_documents()
    docs["pledge_contract"] = [SimpleUploadedFile("质权合同.pdf", EXE)]
    with pytest.raises(ApplicationError) as exc:
        services.trademark_pledge_submit(
            actor=cast["enterprise"], data=trademark_data(), documents=docs, now=MONDAY_10
        )
    assert "不是 PDF、JPEG 或 PNG" in exc.value.fields["pledge_contract"]
    docs = trademark_documents()
    del docs["main_contract"]
    with pytest.raises(ApplicationError) as exc:
        services.trademark_pledge_submit(
            actor=cast["enterprise"], data=trademark_data(), documents=docs, now=MONDAY_10
        )
    assert "主合同" in exc.value.fields["main_contract"]


def test_only_the_provincial_window_reviews_it(cast: dict[str, Any], province_clerk: Any) -> None:
    f = file_trademark_pledge(cast["enterprise"])
    assert f.state == FilingState.SUBMITTED and f.region_id == "420000"
    for who in ("wuhan_clerk", "hongshan_clerk", "supervisor", "enterprise"):
        with pytest.raises(AccessDenied):
            services.filing_accept(actor=cast[who], filing_id=f.pk, now=MONDAY_10)
    f = services.filing_accept(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    # Five working days from Monday 2 March 2026 10:00: Monday 9 March.
    assert f.due_at is not None and f.due_at.astimezone(LOCAL_TZ).date() == dt.date(2026, 3, 9)
    f = services.filing_approve(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    assert f.state == FilingState.REGISTERED
    assert f.registration_number is not None and f.registration_number.startswith("S2026420000")
    # Counted with the pledge-financing figures, patent or trademark.
    assert f in selectors.pledges_registered(user=cast["supervisor"])
    assert f not in selectors.pledges_registered(user=cast["yichang_supervisor"])


def test_refusal_grounds_are_the_trademark_list(cast: dict[str, Any], province_clerk: Any) -> None:
    f = file_trademark_pledge(cast["enterprise"])
    with pytest.raises(ApplicationError):
        services.filing_refuse(actor=province_clerk, filing_id=f.pk, ground="not_patentee")
    f = services.filing_refuse(actor=province_clerk, filing_id=f.pk, ground="seized")
    assert f.state == FilingState.REFUSED


def _registered(cast: dict[str, Any], clerk: Any) -> Filing:
    f = file_trademark_pledge(cast["enterprise"])
    services.filing_accept(actor=clerk, filing_id=f.pk, now=MONDAY_10)
    return services.filing_approve(actor=clerk, filing_id=f.pk, now=MONDAY_10)


def _amend(cast: dict[str, Any], operation: str, data: dict[str, str], material: str) -> Filing:
    return services.trademark_pledge_amend_submit(
        actor=cast["enterprise"],
        operation=operation,
        data=data,
        documents={"application_form": [pdf()], material: [pdf()]},
        idempotency_key=uuid.uuid4().hex,
        now=MONDAY_10,
    )


def test_extend_change_and_cancel(cast: dict[str, Any], province_clerk: Any) -> None:
    first = _registered(cast, province_clerk)
    number = str(first.registration_number)
    with pytest.raises(ApplicationError) as exc:
        _amend(cast, "extend", {"registration_number": number, "debt_end": "2027-01-01",
                                "reason": "展期"}, "extension_agreement")  # fmt: skip
    assert "晚于原届满日" in exc.value.fields["debt_end"]
    ext = _amend(cast, "extend", {"registration_number": number, "debt_end": "2029-02-28",
                                  "reason": "展期"}, "extension_agreement")  # fmt: skip
    services.filing_accept(actor=province_clerk, filing_id=ext.pk, now=MONDAY_10)
    ext = services.filing_approve(actor=province_clerk, filing_id=ext.pk, now=MONDAY_10)
    first.refresh_from_db()
    assert first.state == FilingState.CHANGED
    assert ext.term_end == dt.date(2029, 2, 28) and ext.details["trademark_number"] == "12345678"
    # The old registration cannot be amended any more; the extension can.
    with pytest.raises(ApplicationError):
        _amend(cast, "cancel", {"registration_number": number, "reason": "还款"}, "release_proof")
    cancel = _amend(
        cast,
        "cancel",
        {"registration_number": str(ext.registration_number), "reason": "已还款"},
        "release_proof",
    )
    services.filing_accept(actor=province_clerk, filing_id=cancel.pk, now=MONDAY_10)
    services.filing_approve(actor=province_clerk, filing_id=cancel.pk, now=MONDAY_10)
    ext.refresh_from_db()
    assert ext.state == FilingState.CANCELLED
    assert not selectors.pledges_registered(user=cast["supervisor"]).exists()


def test_pages_and_api(cast: dict[str, Any], province_clerk: Any, client: Any) -> None:
    client.force_login(cast["enterprise"])
    page = client.get("/filings/trademark/new/").content.decode()
    assert "商标注册号" in page and "共同申请" in page
    assert client.get("/filings/trademark/extend/").status_code == 200
    assert client.get("/filings/trademark/other/").status_code == 404
    data: dict[str, Any] = trademark_data(trademark_number="1x")
    data |= {k: v[0] for k, v in trademark_documents().items()}
    page = client.post("/filings/trademark/new/", data).content.decode()
    assert "4 至 9 位数字" in page
    data = trademark_data() | {k: v[0] for k, v in trademark_documents().items()}
    resp = client.post("/api/v1/filings/trademark-pledges", data)
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["kind"] == "trademark_pledge" and body["state"] == "submitted"
    detail = client.get(f"/filings/{body['id']}/").content.decode()
    assert "12345678" in detail and "质权人" in detail


# ------------------------------------------------- the register and double pledges


def _record(status: str = "注册", owner: str = OWNER, **over: Any) -> Trademark:
    values: dict[str, Any] = {
        "registration_number": "12345678",
        "name": "洪山测试",
        "nice_classes": [9, 35, 42],
        "owner": owner,
        "owner_key": applicant_key(owner),
        "status": status,
    }
    return Trademark.objects.create(**(values | over))


@pytest.mark.parametrize(
    ("record", "over", "field", "words"),
    [
        ({"status": "注销"}, {}, "trademark_number", "期满未续展"),
        ({"status": "商标无效"}, {}, "trademark_number", "期满未续展"),
        ({"status": "初审公告"}, {}, "trademark_number", "尚未核准注册"),
        ({"owner": "宜昌测试化工有限公司"}, {}, "pledgor", "不是商标 12345678 的注册人"),
        ({}, {"trademark_classes": "9, 30"}, "trademark_classes", "第 30 类不在"),
        ({}, {"trademark_name": "洪山"}, "trademark_name", "记载为：洪山测试"),
    ],
)
def test_checked_against_the_platforms_record(
    cast: dict[str, Any], record: dict[str, Any], over: dict[str, Any], field: str, words: str
) -> None:
    _record(**record)
    with pytest.raises(ApplicationError) as exc:
        file_trademark_pledge(cast["enterprise"], **over)
    assert words in exc.value.fields[field]
    assert Filing.objects.count() == 0


def test_recorded_or_not_the_clerk_is_told(cast: dict[str, Any], client: Any) -> None:
    unknown = file_trademark_pledge(cast["enterprise"])
    assert unknown.details["register_checked"] is False
    _record(registration_number="7654321")
    known = file_trademark_pledge(cast["enterprise"], trademark_number="7654321")
    assert known.details["register_checked"] is True
    client.force_login(cast["enterprise"])
    assert "平台商标库中没有该注册号" in client.get(f"/filings/{unknown.pk}/").content.decode()
    assert "平台商标库中没有该注册号" not in client.get(f"/filings/{known.pk}/").content.decode()


@pytest.mark.parametrize("recorded", [True, False])
def test_a_pledged_mark_cannot_be_pledged_again_until_released(
    cast: dict[str, Any], province_clerk: Any, recorded: bool
) -> None:
    if recorded:
        _record()
    first = _registered(cast, province_clerk)
    with pytest.raises(ApplicationError) as exc:
        file_trademark_pledge(cast["enterprise"])
    assert exc.value.code == "already_pledged"
    assert str(first.registration_number) in exc.value.fields["trademark_number"]
    # Another mark of the same owner is not affected.
    assert file_trademark_pledge(cast["enterprise"], trademark_number="7654321").pk
    cancel = _amend(cast, "cancel", {"registration_number": str(first.registration_number),
                                     "reason": "已还款"}, "release_proof")  # fmt: skip
    services.filing_accept(actor=province_clerk, filing_id=cancel.pk, now=MONDAY_10)
    services.filing_approve(actor=province_clerk, filing_id=cancel.pk, now=MONDAY_10)
    assert file_trademark_pledge(cast["enterprise"]).state == FilingState.SUBMITTED


@pytest.mark.parametrize("recorded", [True, False])
def test_second_of_two_pending_pledges_is_refused_at_approval(
    cast: dict[str, Any], province_clerk: Any, recorded: bool
) -> None:
    if recorded:
        _record()
    # Both filed while the mark was free; the first approval wins.
    a = file_trademark_pledge(cast["enterprise"])
    b = file_trademark_pledge(cast["enterprise"], pledgee="另一银行股份有限公司")
    for f in (a, b):
        services.filing_accept(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    services.filing_approve(actor=province_clerk, filing_id=a.pk, now=MONDAY_10)
    with pytest.raises(ApplicationError) as exc:
        services.filing_approve(actor=province_clerk, filing_id=b.pk, now=MONDAY_10)
    assert exc.value.status == 409 and "不能重复登记" in exc.value.message
    b.refresh_from_db()
    assert b.state == FilingState.ACCEPTED and b.registration_number is None


def test_approval_rechecks_the_record(cast: dict[str, Any], province_clerk: Any) -> None:
    mark = _record()
    f = file_trademark_pledge(cast["enterprise"])
    services.filing_accept(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    Trademark.objects.filter(pk=mark.pk).update(status="撤销")
    with pytest.raises(ApplicationError) as exc:
        services.filing_approve(actor=province_clerk, filing_id=f.pk, now=MONDAY_10)
    assert exc.value.status == 409 and "不能出质" in exc.value.message
    services.filing_refuse(actor=province_clerk, filing_id=f.pk, ground="not_valid")
