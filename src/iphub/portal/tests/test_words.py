"""Portal pages in words (issue 16): organisation tags by name, each language
named in itself, and the checker that the site crawl uses."""

from __future__ import annotations

import re
from typing import Any

from iphub.core import services
from iphub.core.models import Organisation, User
from iphub.portal.tests.codewords import code_words, english, visible_text


def test_organisation_list_names_tags_in_chinese(
    cast: dict[str, User], orgs: dict[str, Organisation], client: Any
) -> None:
    services.organisation_update(
        actor=cast["wuhan_clerk"],
        organisation_id=orgs["wuhan_hongshan"].pk,
        data={"tags": ["zhuanjingtexin", "high_tech", "bqw_1000"]},
    )
    client.force_login(cast["wuhan_clerk"])
    page = client.get("/organisations/").content.decode()
    text = visible_text(page)
    assert "专精特新、高新技术企业、百千万计划·千" in text
    assert "zhuanjingtexin" not in text and "high_tech" not in text
    assert code_words(page, allow=[u.username for u in cast.values()]) == []
    with english(client):
        text = visible_text(client.get("/organisations/").content.decode())
    assert "high_tech" not in text and "Specialised" in text


def test_language_switch_names_each_language_in_itself(client: Any, db: Any) -> None:
    for _lang in ("zh-hans", "en"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE=_lang).content.decode()
        select = re.search(r'<select name="language".*?</select>', page, re.S)
        assert select is not None
        options = re.findall(r"<option[^>]*>([^<]+)</option>", select.group(0))
        assert options == ["简体中文", "English"]
        assert "英语" not in page


def test_checker_finds_codes_and_reprs_but_not_words() -> None:
    html = (
        "<p>操作 filing_approve，对象 finance.fund_create，变更 {'stage': 'new'}，"
        "状态 pending，标签 zhuanjingtexin</p><code>app_date</code>"
        "<p>文件 patents_2024.xlsx，联系 demo_user@example.com，账号 wuhan_clerk</p>"
    )
    tokens = [f.token for f in code_words(html)]
    assert tokens == [
        "{'stage':",
        "finance.fund_create",
        "filing_approve",
        "pending",
        "zhuanjingtexin",
    ]
    assert [f.token for f in code_words(html, lang="en")] == [
        "{'stage':",
        "finance.fund_create",
        "filing_approve",
    ]
    assert code_words("<p>专利权质押登记 · 已受理待审核 · 138****5678</p>") == []
