"""The index follows the database on every write, and the search selector,
export and saved-search alerts read through it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from iphub.patents import selectors, services
from iphub.patents.exports import write_export
from iphub.patents.indexing import get_index, reindex_all
from iphub.patents.models import Patent, SearchAlert
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def corpus(regions: None, tmp_path: Path) -> list[Patent]:
    rows = [
        row(1),
        row(
            2,
            名称="一种新能源汽车电池包热管理系统",
            申请人="宜昌测试汽车有限公司",
            申请人地址="湖北省宜昌市西陵区东山大道1号",
            主分类号="B60L58/26",
            分类号="B60L58/26",
            申请日="2019-06-01",
        ),
        row(
            3,
            名称="一种光纤预制棒的制备方法",
            申请人="武汉测试光纤股份有限公司",
            摘要="本发明涉及光纤制造领域。",
            主分类号="C03B37/018",
            分类号="C03B37/018",
            申请日="2020-01-10",
        ),
    ]
    import_file(actor=None, path=write_csv(tmp_path / "c.csv", rows))
    return list(Patent.objects.order_by("pk"))


def test_search_reads_the_index_with_facets(corpus: list[Patent]) -> None:
    result = selectors.patent_search("电池")
    assert result.total == 2
    cities = {fv.value: fv.count for fv in result.facets["city"]}
    assert cities == {"420100": 1, "420500": 1}
    labels = {fv.label for fv in result.facets["city"]}
    assert {"武汉市", "宜昌市"} <= labels
    wuhan = selectors.patent_search("电池 AND RG=420100")
    assert [r["patent"].pk for r in wuhan.rows] == [corpus[0].pk]


def test_scored_ids_rank_like_the_search_page(corpus: list[Patent]) -> None:
    page = selectors.patent_search("电池 OR 光纤")
    scored = selectors.patent_scores("电池 OR 光纤", limit=10)
    assert [pk for pk, _ in scored] == [r["patent"].pk for r in page.rows]
    assert [round(s, 4) for _, s in scored] == [round(r["score"], 4) for r in page.rows]
    assert selectors.patent_scores("电池 OR 光纤", limit=1) == scored[:1]


def test_an_or_of_words_scores_each_patent_as_the_sum_of_its_words(corpus: list[Patent]) -> None:
    # The OR is compiled as one flat list of per-field word queries (for top-k
    # pruning); a patent must still score what its words score one by one, in
    # every field they occur in, title weighted above abstract.
    either = dict(selectors.patent_scores("电池 OR 制备", limit=10))
    battery = dict(selectors.patent_scores("电池", limit=10))
    making = dict(selectors.patent_scores("制备", limit=10))
    assert set(either) == set(battery) | set(making)
    assert len(either) == 3
    for pk, score in either.items():
        assert score == pytest.approx(battery.get(pk, 0.0) + making.get(pk, 0.0), rel=1e-5)
    # All three have a word in the title; the two battery patents say 电池 in the
    # abstract as well, which the title-only OR does not count.
    in_title = dict(selectors.patent_scores("TI=电池 OR TI=制备", limit=10))
    assert set(in_title) == set(either)
    assert len(battery) == 2
    assert all(in_title[pk] < either[pk] for pk in battery)


def test_ids_in_id_order_are_the_same_set_as_best_first(corpus: list[Patent]) -> None:
    # Navigation asks for the matching set in id order (no scoring); it must be
    # exactly the set the ranked search returns.
    best_first = selectors.patent_ids_matching("电池 OR 光纤")
    by_id = selectors.patent_ids_matching("电池 OR 光纤", order="id")
    assert len(best_first) == 3
    assert by_id == sorted(best_first)
    assert selectors.patent_ids_matching("电池 OR 光纤", order="id", limit=2) == by_id[:2]
    assert selectors.patent_ids_matching("不存在的词", order="id") == []


def test_delete_and_update_reach_the_index(corpus: list[Patent], cast: dict[str, Any]) -> None:
    services.patent_delete(actor=cast["wuhan_clerk"], patent_id=corpus[2].pk)
    assert get_index().count("光纤") == 0
    services.legal_event_append(
        actor=cast["wuhan_clerk"],
        patent_id=corpus[0].pk,
        kind="pledged",
        date=None,
        detail="质押登记",
        status="质押",
    )
    assert get_index().count('STATUS="质押"') == 1


def test_reindex_rebuilds_from_the_database(corpus: list[Patent]) -> None:
    get_index().delete([p.pk for p in corpus])
    assert get_index().doc_count() == 0
    assert reindex_all() == 3
    assert get_index().count("光纤") == 1


def test_export_has_every_row_and_a_query_sheet(corpus: list[Patent]) -> None:
    buf = io.BytesIO()
    assert write_export(buf, query="电池", fmt="xlsx") == 2
    wb = load_workbook(io.BytesIO(buf.getvalue()), read_only=True)
    assert len(list(wb["专利"].iter_rows())) == 3  # header + 2
    meta = {r[0]: r[1] for r in wb["查询条件"].iter_rows(values_only=True)}
    assert meta["检索式"] == "电池" and meta["记录数"] == 2 and meta["导出时间"]
    buf = io.BytesIO()
    assert write_export(buf, query="", fmt="csv") == 3
    assert buf.getvalue().decode("utf-8-sig").count("\n") == 4


def test_saved_search_alerts_after_import(
    corpus: list[Patent], cast: dict[str, Any], tmp_path: Path
) -> None:
    saved = services.saved_search_create(
        user=cast["enterprise"], name="电池", query="TI=电池 AND RG=420100"
    )
    hit = row(10, 名称="一种固态电池电解质")
    miss = row(11, 名称="一种固态电池隔膜", 申请人地址="湖北省宜昌市西陵区东山大道2号")
    import_file(actor=None, path=write_csv(tmp_path / "new.csv", [hit, miss]))
    alert = SearchAlert.objects.get(saved_search=saved)
    assert alert.new_count == 1
    assert Patent.objects.get(pk=alert.patent_ids[0]).title == "一种固态电池电解质"


def test_saved_search_alert_counts_a_large_import_read_in_chunks(
    corpus: list[Patent], cast: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iphub.patents.services import searches

    monkeypatch.setattr(searches, "ALERT_CHUNK", 2)
    monkeypatch.setattr(searches, "ALERT_IDS", 3)
    saved = services.saved_search_create(user=cast["enterprise"], name="隔膜", query="TI=隔膜")
    rows = [row(20 + i, 名称=f"一种电池隔膜{i}") for i in range(5)] + [row(30, 名称="一种电机")]
    import_file(actor=None, path=write_csv(tmp_path / "new.csv", rows))
    alert = SearchAlert.objects.get(saved_search=saved)
    assert alert.new_count == 5
    new_ids = sorted(Patent.objects.filter(title__contains="隔膜").values_list("pk", flat=True))
    assert alert.patent_ids == new_ids[:3]


def test_a_weekly_file_alerts_on_the_records_it_changed_and_a_rerun_alerts_nobody(
    corpus: list[Patent], cast: dict[str, Any], tmp_path: Path
) -> None:
    lapsed = services.saved_search_create(
        user=cast["enterprise"], name="失效的电池", query='电池 AND STATUS="失效-未缴年费"'
    )
    battery = services.saved_search_create(user=cast["enterprise"], name="电池", query="电池")
    weekly = write_csv(
        tmp_path / "weekly.csv",
        [
            row(1, 法律状态="失效-未缴年费"),  # held, its status changed
            row(
                3,
                名称="一种光纤预制棒的制备方法",
                申请人="武汉测试光纤股份有限公司",
                摘要="本发明涉及光纤制造领域。",
            ),  # held; matches neither search
            row(40, 名称="一种钠离子电池负极"),  # new
        ],
    )
    import_file(actor=None, path=weekly)

    alert = SearchAlert.objects.get(saved_search=lapsed)
    assert (alert.new_count, alert.changed_count) == (0, 1)
    assert alert.patent_ids == [corpus[0].pk]
    alert = SearchAlert.objects.get(saved_search=battery)
    new = Patent.objects.get(title="一种钠离子电池负极")
    assert (alert.new_count, alert.changed_count) == (1, 1)
    assert alert.patent_ids == [new.pk, corpus[0].pk]  # the new ones first

    import_file(actor=None, path=weekly)  # the same file again changes nothing
    assert SearchAlert.objects.count() == 2


def test_the_owner_opens_an_alert_reads_its_records_and_it_is_read(
    corpus: list[Patent], cast: dict[str, Any], tmp_path: Path, client: Any
) -> None:
    services.saved_search_create(user=cast["enterprise"], name="电池", query="电池")
    weekly = write_csv(
        tmp_path / "weekly.csv",
        [row(1, 法律状态="失效-未缴年费"), row(40, 名称="一种钠离子电池负极")],
    )
    import_file(actor=None, path=weekly)
    alert = SearchAlert.objects.get()

    client.force_login(cast["enterprise"])
    listing = client.get("/patents/saved/").content.decode()
    assert f"/patents/saved/alerts/{alert.pk}/" in listing and "<strong>未读</strong>" in listing
    page = client.get(f"/patents/saved/alerts/{alert.pk}/").content.decode()
    assert "新增命中 1 件，变更命中 1 件" in page
    new_part = page[page.index('data-testid="alert-new"') : page.index("有变更的专利")]
    changed_part = page[page.index('data-testid="alert-changed"') :]
    assert "一种钠离子电池负极" in new_part and corpus[0].title not in new_part
    assert corpus[0].title in changed_part and "失效-未缴年费" in changed_part
    alert.refresh_from_db()
    assert alert.read
    assert "<strong>未读</strong>" not in client.get("/patents/saved/").content.decode()

    client.force_login(cast["wuhan_clerk"])  # someone else's alert is not found
    response = client.get(f"/patents/saved/alerts/{alert.pk}/", follow=True)
    assert "未找到该检索提醒" in response.content.decode()


def test_saved_search_rejects_a_malformed_query(cast: dict[str, Any]) -> None:
    from iphub.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as exc:
        services.saved_search_create(user=cast["enterprise"], name="x", query="(电池 AND")
    assert "检索式有误" in exc.value.message
