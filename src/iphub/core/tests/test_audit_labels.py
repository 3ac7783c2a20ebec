"""The audit log in words (issue 16): action names, field labels, before → after,
personal data masked, on the page and in both exports."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import openpyxl
from django.utils import translation

from iphub.core import audit_labels, services
from iphub.core.audit_actions import AuditAction
from iphub.core.models import Organisation, User
from iphub.filings import workflow as filing_workflow
from iphub.filings.audit_actions import Action as FilingAction
from iphub.filings.models import FilingKind
from iphub.finance import workflow as finance_workflow
from iphub.finance.audit_actions import Action as FinanceAction
from iphub.portal.tests.codewords import code_words, english, visible_text
from iphub.supervision import workflow as report_workflow
from iphub.supervision.audit_actions import Action as SupervisionAction

SRC = Path(__file__).resolve().parents[2]
GENERIC = ("其他操作",)


def _action_enums() -> dict[str, type[AuditAction]]:
    """Each app's ``Action`` enum, by app."""
    audit_labels.action_labels()  # loads every app's audit_actions module
    found: dict[str, type[AuditAction]] = {}
    pending = list(AuditAction.__subclasses__())
    while pending:
        enum = pending.pop()
        pending.extend(enum.__subclasses__())
        found[enum.__module__.split(".")[1]] = enum
    return found


def test_every_app_that_writes_the_audit_trail_names_its_actions_in_one_enum() -> None:
    writers = {
        path.relative_to(SRC).parts[0]
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and re.search(r"\baudit_(?:record|entry|record_all)\(", path.read_text(encoding="utf-8"))
        and path.name != "audit.py"
    }
    enums = _action_enums()
    assert writers <= set(enums), sorted(writers - set(enums))
    # a string where an action goes: mypy refuses it too (``action: AuditAction``)
    literal = re.compile(r"(?:audit_record|audit_entry)\((?:[^()]|\n)*?action=f?\"", re.S)
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "tests" not in path.parts and literal.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_action_has_a_chinese_name_and_every_workflow_step_an_action() -> None:
    enums = _action_enums()
    codes = [member for enum in enums.values() for member in enum]
    assert len(codes) == len({str(c) for c in codes}), "one code declared by two apps"
    for code in codes:
        label = audit_labels.action_label(code)
        assert label == str(code.label), code
        assert re.search(r"[\u4e00-\u9fff]", label) and not re.search(r"[a-z]_", label), code
    # the codes the workflows build from their step names are all declared
    for t in filing_workflow.TRANSITIONS:
        assert FilingAction.step(t.name).label
    for kind in FilingKind.values:
        assert FilingAction.created(kind).label
    for name in report_workflow.TRANSITIONS:
        assert SupervisionAction.report_step(name).label
    for step in finance_workflow.TRANSITIONS:
        assert FinanceAction.answer_step(step.name).label
    assert audit_labels.action_label("patent_pledge_create") == "新建申请：专利权质押登记"
    assert audit_labels.action_label("finance.fund_create") == "登记风险补偿资金"


def test_an_unknown_action_reads_as_words_not_as_its_code() -> None:
    assert audit_labels.action_label("chain_archive_create", "navigation.industrychain") == (
        "新建：产业链"
    )
    assert audit_labels.action_label("core.organisation.admin_delete", "core.organisation") == (
        "后台删除：组织机构"
    )
    assert audit_labels.action_label("something_odd") == "其他操作"
    assert audit_labels.object_type_label("nowhere.thing") == "其他对象"


def test_nested_values_read_as_text_and_long_lists_are_cut() -> None:
    rows = audit_labels.changes(
        "navigation.industrychain",
        {"query": "TX=电池", "segments": [["upstream", "正极材料", "TX=正极"]]},
        {"query": "TX=锂电池", "segments": []},
    )
    text = " ".join(str(c) for c in rows)
    assert "检索式：TX=电池 → TX=锂电池" in text
    assert "产业链环节：（" in text and "正极材料" in text
    assert "[" not in text and "{" not in text
    ids = audit_labels.value_text(None, "patent_ids", list(range(100)))
    assert ids.endswith("…共 100 项") and ids.count("、") == 9


def _change_contact(cast: dict[str, User], org: Organisation) -> None:
    services.organisation_update(
        actor=cast["wuhan_clerk"],
        organisation_id=org.pk,
        data={"contact_phone": "13998765432", "address": "武汉市洪山区珞喻路 1 号"},
    )


def test_audit_page_shows_changes_in_words_with_phones_masked(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    _change_contact(cast, orgs["wuhan_hongshan"])
    client.force_login(cast["supervisor"])
    page = client.get("/audit/").content.decode()
    assert "修改组织信息" in page and "登记组织" in page and "创建用户" in page
    assert "联系电话：138****5678 → 139****5432" in page
    assert "地址：（空） → 武汉市洪山区珞喻路 1 号" in page
    assert "联系人：张**" in page and "110105********002X" in page
    assert "13812345678" not in page and "11010519491231002X" not in page
    for raw in ("13998765432", "{'", '{"', "张三丰"):
        assert raw not in visible_text(page)
    usernames = list(User.objects.values_list("username", flat=True))
    assert code_words(page, allow=usernames) == []


def test_audit_filter_offers_actions_by_name(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    _change_contact(cast, orgs["wuhan_hongshan"])
    client.force_login(cast["supervisor"])
    page = client.get("/audit/", {"action": "organisation_update"}).content.decode()
    assert '<option value="organisation_update" selected>修改组织信息</option>' in page
    assert "登记组织</td>" not in page


def test_audit_exports_are_in_words_and_masked(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    _change_contact(cast, orgs["wuhan_hongshan"])
    client.force_login(cast["supervisor"])
    response = client.get("/audit/export.csv")
    csv_text = b"".join(response.streaming_content).decode("utf-8-sig")
    xlsx = client.get("/audit/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    xlsx_text = "\n".join(
        "\t".join(str(c) for c in row if c is not None)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    )
    for text in (csv_text, xlsx_text):
        assert "修改组织信息" in text and "组织机构" in text
        assert "联系电话：138****5678" in text and "联系电话：139****5432" in text
        for raw in ("13812345678", "13998765432", "11010519491231002X", "{'", "organisation_"):
            assert raw not in text


def test_audit_page_in_english(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    _change_contact(cast, orgs["wuhan_hongshan"])
    client.force_login(cast["supervisor"])
    with english(client):
        page = client.get("/audit/").content.decode()
        assert audit_labels.action_label("filing_approve") == "Approve registration/recording"
    assert "Update organisation" in page and "Phone: 138****5678 → 139****5432" in page


def test_a_filing_refusal_ground_reads_as_its_catalogue_wording() -> None:
    rows = audit_labels.changes(
        "filings.filing", {"refusal_ground": ""}, {"refusal_ground": "contract_incomplete"}
    )
    assert [str(c) for c in rows] == ["不予登记理由：（空） → 质押合同约定的内容不符合规定"]


def test_audit_api_keeps_codes_but_masks_personal_data(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    _change_contact(cast, orgs["wuhan_hongshan"])
    client.force_login(cast["supervisor"])
    items = client.get("/api/v1/audit", {"action": "organisation_update"}).json()["items"]
    assert len(items) == 1
    entry = items[0]
    assert entry["action"] == "organisation_update" and entry["action_label"] == "修改组织信息"
    assert entry["before"]["contact_phone"] == "138****5678"
    assert entry["after"]["contact_phone"] == "139****5432"
    body = client.get("/api/v1/audit").content.decode()
    assert "13812345678" not in body and "11010519491231002X" not in body


def test_english_labels_equal_to_the_field_name_are_still_labels() -> None:
    with translation.override("en"):
        rows = audit_labels.changes("finance.compensationclaim", None, {"bank": "演示银行"})
        assert [str(c) for c in rows] == ["Bank: 演示银行"]
