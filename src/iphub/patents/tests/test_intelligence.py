"""Citations both ways, simple families, the stored value grade on the record page,
in search (facet, sort, GRADE=) and after legal events; the weights table (issue 20)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from iphub.patents.intelligence.grading import grade_weight_rows
from iphub.patents.models import LegalEventKind, Patent, PatentGrade
from iphub.patents.services import import_file, legal_event_append
from iphub.patents.tests.conftest import HEADERS, app_no, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)
COLUMNS = [*HEADERS, "引证专利", "同族专利"]


def pub(serial: int) -> str:
    return f"CN11100{serial:04d}A"


def rec(serial: int, **over: str) -> dict[str, str]:
    base = row(serial, 公开号=pub(serial), 引证专利="", 同族专利="")
    base["名称"] = f"一种储能电池模组{serial}"
    base.update(over)
    return base


def load(tmp_path: Path, name: str, rows: list[dict[str, str]]) -> None:
    import_file(actor=None, path=write_csv(tmp_path / name, rows, COLUMNS))


def points(key: str) -> int:
    """A row of the weights table as staff read it (stored, or the default)."""
    return next(w.points for w in grade_weight_rows() if w.key == key)


def by_serial(serial: int) -> Patent:
    return Patent.objects.get(application_number=app_no(2021, 1, serial))


@pytest.fixture
def corpus(regions: None, tmp_path: Path) -> None:
    family = f"{pub(4)};{pub(5)};US10000001B2"
    load(
        tmp_path,
        "a.csv",
        [
            rec(1),
            rec(2, 引证专利=f"{pub(1)};US9999999B2"),
            rec(3, 引证专利=pub(1)),
            rec(4, 同族专利=family),
            rec(5, 同族专利=family),
        ],
    )


def test_record_shows_citations_both_ways_with_links_and_counts(corpus: None, client: Any) -> None:
    cited, citing = by_serial(1), by_serial(2)
    page = client.get(f"/patents/{cited.pk}/").content.decode()
    assert 'data-testid="cited-by-total">2<' in page
    for other in (by_serial(2), by_serial(3)):
        assert f'href="/patents/{other.pk}/" data-testid="citing-link"' in page
    page = client.get(f"/patents/{citing.pk}/").content.decode()
    assert f'href="/patents/{cited.pk}/"' in page
    assert "另有 1 篇不在本平台" in page and "US9999999" in page


def test_a_later_record_links_citations_waiting_for_it_and_regrades(
    regions: None, tmp_path: Path, client: Any
) -> None:
    load(tmp_path, "first.csv", [rec(7, 引证专利=pub(8)), rec(9, 引证专利=pub(8))])
    load(tmp_path, "second.csv", [rec(8)])
    target = by_serial(8)
    grade = PatentGrade.objects.get(patent=target)
    assert grade.forward_citations == 2
    assert grade.factors["forward"][2] == "被引 2 次"
    page = client.get(f"/patents/{by_serial(7).pk}/").content.decode()
    assert f'href="/patents/{target.pk}/"' in page


def test_citations_raise_the_stored_grade(corpus: None) -> None:
    cited = PatentGrade.objects.get(patent=by_serial(1))
    plain = PatentGrade.objects.get(patent=by_serial(3))
    assert cited.forward_citations == 2 and plain.forward_citations == 0
    assert cited.score > plain.score


def test_record_page_explains_its_grade(corpus: None, client: Any) -> None:
    p = by_serial(1)
    g = PatentGrade.objects.get(patent=p)
    page = client.get(f"/patents/{p.pk}/").content.decode()
    assert f"为什么是 {g.band}" in page
    rows = re.findall(r'<tr data-factor="(\w+)">', page)
    assert set(rows) == set(g.factors) and "forward" in rows and "status" in rows
    assert 'data-testid="grade-unused"' in page and "同族规模" in page  # no family column here
    assert "参考指标，不是估值" in page


def test_record_shows_its_family_and_search_collapses_it(corpus: None, client: Any) -> None:
    four, five = by_serial(4), by_serial(5)
    page = client.get(f"/patents/{four.pk}/").content.decode()
    assert f'href="/patents/{five.pk}/"' in page and "US10000001" in page
    assert 'data-testid="family-size">3 件，海外 1 件' in page
    flat = client.get("/patents/", {"q": "TI=储能电池模组"}).content.decode()
    assert flat.count('data-testid="hit"') == 5
    folded = client.get("/patents/", {"q": "TI=储能电池模组", "family": "1"}).content.decode()
    assert folded.count('data-testid="hit"') == 4
    assert "同族 2 件" in folded and "已合并同族 1 件" in folded
    # The toggle survives a facet link.
    assert "family=1" in re.search(r'<aside class="facets">(.*?)</aside>', folded, re.S)[1]  # type: ignore[index]


def test_family_size_feeds_the_grade(corpus: None) -> None:
    g = PatentGrade.objects.get(patent=by_serial(4))
    assert g.factors["family"][2] == "同族 3 件，海外 1 件" and g.factors["family"][0] > 0


def test_grade_facet_query_and_sort(corpus: None, client: Any) -> None:
    from iphub.patents.selectors import patent_search

    result = patent_search("TI=储能电池模组", sort="grade_desc")
    scores = [r["patent"].grade.score for r in result.rows]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    bands = {fv.value: fv.count for fv in result.facets["grade"]}
    assert sum(bands.values()) == 5
    band = next(iter(bands))
    assert patent_search(f"TI=储能电池模组 AND GRADE={band.lower()}").total == bands[band]
    page = client.get("/patents/", {"q": "TI=储能电池模组"}).content.decode()
    assert "价值等级" in page and 'data-testid="grade-badge"' in page
    assert "GRADE%3D" in page or "GRADE=" in page


def test_a_licence_raises_the_grade_and_the_index_follows(corpus: None) -> None:
    from iphub.patents.selectors import patent_search

    p = by_serial(3)
    before = PatentGrade.objects.get(patent=p)
    legal_event_append(
        actor=None, patent_id=p.pk, kind=LegalEventKind.LICENSED, date=None, detail="许可备案"
    )
    after = PatentGrade.objects.get(patent=p)
    assert after.score > before.score and "许可" in after.factors["deals"][2]
    top = patent_search(f"TI=储能电池模组 AND GRADE={after.band}", sort="grade_desc").rows
    assert p.pk in [r["patent"].pk for r in top]


def test_a_lapse_lowers_the_grade(corpus: None) -> None:
    p = by_serial(1)
    before = PatentGrade.objects.get(patent=p)
    legal_event_append(
        actor=None,
        patent_id=p.pk,
        kind=LegalEventKind.LAPSED,
        date=None,
        status="失效-未缴年费",
    )
    after = PatentGrade.objects.get(patent=p)
    assert after.score < before.score and after.band == "D"


def test_weights_page_shows_everyone_and_only_province_supervisors_edit(
    corpus: None, client: Any, cast: dict[str, Any]
) -> None:
    page = client.get("/patents/grade/method/").content.decode()
    assert "被引次数" in page and "国家高价值发明专利标准" in page and 'name="forward"' not in page
    client.force_login(cast["yichang_supervisor"])
    client.post("/patents/grade/method/", {"forward": "50"})
    assert points("forward") == 12
    client.force_login(cast["supervisor"])
    bad = client.post("/patents/grade/method/", {"forward": "很多"}).content.decode()
    assert "应为 0 到 100 的整数" in bad and points("forward") == 12
    unordered = client.post("/patents/grade/method/", {"band_b": "80"}).content.decode()
    assert "依次降低" in unordered and points("band_b") == 50
    p = by_serial(1)
    assert "forward" in PatentGrade.objects.get(patent=p).factors
    response = client.post("/patents/grade/method/", {"forward": "0"})
    assert response.status_code == 302
    assert points("forward") == 0
    # Regraded with the new weights: the factor is no longer used.
    assert "forward" not in PatentGrade.objects.get(patent=p).factors
