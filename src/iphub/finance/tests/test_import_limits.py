"""The bank loan import bounds its work on a hostile workbook (issue 18,
finding 12), and the loan exports write bank names as text (finding 2)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.core.errors import ApplicationError
from iphub.core.models import User
from iphub.core.tests.hostile_files import stretched_xlsx
from iphub.finance.models import BankLoanReport
from iphub.finance.services import LOAN_HEADERS, loans_import

# An xlsx cell starting with = is a formula whose value the import cannot read;
# @ and + reach the database as text and must leave it as text.
BANK = '@HYPERLINK("http://evil.example/","点我")'


def test_a_loans_workbook_claiming_millions_of_rows_is_refused(
    cast: dict[str, User], regions: None
) -> None:
    row = ["中国银行宜昌分行", "420500", "2026-05", "专利权质押", "磷化工", 3, 5000000]
    forged = stretched_xlsx([LOAN_HEADERS, row], claimed_rows=3_000_000, far_row=3_000_000)
    with pytest.raises(ApplicationError) as refused:
        loans_import(actor=cast["yichang_supervisor"], fh=io.BytesIO(forged))
    assert "请拆分后上传" in refused.value.message
    assert BankLoanReport.objects.count() == 0


def test_a_bank_named_like_a_formula_is_exported_as_text(
    cast: dict[str, User], regions: None, client: Any
) -> None:
    row = [BANK, "420500", "2026-05", "专利权质押", "磷化工", 3, 5000000]
    result = loans_import(
        actor=cast["yichang_supervisor"], fh=io.BytesIO(stretched_xlsx([LOAN_HEADERS, row]))
    )
    assert result.saved == 1
    client.force_login(cast["yichang_supervisor"])
    response = client.get("/finance/", {"export": "loans"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    assert "'" + BANK in [c.value for c in cells]
