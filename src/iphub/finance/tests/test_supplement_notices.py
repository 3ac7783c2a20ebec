"""A bank's "need more materials" answered with files, the files read only by
who sees the slot; the financing inbox (request arrived, bank answered, materials
sent back); the overdue sweep that flags a late bank once per deadline."""

from __future__ import annotations

import datetime as dt
import errno
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile

from iphub.conftest import make_user
from iphub.core.errors import ApplicationError
from iphub.core.models import AuditEntry, Role, User
from iphub.core.schedule import duty_run
from iphub.filings.tests.conftest import EXE, MONDAY_10, PDF, PNG
from iphub.finance.models import (
    AnswerState,
    BankAnswer,
    FinanceNotice,
    FinancingRequest,
    SupplementFile,
)
from iphub.finance.services import answers
from iphub.finance.services.notices import answers_flag_overdue


@pytest.fixture(autouse=True)
def _media(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False


def slot(request: FinancingRequest, bank: Any) -> BankAnswer:
    return request.answers.get(bank=bank)


def step(user: User, a: BankAnswer, name: str, now: Any = MONDAY_10, **data: Any) -> BankAnswer:
    return answers.answer_step(actor=user, answer_id=a.pk, name=name, data=data, now=now)


def titles(user: User) -> list[str]:
    return list(FinanceNotice.objects.filter(user=user).values_list("title", flat=True))


def test_need_more_is_answered_with_files_the_bank_reads_and_others_cannot(
    client: Any, cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    a = slot(asked, banks["a"])
    step(banks["a_user"], a, "need_more", note="请补充近两年审计报告")
    # The enterprise sees what was asked, and a form with a file field.
    client.force_login(cast["enterprise"])
    page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    assert "请补充近两年审计报告" in page.split('data-testid="asked"')[1].split("</div>")[0]
    assert 'name="files"' in page and 'enctype="multipart/form-data"' in page
    resp = client.post(
        f"/finance/answers/{a.pk}/act/supplement/",
        {
            "version": str(BankAnswer.objects.get(pk=a.pk).version),
            "request": str(asked.pk),
            "note": "已附审计报告和营业执照",
            "files": [
                SimpleUploadedFile("审计报告.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("执照.png", PNG, content_type="image/png"),
            ],
        },
    )
    assert resp.status_code == 302
    a.refresh_from_db()
    assert a.state == AnswerState.WAITING and a.due_at is not None
    files = list(SupplementFile.objects.filter(answer=a).order_by("id"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("审计报告.pdf", "application/pdf"),
        ("执照.png", "image/png"),
    ]
    assert files[0].event is not None and files[0].event.note == "已附审计报告和营业执照"
    entry = AuditEntry.objects.get(action="finance.answer_files")
    assert [f["name"] for f in (entry.after or {})["files"]] == ["审计报告.pdf", "执照.png"]
    # The bank is told, sees the files on the request and downloads them.
    assert any("补充材料" in t for t in titles(banks["a_user"]))
    client.force_login(banks["a_user"])
    page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    assert page.count('data-testid="supplement-file"') == 2
    url = f"/finance/answers/{a.pk}/files/{files[0].pk}/"
    got = client.get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    # The API lists them on the slot and serves them too.
    api = client.get(f"/api/v1/finance/requests/{asked.pk}").json()
    assert [f["name"] for f in api["answers"][0]["files"]] == ["审计报告.pdf", "执照.png"]
    assert client.get(api["answers"][0]["files"][1]["url"]).status_code == 200
    # The city's staff read it; another bank, another city's staff, a stranger do not.
    wuhan_supervisor = make_user("wuhan_supervisor", Role.SUPERVISOR, "420100")
    client.force_login(wuhan_supervisor)
    assert client.get(url).status_code == 200
    for other in (banks["b_user"], cast["yichang_supervisor"]):
        client.force_login(other)
        assert client.get(url).status_code == 404
        assert client.get(f"/api/v1/finance/answers/{a.pk}/files/{files[0].pk}").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_refused_file_changes_nothing(
    client: Any,
    cast: dict[str, User],
    banks: dict[str, Any],
    asked: FinancingRequest,
    settings: Any,
) -> None:
    a = slot(asked, banks["a"])
    step(banks["a_user"], a, "need_more", note="请补充财务报表")
    with pytest.raises(ApplicationError) as exc:
        answers.answer_step(
            actor=cast["enterprise"],
            answer_id=a.pk,
            name="supplement",
            data={"note": "见附件"},
            files=[SimpleUploadedFile("报表.pdf", EXE, content_type="application/pdf")],
            now=MONDAY_10,
        )
    assert "不是 PDF、JPEG 或 PNG 文件" in exc.value.fields["files"]
    settings.IPHUB_FILING_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ApplicationError) as exc:
        answers.answer_step(
            actor=cast["enterprise"],
            answer_id=a.pk,
            name="supplement",
            files=[SimpleUploadedFile("大.pdf", PDF + b"0" * 2048)],
            now=MONDAY_10,
        )
    assert "超过" in exc.value.fields["files"]
    with pytest.raises(ApplicationError) as exc:
        step(cast["enterprise"], a, "supplement")
    assert "请上传银行要求补充的材料" in exc.value.fields["files"]
    a.refresh_from_db()
    assert a.state == AnswerState.MORE
    assert not SupplementFile.objects.exists()
    assert not AuditEntry.objects.filter(action="finance.answer_files").exists()


def test_full_disk_answers_507_and_the_slot_stays_waiting_for_materials(
    client: Any,
    cast: dict[str, User],
    banks: dict[str, Any],
    asked: FinancingRequest,
    monkeypatch: Any,
) -> None:
    a = slot(asked, banks["a"])
    step(banks["a_user"], a, "need_more", note="请补充财务报表")

    def full(self: Any, name: str, content: Any) -> str:
        raise OSError(errno.ENOSPC, "No space left on device")

    client.force_login(cast["enterprise"])
    body = {"note": "见附件", "files": SimpleUploadedFile("报表.pdf", PDF)}
    with monkeypatch.context() as m:
        m.setattr(FileSystemStorage, "_save", full)
        resp = client.post(f"/api/v1/finance/answers/{a.pk}/supplement/files", body)
    assert resp.status_code == 507 and resp.json()["code"] == "storage_full"
    a.refresh_from_db()
    assert a.state == AnswerState.MORE and not SupplementFile.objects.exists()
    body = {"note": "见附件", "files": SimpleUploadedFile("报表.pdf", PDF)}
    again = client.post(f"/api/v1/finance/answers/{a.pk}/supplement/files", body)
    assert again.status_code == 200 and again.json()["state"] == AnswerState.WAITING
    assert [f["name"] for f in again.json()["files"]] == ["报表.pdf"]


def test_inbox_tells_the_bank_of_a_request_and_the_enterprise_of_each_answer(
    client: Any, cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    ref = asked.reference
    # Both banks' users were told the request arrived; the enterprise was not.
    for user in (banks["a_user"], banks["a_user2"], banks["b_user"]):
        assert titles(user) == [f"新的融资需求 {ref}：{asked.organisation.name}"]
    assert titles(cast["enterprise"]) == []
    step(banks["a_user"], slot(asked, banks["a"]), "accept")
    step(banks["b_user"], slot(asked, banks["b"]), "decline", reason="credit")
    assert sorted(titles(cast["enterprise"])) == sorted(
        [
            f"{banks['a'].name} 答复了融资需求 {ref}：受理审查",
            f"{banks['b'].name} 答复了融资需求 {ref}：婉拒",
        ]
    )
    # A bank's answer is not told to the other bank.
    assert len(titles(banks["b_user"])) == 1
    client.force_login(cast["enterprise"])
    nav = client.get("/finance/requests/").content.decode()
    assert "融资消息（2）" in nav
    page = client.get("/finance/inbox/").content.decode()
    assert page.count('data-testid="notice"') == 2 and "<strong>" in page
    assert not FinanceNotice.objects.filter(user=cast["enterprise"], read=False).exists()
    assert "融资消息（" not in client.get("/finance/requests/").content.decode()


def test_overdue_answers_are_flagged_once_per_deadline_to_the_bank_and_the_city(
    client: Any, cast: dict[str, User], banks: dict[str, Any], asked: FinancingRequest
) -> None:
    wuhan_supervisor = make_user("wuhan_supervisor", Role.SUPERVISOR, "420100")
    a, b = slot(asked, banks["a"]), slot(asked, banks["b"])
    assert a.due_at is not None
    # Not yet due: nothing flagged.
    assert answers_flag_overdue(now=a.due_at - dt.timedelta(minutes=1)) == []
    step(banks["b_user"], b, "accept")  # bank B answered in time
    late = a.due_at + dt.timedelta(hours=1)
    flagged = answers_flag_overdue(now=late)
    assert [x.pk for x in flagged] == [a.pk]
    title = f"融资需求 {asked.reference}：{banks['a'].name} 答复已超期"
    assert title in titles(banks["a_user"]) and title in titles(wuhan_supervisor)
    assert title not in titles(banks["b_user"])
    assert title not in titles(cast["yichang_supervisor"])
    assert AuditEntry.objects.filter(action="finance.answer_overdue").count() == 1
    client.force_login(wuhan_supervisor)
    page = client.get(f"/finance/requests/{asked.pk}/").content.decode()
    assert page.count('data-testid="overdue-flagged"') == 1
    # The sweep again: nothing new. The scheduled duty runs at today's clock, by
    # which bank B's review deadline (March 2026) has passed too: B only is flagged.
    assert answers_flag_overdue(now=late + dt.timedelta(hours=1)) == []
    assert duty_run("finance_answers_overdue") == "提醒超期未答复的银行 1 项"
    assert duty_run("finance_answers_overdue") == "提醒超期未答复的银行 0 项"
    assert titles(wuhan_supervisor).count(title) == 1
    b_title = f"融资需求 {asked.reference}：{banks['b'].name} 答复已超期"
    assert titles(banks["b_user"]).count(b_title) == 1
    # The bank accepts late: marked late; the review deadline is a new one, flagged once again.
    accepted = step(banks["a_user"], a, "accept", now=late)
    assert accepted.late and accepted.overdue_flagged_at is None
    assert accepted.due_at is not None
    assert [x.pk for x in answers_flag_overdue(now=accepted.due_at + dt.timedelta(hours=1))] == [
        a.pk
    ]
    assert titles(wuhan_supervisor).count(title) == 2
    # The board lists the overdue slot under bank A, not under bank B (answered in time
    # and since then under review, also long past its deadline by today's clock).
    client.force_login(wuhan_supervisor)
    board = client.get("/finance/board/").content.decode()
    row_a = board.split(banks["a"].name)[1].split("</tr>")[0]
    assert asked.reference in row_a
