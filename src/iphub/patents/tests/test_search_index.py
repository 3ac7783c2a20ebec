"""PatentIndex behaviour on a small hand-built corpus (no database needed)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from iphub.patents.search import PatentIndex, QuerySyntaxError, highlight, query_tokens
from iphub.patents.search.index import SPECULATIVE_BUCKETS
from iphub.patents.search.schema import SHARDS

APPLICANTS = [
    ["武汉理工大学"],
    ["华为技术有限公司"],
    ["武汉大学", "华中科技大学"],
    ["宁德时代新能源科技股份有限公司"],
]
TITLES = [
    "一种锂离子电池正极材料及其制备方法",
    "一种信号的发送方法及基站、用户设备",
    "基于深度学习的图像识别方法",
    "一种钠离子电池负极材料",
    "一种光纤传感器<封装>结构",
]
IPCS = [["H01M10/0525", "H01M4/58"], ["H04W72/04"], ["G06V10/82", "G06N3/08"], ["H01M4/36"],
        ["G02B6/36"]]  # fmt: skip
CITIES = [("420100", ["420000", "420100", "420111"]), ("420500", ["420000", "420500"]),
          ("440300", ["440000", "440300"])]  # fmt: skip
TYPES = ["invention", "utility", "design", "pct_invention"]
STATUSES = ["有权-审定授权", "审中-实质审查", "失效-未缴年费"]


def make_doc(i: int) -> dict[str, Any]:
    title = TITLES[i % len(TITLES)]
    city, regions = CITIES[i % len(CITIES)]
    return {
        "id": i,
        "an": f"2017106018{i:02d}.3",
        "pn": [f"CN1071234{i:02d}A"],
        "title": title,
        "abstract": f"本发明涉及{title}，第{i}号样例。采用LiFePO4材料时效果更好。",
        "claims": "1. 一种装置，其特征在于，包括壳体。",
        "description": "武汉理工大学" if i % 4 == 0 else "",
        "applicants": APPLICANTS[i % len(APPLICANTS)],
        "inventors": ["张三", "李四"] if i % 2 else ["王五"],
        "ipc": IPCS[i % len(IPCS)],
        "app_date": date(2015 + i % 7, 1 + i % 12, 1 + i % 28),
        "pub_date": date(2016 + i % 7, 1, 1),
        "grant_date": None,
        "region_codes": regions,
        "city": city,
        "type": TYPES[i % len(TYPES)],
        "status": STATUSES[i % len(STATUSES)],
    }


CORPUS = [make_doc(i) for i in range(1, 41)]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PatentIndex:
    ix = PatentIndex(tmp_path_factory.mktemp("ix"))
    ix.rebuild(CORPUS, total=len(CORPUS), workers=1)
    return ix


def ids(ix: PatentIndex, q: str, **kw: Any) -> set[int]:
    return {h.id for h in ix.search(q, page_size=100, facets=False, **kw).hits}


def expect(pred: Any) -> set[int]:
    return {d["id"] for d in CORPUS if pred(d)}


def test_doc_count(index: PatentIndex) -> None:
    assert index.doc_count() == len(CORPUS)


def test_plain_word_finds_subword(index: PatentIndex) -> None:
    assert ids(index, "电池") == expect(lambda d: "电池" in d["title"])
    assert ids(index, "锂离子电池") == expect(lambda d: "锂离子电池" in d["title"])
    assert ids(index, "离子") == expect(lambda d: "离子" in d["title"])


def test_query_tokens_cover() -> None:
    assert query_tokens("锂离子电池") == ["锂离子", "电池"]
    assert query_tokens("理工大学") == ["理工", "大学"]
    assert query_tokens("LiFePO4，") == ["lifepo4"]


def test_subword_of_long_word_in_full_text(index: PatentIndex) -> None:
    assert ids(index, "TX=理工大学") == expect(lambda d: "理工大学" in d["description"])
    assert ids(index, "lifepo4") == expect(lambda d: True)


def test_field_scoping(index: PatentIndex) -> None:
    assert ids(index, "TI=样例") == set()
    assert ids(index, "AB=样例") == expect(lambda d: True)
    assert ids(index, "CL=壳体") == expect(lambda d: True)


def test_phrase(index: PatentIndex) -> None:
    assert ids(index, '"锂离子电池正极材料"') == expect(
        lambda d: "锂离子电池正极材料" in d["title"]
    )
    assert ids(index, '"正极材料锂离子"') == set()


def test_ipc_prefix(index: PatentIndex) -> None:
    assert ids(index, "IPC=H01M*") == expect(lambda d: any(c.startswith("H01M") for c in d["ipc"]))
    assert ids(index, "IPC=H01M10/05*") == expect(
        lambda d: any(c.startswith("H01M10/05") for c in d["ipc"])
    )
    assert ids(index, "IPC=H01M4") == expect(
        lambda d: any(c.startswith("H01M4/") for c in d["ipc"])
    )
    assert ids(index, "IPC=G06N3/08") == expect(lambda d: "G06N3/08" in d["ipc"])


def test_region_containment(index: PatentIndex) -> None:
    assert ids(index, "RG=420000") == expect(lambda d: d["city"].startswith("42"))
    assert ids(index, "地区=420100") == expect(lambda d: d["city"] == "420100")
    assert ids(index, "RG=420111") == expect(lambda d: "420111" in d["region_codes"])


def test_applicant_and_inventor(index: PatentIndex) -> None:
    assert ids(index, "PA=武汉*") == expect(
        lambda d: any(a.startswith("武汉") for a in d["applicants"])
    )
    assert ids(index, "PA=华为") == expect(lambda d: any("华为" in a for a in d["applicants"]))
    assert ids(index, 'PA="武汉大学"') == expect(lambda d: "武汉大学" in d["applicants"])
    assert ids(index, "IN=张三") == expect(lambda d: "张三" in d["inventors"])
    assert ids(index, "IN=王*") == expect(lambda d: "王五" in d["inventors"])


def test_numbers(index: PatentIndex) -> None:
    assert ids(index, "AN=CN201710601805.3") == {5}
    assert ids(index, "PN=CN107123405") == {5}  # without kind code
    assert ids(index, "PN=CN107123405A") == {5}


def test_type_status_and_dates(index: PatentIndex) -> None:
    assert ids(index, "TYPE=发明") == expect(lambda d: d["type"] in ("invention", "pct_invention"))
    assert ids(index, "STATUS=失效-未缴年费") == expect(lambda d: d["status"] == "失效-未缴年费")
    assert ids(index, "AD=[2018-01-01 TO 2019-12-31]") == expect(
        lambda d: date(2018, 1, 1) <= d["app_date"] <= date(2019, 12, 31)
    )
    assert ids(index, "AD=2020") == expect(lambda d: d["app_date"].year == 2020)
    assert ids(index, "PD=[2020 TO *]") == expect(lambda d: d["pub_date"].year >= 2020)


def test_boolean(index: PatentIndex) -> None:
    assert ids(index, "电池 NOT 钠离子") == expect(
        lambda d: "电池" in d["title"] and "钠离子" not in d["title"]
    )
    assert ids(index, "NOT 电池") == expect(lambda d: "电池" not in d["title"])
    assert ids(index, "图像 OR 光纤") == expect(
        lambda d: "图像" in d["title"] or "光纤" in d["title"]
    )
    assert index.count("电池 AND RG=420100") == len(
        expect(lambda d: "电池" in d["title"] and d["city"] == "420100")
    )


def test_facets_match_corpus(index: PatentIndex) -> None:
    res = index.search("电池 OR 方法")
    match = [d for d in CORPUS if "电池" in d["title"] or "方法" in d["title"]]
    assert res.total == len(match)
    assert dict(res.facets["type"]) == Counter(d["type"] for d in match)
    assert dict(res.facets["status"]) == Counter(d["status"] for d in match)
    assert dict(res.facets["year"]) == Counter(d["app_date"].year for d in match)
    assert [y for y, _ in res.facets["year"]] == sorted({d["app_date"].year for d in match})[::-1]
    assert dict(res.facets["city"]) == Counter(d["city"] for d in match)
    subs = Counter(s for d in match for s in {c[:4] for c in d["ipc"]})
    assert dict(res.facets["ipc_subclass"]) == subs
    apps = Counter(a for d in match for a in d["applicants"])
    assert dict(res.facets["applicant"]) == dict(apps.most_common(10))


def test_highlighting(index: PatentIndex) -> None:
    hit = index.search("TI=锂离子电池").hits[0]
    assert "<mark>锂离子电池</mark>" in hit.title_html
    assert "<mark>锂离子电池</mark>" in hit.abstract_html
    hit = index.search("光纤").hits[0]
    assert "&lt;封装&gt;" in hit.title_html and "<封装>" not in hit.title_html
    assert highlight("a<b>电池", ["电池"]) == "a&lt;b&gt;<mark>电池</mark>"
    assert highlight("x" * 50 + "电池" + "y" * 50, ["电池"], fragment=20).startswith("…")


def test_sort_by_date_and_pagination(index: PatentIndex) -> None:
    desc = index.search("TYPE=发明 OR TYPE=实用新型", sort="date_desc", page_size=100)
    dates = [next(d["app_date"] for d in CORPUS if d["id"] == h.id) for h in desc.hits]
    assert dates == sorted(dates, reverse=True)
    asc = index.search("TYPE=发明 OR TYPE=实用新型", sort="date_asc", page_size=100)
    assert [h.id for h in asc.hits] == [h.id for h in desc.hits][::-1] or dates[0] >= dates[-1]
    pages = [index.search("材料 OR 方法", page=p, page_size=3, sort="date_desc") for p in (1, 2, 3)]
    seen = [h.id for r in pages for h in r.hits]
    full = [h.id for h in index.search("材料 OR 方法", page_size=9, sort="date_desc").hits]
    assert seen == full
    assert index.search("材料", page=1000, page_size=20).hits == []


def test_relevance_prefers_title(index: PatentIndex) -> None:
    hits = index.search("理工").hits
    assert hits and all(h.score > 0 for h in hits)


def test_syntax_error_propagates(index: PatentIndex) -> None:
    with pytest.raises(QuerySyntaxError):
        index.search("(电池")


def test_upsert_replaces_and_delete_removes(tmp_path: Path) -> None:
    ix = PatentIndex(tmp_path / "ix")
    ix.upsert(CORPUS[:5])
    assert ix.doc_count() == 5
    changed = dict(CORPUS[0], title="一种石墨烯散热膜", abstract="石墨烯")
    ix.upsert([changed])
    assert ix.doc_count() == 5
    assert {h.id for h in ix.search("石墨烯").hits} == {CORPUS[0]["id"]}
    assert CORPUS[0]["id"] not in {h.id for h in ix.search(f"TI={TITLES[1]}").hits}
    ix.delete([CORPUS[0]["id"], 999])
    assert ix.doc_count() == 4
    assert ix.search("石墨烯").total == 0
    # A second handle (another process in production) sees the writes too.
    other = PatentIndex(tmp_path / "ix")
    assert other.doc_count() == 4


def test_a_commit_by_another_handle_is_found_by_the_next_search(tmp_path: Path) -> None:
    # Two handles on one directory stand for two processes of a node: the
    # follower commits in one, a search arrives at the other straight after.
    reader = PatentIndex(tmp_path / "ix")
    writer = PatentIndex(tmp_path / "ix")
    writer.upsert(CORPUS[:3])
    assert reader.search("电池").total == reader.count("电池") > 0
    writer.upsert([dict(CORPUS[5], id=500, title="一种跨进程可见的石墨烯散热膜")])
    assert {h.id for h in reader.search("石墨烯").hits} == {500}
    assert reader.doc_count() == 4


def test_rebuild_with_worker_pool_matches_serial(tmp_path: Path) -> None:
    ix = PatentIndex(tmp_path / "ix")
    seen: list[int] = []
    n = ix.rebuild(iter(CORPUS), total=len(CORPUS), progress=lambda d, t: seen.append(d),
                   workers=2, batch_size=8)  # fmt: skip
    assert n == len(CORPUS) and seen[-1] == len(CORPUS)
    assert ix.doc_count() == len(CORPUS)
    assert ix.count("电池") == len(expect(lambda d: "电池" in d["title"]))


def test_large_result_sets_get_sampled_facets_close_to_the_exact_counts(tmp_path: Path) -> None:
    # 4,000 records; above 500 matches this index counts facets on a hash sample.
    corpus = [make_doc(i) for i in range(1, 4001)]
    exact_ix = PatentIndex(tmp_path / "exact")
    exact_ix.rebuild(corpus, total=len(corpus), workers=1)
    sampled_ix = PatentIndex(tmp_path / "exact", facet_exact_limit=500)
    exact = exact_ix.search("电池 OR 方法")
    sampled = sampled_ix.search("电池 OR 方法")
    assert exact.facet_sample == 1.0
    assert 0 < sampled.facet_sample < 1.0
    assert sampled.total == exact.total  # the total is never estimated
    for name in ("type", "status", "city", "ipc_subclass"):
        want = dict(exact.facets[name])
        got = dict(sampled.facets[name])
        assert set(got) == set(want), name
        for key, n in want.items():
            assert abs(got[key] - n) <= 0.25 * n, (name, key, got[key], n)
    # A narrow query on the same index is still counted exactly.
    narrow = sampled_ix.search("AN=201710601801.3")
    assert narrow.facet_sample == 1.0 and dict(narrow.facets["type"]) == {corpus[0]["type"]: 1}


def test_an_index_of_an_older_schema_is_reported_not_misread(tmp_path: Path) -> None:
    import tantivy

    from iphub.patents.search.index import IndexSchemaChanged

    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    tantivy.Index(sb.build(), str(tmp_path), reuse=True)
    with pytest.raises(IndexSchemaChanged):
        PatentIndex(tmp_path)


def test_a_forked_worker_still_gets_facets_for_a_broad_query(tmp_path: Path) -> None:
    # gunicorn --preload forks workers from a process that may already have run
    # a search; the facet thread of the parent does not exist in the child, and
    # a broad query there must still answer instead of waiting for it forever.
    import os
    import select
    import signal
    import warnings

    corpus = [make_doc(i) for i in range(1, 2001)]
    ix = PatentIndex(tmp_path / "ix", facet_exact_limit=100)
    ix.rebuild(corpus, total=len(corpus), workers=1)
    before = ix.search("电池 OR 方法")
    # The speculative sample: the parent's pool has run, so the child inherits it.
    assert before.facet_sample == SPECULATIVE_BUCKETS / SHARDS
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork of a threaded process
        pid = os.fork()
    if pid == 0:  # the child: answer through the pipe, never return into pytest
        try:
            res = ix.search("电池 OR 方法")
            os.write(write_end, f"{res.total} {sum(n for _, n in res.facets['type'])}".encode())
        finally:
            os._exit(0)
    os.close(write_end)
    ready, _, _ = select.select([read_end], [], [], 60)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    answer = os.read(read_end, 100).decode() if ready else ""
    os.close(read_end)
    assert answer, "the forked worker did not answer within 60 s"
    total, typed = (int(x) for x in answer.split())
    assert total == before.total
    assert typed == sum(n for _, n in before.facets["type"])
