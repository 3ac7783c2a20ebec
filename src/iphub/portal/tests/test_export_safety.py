"""Issue 18, findings 2 and 5: what people type reaches the organisation and
audit exports as text, never as a live formula, and a control character in a
name no longer takes the export down."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.core.audit import audit_record
from iphub.core.audit_actions import Action
from iphub.core.models import Organisation, User

FORMULA = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture
def hostile(orgs: dict[str, Organisation]) -> Organisation:
    """The Hongshan company renamed (as an import or an old record could) to a
    formula, the Jiang'an one to a name with a vertical tab; the audit log
    records the renames."""
    org = orgs["wuhan_hongshan"]
    Organisation.objects.filter(pk=org.pk).update(name=FORMULA)
    Organisation.objects.filter(pk=orgs["wuhan_jiangan"].pk).update(name="江岸\x0b测试制造有限公司")
    org.refresh_from_db()
    path = org.region.path
    audit_record(actor=None, action=Action.ORGANISATION_UPDATE, obj=org, region_path=path)
    audit_record(
        actor=None,
        action=Action.ORGANISATION_UPDATE,
        obj=org,
        object_repr="@控制\x0b字符",
        region_path=path,
    )
    return org


def _xlsx_cells(response: Any) -> list[Any]:
    body = b"".join(response.streaming_content)
    wb = load_workbook(io.BytesIO(body))
    return [cell for row in wb.worksheets[0].iter_rows() for cell in row]


def test_organisation_export_writes_a_formula_name_as_text(
    hostile: Organisation, cast: dict[str, User], client: Any
) -> None:
    client.force_login(cast["wuhan_clerk"])
    response = client.get("/organisations/export.xlsx")
    assert response.status_code == 200
    cells = _xlsx_cells(response)
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + FORMULA in values
    assert "江岸测试制造有限公司" in values  # the vertical tab removed, the name kept


def test_audit_exports_quote_formulas_and_survive_control_characters(
    hostile: Organisation, cast: dict[str, User], client: Any
) -> None:
    client.force_login(cast["supervisor"])
    response = client.get("/audit/export.xlsx")
    assert response.status_code == 200
    cells = _xlsx_cells(response)
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + FORMULA in values and "'@控制字符" in values

    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(text)) for f in row]
    assert "'" + FORMULA in fields and FORMULA not in fields
    assert not any(f.startswith(("=", "+", "-", "@", "\t", "\r")) for f in fields)
    assert "\x0b" not in text
