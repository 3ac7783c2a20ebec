"""A filing's page says everything in words (issue 16): material names, not
``application_form``; history steps 创建申请/提交/受理/准予登记, not ``accept``."""

from __future__ import annotations

import re
from typing import Any

from iphub.core.models import User
from iphub.filings import services
from iphub.filings.tests.conftest import file_pledge
from iphub.portal.tests.codewords import code_words, english, visible_text


def _section(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">(.*?)</(?:ul|table)>', page, re.S)
    assert match, testid
    return match.group(1)


def test_detail_names_materials_and_history_steps(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    filing = file_pledge(cast["enterprise"], patents["granted"])
    services.filing_accept(actor=cast["wuhan_clerk"], filing_id=filing.pk)
    services.filing_approve(actor=cast["wuhan_clerk"], filing_id=filing.pk)
    client.force_login(cast["wuhan_clerk"])
    page = client.get(f"/filings/{filing.pk}/").content.decode()
    documents = _section(page, "documents")
    assert "专利权质押登记申请表" in documents and "专利权质押合同" in documents
    assert "application_form" not in documents and "pledge_contract" not in documents
    history = _section(page, "history")
    steps = re.findall(r"<td>([^<]*)</td><td>[^<]*</td></tr>", history)
    assert steps == ["创建申请", "提交", "受理", "准予登记/备案"]
    usernames = list(User.objects.values_list("username", flat=True))
    # The test patents carry their fixture key in the title (…正极材料（granted）).
    assert code_words(page, allow=[*usernames, "granted"]) == []


def test_catalogue_in_english_names_services_and_materials(client: Any, db: Any) -> None:
    with english(client):
        text = visible_text(client.get("/filings/").content.decode())
        found = visible_text(client.get("/filings/", {"q": "pledge"}).content.decode())
    assert "Patent pledge registration (new)" in text and "Free of charge" in text
    assert "Patent pledge contract (or the security clause of the main contract)" in text
    assert "专利权质押登记" not in text
    assert "Trademark pledge registration (new)" in found
    chinese = visible_text(client.get("/filings/", {"q": "质押"}).content.decode())
    assert "专利权质押登记（设立）" in chinese and "Patent pledge" not in chinese


def test_detail_in_english_names_parties_steps_and_materials(
    cast: dict[str, Any], patents: dict[str, str], client: Any
) -> None:
    filing = file_pledge(cast["enterprise"], patents["granted"])
    client.force_login(cast["wuhan_clerk"])
    with english(client):
        text = visible_text(client.get(f"/filings/{filing.pk}/").content.decode())
    assert "Pledgor" in text and "Pledgee" in text
    assert "Application created" in text
    assert "Patent pledge registration form (signed or sealed by pledgor and pledgee)" in text
    assert "出质人" not in text and "创建申请" not in text
