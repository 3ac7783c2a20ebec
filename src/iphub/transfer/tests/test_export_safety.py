"""The deal ledger's Excel export writes organisation names as text (issue 18,
findings 2 and 5): a seller named like a formula is no live formula, and a
control character in a name does not take the download down."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from iphub.core.models import Organisation, User
from iphub.transfer.models import Deal
from iphub.transfer.tests.test_pages_events_deals import deals  # noqa: F401 - fixture

FORMULA = '=HYPERLINK("http://evil.example/","点我")'


def test_deal_ledger_export_holds_formulas_as_text(
    client: Any,
    cast: dict[str, User],
    orgs: dict[str, Organisation],
    deals: dict[str, Deal],  # noqa: F811 - the fixture imported above
) -> None:
    Organisation.objects.filter(pk=orgs["wuhan_jiangan"].pk).update(name=FORMULA)
    Organisation.objects.filter(pk=orgs["wuhan_hongshan"].pk).update(name="洪山\x0b测试")
    client.force_login(cast["wuhan_clerk"])
    resp = client.get("/transfer/deals/list/", {"export": "xlsx"})
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(resp.streaming_content)))
    cells = [c for ws in wb.worksheets for r in ws.iter_rows() for c in r]
    assert all(c.data_type != "f" for c in cells)
    values = [c.value for c in cells]
    assert "'" + FORMULA in values and "洪山测试" in values
