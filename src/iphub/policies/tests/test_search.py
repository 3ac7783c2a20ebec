"""Policy search runs on the same engine as patent search (tantivy + jieba): it
finds by Chinese words in the title or text and by 文号 (whole, or the office's
prefix), and follows saves (an edited policy is found by its new words)."""

from __future__ import annotations

from typing import Any

import pytest

from iphub.policies import selectors, services
from iphub.policies.tests.conftest import add_policy

pytestmark = pytest.mark.django_db


def _titles(q: str) -> list[str]:
    return [p.title for p in selectors.policy_list(q=q).policies]


@pytest.fixture
def library(cast: dict[str, Any]) -> dict[str, Any]:
    actor = cast["supervisor"]
    return {
        "pledge": add_policy(actor),
        "plan": add_policy(
            actor,
            title="全省知识产权系统贯彻落实《持续深化一流营商环境建设若干措施》实施方案",
            document_number="鄂知发〔2022〕3号",
            issued_on="2022-01-20",
            summary="推进知识产权业务一网通办。",
            full_text="质押登记一个工作日办结，建设知识产权公共服务网络。",
        ),
        "wuhan": add_policy(
            cast["wuhan_clerk"],
            title="武汉市知识产权资助和奖励办法",
            level="local",
            issuing_body="武汉市市场监督管理局",
            document_number="武市监规〔2022〕4号",
            region="420100",
            summary="对发明专利授权给予资助。",
            full_text="对本市企业获得发明专利授权的，给予资助。",
        ),
    }


def test_finds_by_chinese_words(library: dict[str, Any]) -> None:
    assert _titles("营商环境") == [library["plan"].title]
    assert _titles("质押融资") == [library["pledge"].title]  # title words
    assert set(_titles("一网通办")) == {library["plan"].title}  # summary words
    assert _titles("发明专利 资助") == [library["wuhan"].title]  # every word must match
    assert _titles("区块链") == []
    # The words found are marked in the title.
    assert (
        "<mark>营商环境</mark>"
        in selectors.policy_list(q="营商环境").title_html[library["plan"].pk]
    )


def test_finds_by_document_number(library: dict[str, Any]) -> None:
    assert _titles("鄂知发〔2022〕3号") == [library["plan"].title]
    assert _titles("鄂知发[2022]3号") == [library["plan"].title]  # brackets as typed
    assert set(_titles("鄂知发〔2021〕")) == {library["pledge"].title}
    assert _titles("武市监规〔2022〕4号")[0] == library["wuhan"].title


def test_an_edit_is_searchable_at_once(cast: dict[str, Any], library: dict[str, Any]) -> None:
    p = library["wuhan"]
    services.policy_update(
        actor=cast["wuhan_clerk"],
        policy_id=p.pk,
        data={
            "title": "武汉市知识产权资助和奖励办法",
            "level": "local",
            "issuing_body": "武汉市市场监督管理局",
            "document_number": "武市监规〔2022〕4号",
            "issued_on": "2022-05-18",
            "region": "420100",
            "summary": "对地理标志保护给予奖励。",
            "full_text": "",
        },
    )
    assert _titles("地理标志") == [p.title]
    assert _titles("发明专利 资助") == []


def test_search_page_and_api(client: Any, library: dict[str, Any]) -> None:
    page = client.get("/policies/", {"q": "营商环境"}).content.decode()
    assert "找到 1 件" in page and "鄂知发〔2022〕3号" in page
    body = client.get("/api/v1/policies", {"q": "鄂知发〔2022〕3号"}).json()
    assert [p["document_number"] for p in body] == ["鄂知发〔2022〕3号"]
