"""The search page as people use it: numbered pages, page sizes, sort orders, the
way back from a record, result lines, numbers pasted into the box, export names."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from iphub.patents.indexing import index_patents
from iphub.patents.models import Patent
from iphub.patents.services import import_file
from iphub.patents.tests.conftest import HEADERS, row, write_csv

pytestmark = pytest.mark.django_db(transaction=True)

COLUMNS = [*HEADERS, "公开日", "授权公告日", "授权公告号", "专利类型"]
N = 25


def _day(serial: int, spread: int, after: date = date(2015, 1, 1)) -> date:
    # Dates in an order unrelated to the serial (and to each other), some shared.
    return after + timedelta(days=(serial * spread) % 37 * 20)


@pytest.fixture
def corpus(regions: None, tmp_path: Path) -> None:
    """N battery records: every third without a publication date, every other
    without a grant; one record with every number, one with nothing but its
    publication number."""
    rows = []
    for i in range(1, N + 1):
        filed = _day(i, 7)
        published = _day(i, 13, after=filed + timedelta(days=540))
        rows.append(
            row(
                i,
                申请日=filed.isoformat(),
                公开日="" if i % 3 == 0 else published.isoformat(),
                授权公告日="" if i % 2 == 0 else _day(i, 29, after=published).isoformat(),
                授权公告号="",
                专利类型="发明",
            )
        )
    rows.append(
        row(
            900,
            申请号="202110123456.7",
            名称="一种锂电池极片辊压装置",
            公开号="CN114081026A",
            授权公告号="CN114081026B",
            申请日="2021-02-01",
            公开日="2022-03-01",
            授权公告日="2023-04-01",
            专利类型="发明",
        )
    )
    rows.append(
        {
            "申请号": "",
            "名称": "一种仅有公开号的记录",
            "摘要": "",
            "申请人": "",
            "发明人": "",
            "申请日": "",
            "公开号": "CN114081027",
            "主分类号": "",
            "分类号": "",
            "申请人地址": "",
            "法律状态": "",
            "公开日": "",
            "授权公告日": "",
            "授权公告号": "",
            "专利类型": "",
        }
    )
    report = import_file(actor=None, path=write_csv(tmp_path / "c.csv", rows, COLUMNS))
    assert Patent.objects.count() == N + 2, report.report


def hit_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'id="hit-(\d+)"', html)]


def page_html(client: Any, **params: Any) -> str:
    response = client.get("/patents/", params)
    assert response.status_code == 200
    return response.content.decode()


# -- pages -------------------------------------------------------------------------
def test_page_number_is_clamped(corpus: None, client: Any) -> None:
    q = "TI=正极材料"  # the N generated records
    last = page_html(client, q=q, page_size=10, page=99)
    assert "第 3 / 3 页" in last and len(hit_ids(last)) == N - 20
    assert 'start="21"' in last
    for junk in ("abc", "-4", "0", ""):
        first = page_html(client, q=q, page_size=10, page=junk)
        assert "第 1 / 3 页" in first and len(hit_ids(first)) == 10, junk
    api = client.get("/api/v1/patents/search", {"q": q, "page": 99, "page_size": 10}).json()
    assert (api["page"], api["num_pages"], len(api["hits"])) == (3, 3, N - 20)


def test_numbered_pager_and_jump_box(corpus: None, client: Any) -> None:
    html = page_html(client, q="TI=正极材料", page_size=10, page=2, sort="app_date_asc")
    assert 'data-testid="page-current">2<' in html
    links = re.findall(r'href="([^"]+)" data-testid="page-link"', html)
    assert len(links) == 2  # pages 1 and 3
    assert all("sort=app_date_asc" in u and "page_size=10" in u for u in links)
    jump = html[html.index('data-testid="page-jump"') :]
    assert 'name="page_size" value="10"' in jump and 'name="page" min="1" value="2"' in jump
    assert 'name="q" value="TI=正极材料"' in jump


def test_page_size_choice(corpus: None, client: Any) -> None:
    assert len(hit_ids(page_html(client, q="TI=正极材料", page_size=10))) == 10
    whole = page_html(client, q="TI=正极材料", page_size=50)
    assert len(hit_ids(whole)) == N and 'data-testid="pager"' not in whole
    # A size the page does not offer is the default 20.
    assert len(hit_ids(page_html(client, q="TI=正极材料", page_size=7))) == 20
    api = client.get("/api/v1/patents/search", {"q": "TI=正极材料", "page_size": 7}).json()
    assert len(api["hits"]) == 7 and api["num_pages"] == 4
    too_big = client.get("/api/v1/patents/search", {"q": "TI=正极材料", "page_size": 500})
    assert too_big.status_code == 400 and "page_size" in too_big.json()["fields"]


# -- sort orders -------------------------------------------------------------------
DATE_SORTS = [
    ("app_date_desc", "app_date", True),
    ("app_date_asc", "app_date", False),
    ("pub_date_desc", "pub_date", True),
    ("pub_date_asc", "pub_date", False),
    ("grant_date_desc", "grant_date", True),
    ("grant_date_asc", "grant_date", False),
]


def expected_dates(field: str, descending: bool, **among: Any) -> list[date | None]:
    """The dates of the records (all, or those filtered by ``among``), sorted here:
    missing dates last either way."""
    values = list(Patent.objects.filter(**among).values_list(field, flat=True))
    present = sorted((v for v in values if v is not None), reverse=descending)
    return present + [None] * (len(values) - len(present))


@pytest.mark.parametrize(("sort", "field", "descending"), DATE_SORTS)
def test_each_sort_order_on_the_page_and_in_the_api(
    corpus: None, client: Any, sort: str, field: str, descending: bool
) -> None:
    q = "电池 OR 记录"  # every record
    wanted = expected_dates(field, descending)
    api = client.get("/api/v1/patents/search", {"q": q, "sort": sort, "page_size": 100}).json()
    assert api["sort"] == sort
    got = [h["patent"][field] for h in api["hits"]]
    assert got == [d.isoformat() if d else None for d in wanted]
    # The page, read across its numbered pages, gives the same order.
    ids = [
        i
        for p in (1, 2, 3)
        for i in hit_ids(page_html(client, q=q, sort=sort, page_size=10, page=p))
    ]
    by_id = dict(Patent.objects.values_list("pk", field))
    assert [by_id[i] for i in ids] == wanted


def test_relevance_and_the_old_sort_names(corpus: None, client: Any) -> None:
    api = client.get("/api/v1/patents/search", {"q": "锂电池 OR 正极", "page_size": 100}).json()
    scores = [h["score"] for h in api["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    old = client.get("/api/v1/patents/search", {"q": "电池", "sort": "date_asc"}).json()
    assert old["sort"] == "app_date_asc"
    bad = client.get("/api/v1/patents/search", {"q": "电池", "sort": "newest"})
    assert bad.status_code == 400 and "sort" in bad.json()["fields"]


def test_result_line_shows_the_date_it_is_sorted_by(corpus: None, client: Any) -> None:
    html = page_html(client, q="PN=CN114081026", sort="grant_date_desc")
    assert "授权日 2023-04-01" in html and "申请日 2021-02-01" in html


# -- back to the results -------------------------------------------------------------
def test_detail_links_back_to_the_exact_search(corpus: None, client: Any) -> None:
    params = {"q": "TI=正极材料", "sort": "pub_date_desc", "page_size": 10, "page": 2}
    html = page_html(client, **params)
    first_id = hit_ids(html)[0]
    href = re.search(rf'href="(/patents/{first_id}/\?back=[^"]+)"', html)
    assert href is not None
    detail = client.get(href.group(1).replace("&amp;", "&")).content.decode()
    back = re.search(r'href="([^"]+)" data-testid="back-to-results"', detail)
    assert back is not None
    url = back.group(1).replace("&amp;", "&")
    assert url.startswith("/patents/?") and url.endswith(f"#hit-{first_id}")
    for part in ("sort=pub_date_desc", "page_size=10", "page=2"):
        assert part in url
    again = client.get(url.split("#")[0]).content.decode()
    assert hit_ids(again) == hit_ids(html)
    # Records reached from the detail page keep the way back too.
    assert detail.count("?back=") >= 1


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/?q=x",
        "//evil.example/patents/",
        "q=x&next=https://evil.example",
        "javascript:alert(1)",
    ],
)
def test_back_link_cannot_leave_the_site(corpus: None, client: Any, back: str) -> None:
    p = Patent.objects.first()
    assert p is not None
    html = client.get(f"/patents/{p.pk}/", {"back": back}).content.decode()
    # (The language switch keeps the whole current URL in a hidden field; that is
    # the portal's, read back by Django's own safe-URL check.)
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert not [h for h in hrefs if "evil.example" in h or h.startswith(("javascript:", "//"))]
    link = re.search(r'href="([^"]+)" data-testid="back-to-results"', html)
    assert link is None or link.group(1).startswith("/patents/?q=")


def test_detail_without_a_search_has_no_back_link(corpus: None, client: Any) -> None:
    p = Patent.objects.first()
    assert p is not None
    assert 'data-testid="back-to-results"' not in client.get(f"/patents/{p.pk}/").content.decode()


# -- result lines --------------------------------------------------------------------
def meta_line(html: str) -> str:
    found = re.search(r'data-testid="hit-meta">(.*?)</p>', html, re.S)
    assert found is not None
    return re.sub(r"<[^>]+>", "", found.group(1))


def test_result_line_shows_what_is_known_and_nothing_else(corpus: None, client: Any) -> None:
    bare = page_html(client, q="TI=仅有公开号")
    # The type follows from the number's type digit; no date, applicant or class.
    assert meta_line(bare) == "CN114081027 · 发明"
    assert "· ·" not in bare and "· </p>" not in bare
    # A record known by its title alone gets no line at all.
    nothing = Patent.objects.create(natural_key="src:untitled-1", title="一种无编号的记录")
    index_patents([nothing.pk])
    alone = page_html(client, q="TI=无编号")
    assert hit_ids(alone) == [nothing.pk] and 'data-testid="hit-meta"' not in alone
    full = meta_line(page_html(client, q="AN=202110123456.7"))
    assert full.split(" · ") == [
        "202110123456.7",
        "发明",
        "申请日 2021-02-01",
        "武汉测试电池有限公司",
        "H01M4/505",
    ]


# -- numbers pasted into the box -----------------------------------------------------
SPELLINGS = [
    "CN114081026A",
    "CN 114081026 A",
    "cn114081026a",
    "114081026",
    "CN114081026",
    "CN114081026B",
    "202110123456.7",
    "2021101234567",
    "CN202110123456.7",
    "ZL202110123456.7",
    "ZL 202110123456.7",
    "CN 202110123456.7",
    "202110123456",
    "２０２１１０１２３４５６．７",
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_each_spelling_of_a_number_finds_its_record(
    corpus: None, client: Any, spelling: str
) -> None:
    record = Patent.objects.get(application_number="202110123456.7")
    html = page_html(client, q=spelling)
    assert "共 1 条" in html and hit_ids(html) == [record.pk]
    api = client.get("/api/v1/patents/search", {"q": spelling}).json()
    assert [h["patent"]["id"] for h in api["hits"]] == [record.pk]


def test_a_kind_code_finds_a_record_stored_without_one(corpus: None, client: Any) -> None:
    record = Patent.objects.get(publication_number="CN114081027")
    assert hit_ids(page_html(client, q="CN114081027A")) == [record.pk]


# -- exports -------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_is_named_after_the_search_and_the_day(corpus: None, client: Any, fmt: str) -> None:
    response = client.get(f"/patents/export.{fmt}", {"q": "锂电池"})
    stamp = timezone.localdate().strftime("%Y%m%d")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(f'专利检索_锂电池_{stamp}.{fmt}')}" in disposition
    assert f'filename="patents_{stamp}.{fmt}"' in disposition
    assert disposition.isascii()
    body = b"".join(response.streaming_content)
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(body), read_only=True)["专利"].iter_rows())
        assert len(rows) == 2  # the header and the one 锂电池 record
    else:
        assert "锂电池极片" in body.decode("utf-8-sig")


def test_export_follows_the_sort_of_the_page(corpus: None, client: Any) -> None:
    html = page_html(client, q="TI=正极材料", sort="grant_date_asc")
    link = re.search(r'data-testid="export-csv" href="([^"]+)"', html)
    assert link is not None and "sort=grant_date_asc" in link.group(1)
    body = b"".join(client.get(link.group(1).replace("&amp;", "&")).streaming_content)
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    column = lines[0].index("授权公告日")
    got = [line[column] or None for line in lines[1:]]
    dates = expected_dates("grant_date", False, title__contains="正极材料")
    wanted = [d.isoformat() if d else None for d in dates]
    assert got == wanted


def test_export_of_everything_and_of_an_ascii_query(corpus: None, client: Any) -> None:
    stamp = timezone.localdate().strftime("%Y%m%d")
    everything = client.get("/patents/export.csv")["Content-Disposition"]
    assert quote(f"专利检索_全部_{stamp}.csv") in everything
    ascii_query = client.get("/patents/export.csv", {"q": "IPC=H01M*"})["Content-Disposition"]
    assert f'filename="patents_IPC=H01M_{stamp}.csv"' in ascii_query


def test_api_export_file_is_named_after_the_search(
    corpus: None, cast: dict[str, Any], client: Any
) -> None:
    client.force_login(cast["enterprise"])
    job = client.post(
        "/api/v1/patents/exports", {"q": "锂电池", "fmt": "xlsx"}, content_type="application/json"
    ).json()
    file = client.get(job["download_url"])
    stamp = timezone.localdate().strftime("%Y%m%d")
    assert quote(f"专利检索_锂电池_{stamp}.xlsx") in file["Content-Disposition"]
