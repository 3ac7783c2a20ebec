"""Trademark search as a visitor uses it: Chinese words in the name and owner,
the registration number, the Nice class, the type; the index follows imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from iphub.brands import search_index, selectors
from iphub.brands.search_index import TrademarkQuery
from iphub.brands.tests.conftest import MARKS, import_marks
from iphub.core.outbox import outbox_drain_all
from iphub.patents.models import Trademark

pytestmark = pytest.mark.django_db(transaction=True)


def names(query: TrademarkQuery) -> list[str]:
    return [m.name for m in selectors.trademark_search(query).marks]


def test_finds_by_chinese_words_of_the_name(marks: None) -> None:
    assert names(TrademarkQuery(name="龙虾")) == ["潜江龙虾"]
    assert names(TrademarkQuery(name="潜江龙虾")) == ["潜江龙虾"]
    # Both words must occur; the exact name ranks first.
    assert names(TrademarkQuery(name="楚天")) == ["楚天", "楚天光电"]
    assert names(TrademarkQuery(name="楚天光电")) == ["楚天光电"]
    assert names(TrademarkQuery(name="葡萄")) == []
    assert names(TrademarkQuery(name="，。！")) == []


def test_finds_by_number_class_owner_and_type(marks: None) -> None:
    assert names(TrademarkQuery(number="30012348")) == ["秭归脐橙"]
    assert names(TrademarkQuery(number=" g1234567 ")) == ["光谷之星"]
    assert names(TrademarkQuery(number="3001234")) == []
    assert set(names(TrademarkQuery(nice_class=31))) == {"潜江龙虾", "秭归脐橙"}
    assert set(names(TrademarkQuery(nice_class=9))) == {"楚天光电", "楚天", "光谷之星"}
    assert names(TrademarkQuery(nice_class=9, name="光电")) == ["楚天光电"]
    assert names(TrademarkQuery(owner="协会", nice_class=30)) == ["恩施玉露"]
    assert set(names(TrademarkQuery(mark_type="gi"))) == {"潜江龙虾", "秭归脐橙", "恩施玉露"}
    assert names(TrademarkQuery(mark_type="collective")) == ["光谷之星"]
    assert set(names(TrademarkQuery(city="420100"))) == {"楚天光电", "楚天"}


def test_the_index_follows_imports_and_updates(marks: None, tmp_path: Path) -> None:
    assert selectors.trademark_search(TrademarkQuery(name="脐橙")).total == 1
    # A re-import renames a mark: the old word no longer finds it, the new one does.
    changed = [list(MARKS[3])]
    changed[0][1] = "屈乡脐橙"
    import_marks(
        tmp_path,
        [
            *changed,
            [
                "30099999",
                "蕲艾",
                "5",
                "蕲春县艾产业协会",
                "地理标志证明商标",
                "注册",
                "2011-04-07",
                "湖北省黄冈市蕲春县",
            ],
        ],
        name="second.csv",
    )
    assert names(TrademarkQuery(name="屈乡")) == ["屈乡脐橙"]
    assert names(TrademarkQuery(name="蕲艾")) == ["蕲艾"]
    assert selectors.trademark_search(TrademarkQuery(nice_class=31)).total == 2
    status = search_index.index_status()
    assert status["indexed"] == status["records"] == Trademark.objects.count() == 7


def test_a_missing_index_is_rebuilt_from_the_database(marks: None) -> None:
    import shutil

    shutil.rmtree(search_index.index_dir())
    assert names(TrademarkQuery(name="玉露")) == ["恩施玉露"]
    # ...and keeps following the outbox afterwards.
    Trademark.objects.filter(name="恩施玉露").delete()
    outbox_drain_all()  # nothing recorded: a deletion outside the importer is not seen
    assert search_index.index_status()["indexed"] == 6


def test_search_page_lists_marks_and_pages(marks: None, client: Any) -> None:
    page = client.get("/brands/", {"name": "龙虾"}).content.decode()
    assert "潜江龙虾" in page and "30012345" in page and "共 1 件" in page
    page = client.get("/brands/", {"nice_class": "9"}).content.decode()
    assert "楚天光电" in page and "光谷之星" in page and "30012345" not in page
    assert client.get("/brands/", {"nice_class": "46"}).status_code == 200
