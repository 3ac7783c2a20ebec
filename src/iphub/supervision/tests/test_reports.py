"""The monthly report's life: draft, submitted, returned with a reason,
resubmitted, accepted — each step by the right role in the right region."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook

from iphub.core.errors import AccessDenied, ApplicationError
from iphub.core.models import Region, User
from iphub.supervision.models import MonthlyReport, ReportState
from iphub.supervision.services import report_io
from iphub.supervision.services.reports import (
    report_attach,
    report_open,
    report_transition,
    report_update,
)
from iphub.supervision.tests.conftest import MAY

pytestmark = pytest.mark.usefixtures("plan")


def _draft(user: User, region: str = "420500") -> MonthlyReport:
    report = report_open(actor=user, region=Region.objects.get(code=region), month=MAY)
    return report_update(
        actor=user,
        report_id=report.pk,
        data={
            "work": {"二": "完成磷化工产业链导航", "八": "新增质押登记 3 笔"},
            "typical_case_count": 1,
            "typical_cases": "某企业专利质押融资 500 万元",
            "figures": {"training_sessions": "4"},
        },
    )


def test_returned_for_revision_and_resubmitted(cast: dict[str, User]) -> None:
    city, province = cast["yichang_supervisor"], cast["supervisor"]
    report = _draft(city)
    report = report_transition(actor=city, report_id=report.pk, action="submit")
    assert report.state == ReportState.SUBMITTED
    with pytest.raises(ApplicationError) as exc:
        report_transition(actor=province, report_id=report.pk, action="return", reason=" ")
    assert exc.value.fields == {"reason": "请填写退回意见。"}
    report = report_transition(
        actor=province, report_id=report.pk, action="return", reason="请补充典型案例金额来源"
    )
    assert report.state == ReportState.RETURNED and report.return_reason == "请补充典型案例金额来源"
    report_update(
        actor=city, report_id=report.pk, data={"typical_cases": "补充：贷款银行为中国银行"}
    )
    report = report_transition(actor=city, report_id=report.pk, action="resubmit")
    assert report.state == ReportState.RESUBMITTED
    report = report_transition(actor=province, report_id=report.pk, action="accept")
    assert report.state == ReportState.ACCEPTED
    assert [e.action for e in report.events.all()] == ["submit", "return", "resubmit", "accept"]
    with pytest.raises(ApplicationError):
        report_update(actor=city, report_id=report.pk, data={"problems": "改"})


def test_who_may_do_what(cast: dict[str, User]) -> None:
    report = _draft(cast["yichang_supervisor"])
    # Another region's or another role's user cannot open, edit or submit it.
    with pytest.raises(AccessDenied):
        report_open(
            actor=cast["yichang_supervisor"], region=Region.objects.get(code="420100"), month=MAY
        )
    for intruder in ("wuhan_clerk", "yichang_clerk", "enterprise"):
        with pytest.raises(AccessDenied):
            report_transition(actor=cast[intruder], report_id=report.pk, action="submit")
    # The city cannot review its own report; the province does not write it.
    with pytest.raises(AccessDenied):
        report_update(actor=cast["supervisor"], report_id=report.pk, data={"problems": "x"})
    report_transition(actor=cast["yichang_supervisor"], report_id=report.pk, action="submit")
    with pytest.raises(AccessDenied):
        report_transition(actor=cast["yichang_supervisor"], report_id=report.pk, action="accept")
    with pytest.raises(ApplicationError) as exc:
        report_transition(actor=cast["yichang_supervisor"], report_id=report.pk, action="submit")
    assert exc.value.status in (403, 409)


def test_a_stale_form_cannot_act(cast: dict[str, User]) -> None:
    report = _draft(cast["yichang_supervisor"])
    with pytest.raises(ApplicationError) as exc:
        report_transition(
            actor=cast["yichang_supervisor"],
            report_id=report.pk,
            action="submit",
            version=report.version - 1,
        )
    assert exc.value.code == "stale_version"


def test_an_empty_report_cannot_be_submitted(cast: dict[str, User]) -> None:
    report = report_open(
        actor=cast["yichang_supervisor"], region=Region.objects.get(code="420500"), month=MAY
    )
    with pytest.raises(ApplicationError):
        report_transition(actor=cast["yichang_supervisor"], report_id=report.pk, action="submit")


def test_computed_indicators_cannot_be_typed_in(cast: dict[str, User]) -> None:
    report = _draft(cast["yichang_supervisor"])
    with pytest.raises(ApplicationError) as exc:
        report_update(
            actor=cast["yichang_supervisor"],
            report_id=report.pk,
            data={"figures": {"pledge_amount": "999"}},
        )
    assert "figures.pledge_amount" in exc.value.fields


def _docx_bytes() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("a.pdf", b"%PDF-1.7\n...", True),
        ("a.png", b"\x89PNG\r\n\x1a\n....", True),
        ("a.jpg", b"\xff\xd8\xff\xe0....", True),
        ("a.docx", None, True),
        ("a.pdf", b"MZ\x90\x00 this is an exe", False),
        ("a.docx", b"PK\x03\x04 not really a zip", False),
    ],
)
def test_attachments_are_checked_by_content(
    cast: dict[str, User], name: str, content: bytes | None, ok: bool
) -> None:
    report = _draft(cast["yichang_supervisor"])
    data = content if content is not None else _docx_bytes()
    if ok:
        att = report_attach(
            actor=cast["yichang_supervisor"], report_id=report.pk, name=name, content=data
        )
        assert att.size == len(data)
    else:
        with pytest.raises(ApplicationError) as exc:
            report_attach(
                actor=cast["yichang_supervisor"], report_id=report.pk, name=name, content=data
            )
        assert exc.value.code == "upload_refused"


def test_excel_export_imports_back_unchanged_and_word_export_reads(cast: dict[str, User]) -> None:
    city = cast["yichang_supervisor"]
    report = _draft(city)
    data = report_io.report_workbook(report)
    other = report_open(actor=cast["yichang_supervisor"], region=report.region, month=MAY)
    assert other.pk == report.pk
    # Clear and import the exported workbook back.
    report_update(
        actor=city, report_id=report.pk, data={"work": {"二": "", "八": ""}, "typical_cases": ""}
    )
    result = report_io.report_import(actor=city, report=report, fh=io.BytesIO(data))
    assert result.errors == [] and result.saved == 3
    report.refresh_from_db()
    assert {e.task.number: e.work_done for e in report.entries.all()} == {
        "二": "完成磷化工产业链导航",
        "八": "新增质押登记 3 笔",
    }
    assert report.typical_cases == "某企业专利质押融资 500 万元"
    doc = Document(io.BytesIO(report_io.report_docx(report)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "宜昌市2026年05月知识产权重要工作月报" in text and "完成磷化工产业链导航" in text
    assert zipfile.is_zipfile(io.BytesIO(data))


def test_a_filled_template_with_a_bad_row_saves_nothing_or_skips_it(cast: dict[str, User]) -> None:
    city = cast["yichang_supervisor"]
    report = report_open(actor=city, region=Region.objects.get(code="420500"), month=MAY)
    wb = load_workbook(io.BytesIO(report_io.report_workbook(report)))
    work = wb["工作进展"]
    work["C2"] = "一月督导"  # task 一
    work.append(["十一", "不存在的任务", "胡乱填写"])
    wb["填报数据"]["D2"] = "四场"
    out = io.BytesIO()
    wb.save(out)
    result = report_io.report_import(actor=city, report=report, fh=io.BytesIO(out.getvalue()))
    assert result.saved == 0 and len(result.errors) == 2
    assert result.errors[0][0] == "工作进展" and "十一" in result.errors[0][2]
    assert report.entries.count() == 0
    result = report_io.report_import(
        actor=city, report=report, fh=io.BytesIO(out.getvalue()), mode=report_io.SKIP_BAD
    )
    assert result.saved == 1 and result.skipped == 2
    assert [e.work_done for e in report.entries.all()] == ["一月督导"]


def test_a_template_of_another_city_is_refused(cast: dict[str, User]) -> None:
    from iphub.conftest import make_user

    wuhan = make_user("wuhan_supervisor", "supervisor", "420100")
    wuhan_report = report_open(actor=wuhan, region=Region.objects.get(code="420100"), month=MAY)
    yichang = _draft(cast["yichang_supervisor"])
    with pytest.raises(ApplicationError):
        report_io.report_import(
            actor=cast["yichang_supervisor"],
            report=yichang,
            fh=io.BytesIO(report_io.report_workbook(wuhan_report)),
        )
