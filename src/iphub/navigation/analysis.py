"""The landscape analysis of GB/T 39551-2020 over a chain or any saved search.

The search index picks the patents (ids); their narrow columns come into an
in-memory DuckDB from the navigation snapshot when it is current, else from the
database (:mod:`frames`, :mod:`snapshot`); every table of the report is then one
columnar SQL query. The result is a plain JSON document stored on the
``Analysis`` row, which the page, the workbook and the PDF all render.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import duckdb

from iphub.navigation import frames, highvalue, snapshot
from iphub.navigation.geo import hubei_map_names, province_names
from iphub.navigation.models import ChainStage, HighValueCriterion, IndustryChain
from iphub.patents.ipc import ipc_title
from iphub.patents.models import Patent, PatentType
from iphub.patents.selectors import patent_ids_matching

HUBEI = "420000"
# Publication lag: applications of the last 18 months are not all published yet.
INCOMPLETE_MONTHS = 18
TOP_APPLICANTS = 20
TOP_CODES = 15
TOP_PAIRS = 40
KEY_PATENTS = 20

Progress = Callable[[int, str], None]


@dataclass
class Selection:
    """The patents an analysis covers, and how its segments split them."""

    title: str
    query: str
    ids: list[int]
    segments: list[tuple[str, str, list[int]]] = field(default_factory=list)


def chain_selection(chain: IndustryChain) -> Selection:
    """The chain's patents; each segment is the part of them its own query matches."""
    # "Inside the chain" is the conjunction of the two queries, evaluated by the
    # index itself: an id filter built from the chain's hits would be a term set
    # of hundreds of thousands of ids at 1M records, rebuilt for every segment.
    # The index searches release the GIL, so the chain and its segments run on
    # threads side by side (1.3 s -> 0.8-1.0 s for 400k ids and 3 segments at 1M).
    parts = list(chain.segments.all())
    queries = [chain.query] + [f"({chain.query}) AND ({s.query})" for s in parts]
    with ThreadPoolExecutor(max_workers=min(4, len(queries))) as pool:
        found = list(pool.map(lambda q: patent_ids_matching(q, order="id"), queries))
    ids = found[0]
    segments = [(s.stage, s.name, seg_ids) for s, seg_ids in zip(parts, found[1:], strict=True)]
    return Selection(title=chain.name, query=chain.query, ids=ids, segments=segments)


def query_selection(query: str, *, title: str = "") -> Selection:
    return Selection(title=title or query, query=query, ids=patent_ids_matching(query, order="id"))


def incomplete_from(today: dt.date) -> dt.date:
    """The first filing date whose applications may not all be published yet."""
    month = today.month - INCOMPLETE_MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return dt.date(year, month, 1)


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return list(con.execute(sql).fetchall())


def _trend(con: duckdb.DuckDBPyConnection, today: dt.date) -> dict[str, Any]:
    rows = _rows(
        con,
        """
        WITH a AS (SELECT year(app_date) AS y, count(*) AS n FROM p
                   WHERE app_date IS NOT NULL GROUP BY 1),
             g AS (SELECT year(grant_date) AS y, count(*) AS n FROM p
                   WHERE grant_date IS NOT NULL GROUP BY 1),
             h AS (SELECT year(app_date) AS y, count(*) AS n FROM p
                   WHERE app_date IS NOT NULL AND province_code = '420000' GROUP BY 1)
        SELECT y, coalesce(a.n, 0), coalesce(g.n, 0), coalesce(h.n, 0)
        FROM a FULL JOIN g USING (y) FULL JOIN h USING (y) ORDER BY y
        """,
    )
    cut = incomplete_from(today)
    by_year = {int(y): (int(a), int(g), int(h)) for y, a, g, h in rows}
    # Every year between the first and the last, so a quiet year shows as zero
    # on the chart's axis instead of disappearing.
    span = range(min(by_year), max(by_year) + 1) if by_year else range(0)
    years = []
    for y in span:
        a, g, h = by_year.get(y, (0, 0, 0))
        years.append(
            {
                "year": y,
                "applications": a,
                "grants": g,
                "hubei": h,
                "rest": a - h,
                "incomplete": y >= cut.year,
            }
        )
    undated = _rows(con, "SELECT count(*) FROM p WHERE app_date IS NULL")[0][0]
    return {
        "years": years,
        "incomplete_from": cut.isoformat(),
        "undated": int(undated),
        "note": (
            f"{cut:%Y年%m月}以后申请的专利因公开滞后（发明约18个月，PCT进入国家阶段约30个月）"
            "尚未全部公开，该时段数据不完整。"
        ),
    }


def _regions(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    names = hubei_map_names()
    counts = dict(
        _rows(
            con,
            "SELECT city_code, count(*) FROM p WHERE province_code = '420000' GROUP BY 1",
        )
    )
    cities: list[dict[str, Any]] = [
        {"code": code, "name": name, "count": int(counts.get(code, 0))}
        for code, name in names.items()
    ]
    cities.sort(key=lambda c: (-int(c["count"]), str(c["code"])))
    unknown_city = sum(int(n) for code, n in counts.items() if code not in names)
    pnames = province_names()
    provinces = [
        {"code": code, "name": pnames.get(code, code), "count": int(n)}
        for code, n in _rows(
            con,
            "SELECT province_code, count(*) FROM p WHERE province_code <> '' "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
        )
    ]
    unresolved = _rows(con, "SELECT count(*) FROM p WHERE province_code = ''")[0][0]
    return {
        "cities": cities,
        "hubei_without_city": unknown_city,
        "provinces": provinces,
        "unresolved": int(unresolved),
    }


def _applicants(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    top = _rows(
        con,
        f"""
        WITH top AS (
            SELECT pa.kid, count(*) AS n, count(*) FILTER (WHERE p.province_code = '420000') AS h
            FROM party_keys pa JOIN p ON p.id = pa.patent_id
            GROUP BY pa.kid ORDER BY n DESC, pa.kid LIMIT {TOP_APPLICANTS}
        )
        SELECT top.kid, d.key, top.n, top.h FROM top JOIN party_dict d USING (kid)
        ORDER BY top.n DESC, d.key
        """,
    )
    key_of = {int(kid): str(key) for kid, key, *_ in top}
    by_year: dict[str, dict[str, int]] = {key: {} for key in key_of.values()}
    names: dict[int, str] = {}
    if key_of:
        _kid_table(con, "topkids", key_of)
        names = _common_names(con, "parties", "party_keys", "topkids")
        for kid, y, n in _rows(
            con,
            """
            SELECT pa.kid, year(p.app_date), count(DISTINCT p.id) FROM parties pa
            JOIN topkids USING (kid) JOIN p ON p.id = pa.patent_id
            WHERE p.app_date IS NOT NULL GROUP BY 1, 2
            """,
        ):
            by_year[key_of[int(kid)]][str(int(y))] = int(n)
    return [
        {
            "key": key,
            "name": names[int(kid)],
            "count": int(n),
            "hubei": int(h),
            "by_year": by_year[key],
        }
        for kid, key, n, h in top
    ]


def _kid_table(con: duckdb.DuckDBPyConnection, name: str, kids: Iterable[int]) -> None:
    """A temporary one-column table of integer keys, for the queries to join."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (kid INTEGER)")
    con.executemany(f"INSERT INTO {name} VALUES (?)", [[k] for k in kids])


def _common_names(
    con: duckdb.DuckDBPyConnection, table: str, keys_table: str, kids: str
) -> dict[int, str]:
    """Each numbered key's most frequent spelling in ``table`` (rows of the selected
    patents only), the first in sort order on a tie (``mode`` picks any tied one,
    which could differ from run to run).

    ``table`` may be a view of the whole corpus (the snapshot's ``inventors``):
    the rows are restricted to the selection through ``keys_table``, which holds
    the selected patents' (patent, key) pairs, and only the few keys of ``kids``
    are read, an integer filter instead of a scan of name strings.
    """
    return {
        int(kid): str(name)
        for kid, name in _rows(
            con,
            f"""
            SELECT kid, first(name ORDER BY n DESC, name) FROM (
                SELECT kid, name, count(*) AS n FROM {table}
                WHERE kid IN (SELECT kid FROM {kids})
                  AND patent_id IN (SELECT patent_id FROM {keys_table}
                                    WHERE kid IN (SELECT kid FROM {kids}))
                GROUP BY 1, 2
            ) GROUP BY 1
            """,
        )
    }


def _technology(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    # ``subs`` and ``groups`` hold each (patent, code) once (frames.derive), so the
    # counts below are plain counts.
    def top(table: str, col: str) -> list[dict[str, Any]]:
        rows = _rows(
            con,
            f"SELECT {col} AS c, count(*) AS n FROM {table} "
            f"GROUP BY 1 ORDER BY n DESC, c LIMIT {TOP_CODES}",
        )
        return [{"code": c, "title": ipc_title(c) or "", "count": int(n)} for c, n in rows]

    without = _rows(
        con, "SELECT count(*) FROM p WHERE NOT EXISTS (SELECT 1 FROM codes WHERE patent_id = p.id)"
    )
    return {
        "subclasses": top("subs", "sub"),
        "main_groups": top("groups", "grp"),
        "without_ipc": int(without[0][0]),
    }


def _segments(con: duckdb.DuckDBPyConnection, total_hubei_share: float) -> list[dict[str, Any]]:
    rows = _rows(
        con,
        """
        SELECT s.stage, s.segment, count(*) AS n,
               count(*) FILTER (WHERE p.province_code = '420000') AS h
        FROM seg s JOIN p ON p.id = s.patent_id GROUP BY 1, 2
        """,
    )
    subs: dict[tuple[str, str], list[str]] = {}
    for stage, segment, code, _n in _rows(
        con,
        """
        SELECT stage, segment, sub, n FROM (
            SELECT s.stage, s.segment, c.sub, count(*) AS n,
                   row_number() OVER (PARTITION BY s.stage, s.segment
                                      ORDER BY count(*) DESC, c.sub) AS r
            FROM seg s JOIN subs c ON c.patent_id = s.patent_id GROUP BY 1, 2, 3
        ) WHERE r <= 3 ORDER BY stage, segment, r
        """,
    ):
        subs.setdefault((stage, segment), []).append(code)
    order = list(ChainStage.values)
    labels = dict(ChainStage.choices)
    out = []
    for stage, segment, n, h in rows:
        share = round(100 * h / n, 1) if n else 0.0
        out.append(
            {
                "stage": stage,
                "stage_label": str(labels.get(stage, stage)),
                "segment": segment,
                "count": int(n),
                "hubei": int(h),
                "hubei_share": share,
                # A segment where Hubei's share trails its share of the whole chain is a gap.
                "gap": share < total_hubei_share,
                "top_subclasses": subs.get((stage, segment), []),
            }
        )
    out.sort(key=lambda s: (order.index(s["stage"]) if s["stage"] in order else 9, s["segment"]))
    return out


def _types_and_status(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    labels = dict(PatentType.choices)
    types = [
        {"type": t, "label": str(labels.get(t, "未知")) if t else "未知", "count": int(n)}
        for t, n in _rows(con, "SELECT patent_type, count(*) FROM p GROUP BY 1 ORDER BY 2 DESC, 1")
    ]
    groups = _rows(
        con,
        f"""
        SELECT CASE WHEN legal_status = '' THEN '未知'
                    WHEN regexp_matches(legal_status, '{highvalue._DEAD_WORDS}') THEN '失效'
                    WHEN regexp_matches(legal_status, '审') AND NOT
                         regexp_matches(legal_status, '有权|授权') THEN '审中'
                    WHEN regexp_matches(legal_status, '有权|有效|授权') THEN '有效'
                    ELSE '其他' END AS g, count(*) FROM p GROUP BY 1 ORDER BY 2 DESC, 1
        """,
    )
    raw = _rows(
        con,
        "SELECT legal_status, count(*) FROM p WHERE legal_status <> '' "
        "GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12",
    )
    return {
        "types": types,
        "status_groups": [{"status": g, "count": int(n)} for g, n in groups],
        "statuses": [{"status": s, "count": int(n)} for s, n in raw],
    }


def _network(con: duckdb.DuckDBPyConnection, table: str = "parties") -> dict[str, Any]:
    """The strongest collaboration pairs among the rows of ``table`` (``parties``:
    co-applicants; ``inventors``: co-inventors), with their nodes."""

    # ``party_keys``/``inventor_keys`` hold each (patent, key) once (frames.derive),
    # so a pair's patents are a plain count (a key can occur twice in one patent
    # under two spellings); each key's patent count is taken once, and the pairs,
    # the node sizes and the joint count all read these two tables. "请求不公布姓名"
    # is an inventor who asked not to be named, not a person: no node, no pair.
    name = frames.KEYED_TABLES[table]
    keys_table, dict_table = f"{name}_keys", f"{name}_dict"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE net_c AS SELECT kid, count(*) AS n FROM {keys_table} "
        f"WHERE kid NOT IN (SELECT kid FROM {dict_table} WHERE unnamed) GROUP BY 1"
    )

    # A pair on two or more patents needs both keys on two or more, so those keys
    # are paired first (exact, and ~40% faster at 400k patents, where most
    # inventors appear once); single-patent pairs are only needed when that finds
    # fewer than TOP_PAIRS pairs. Integer keys are numbered in key order, so
    # ``a.kid < b.kid`` and the ORDER BY are those of the keys themselves.
    def top_pairs(min_patents: int) -> list[tuple[Any, ...]]:
        return _rows(
            con,
            f"""
            WITH k AS (SELECT d.patent_id, d.kid FROM {keys_table} d JOIN net_c c USING (kid)
                       WHERE c.n >= {min_patents})
            SELECT a.kid, b.kid, count(*) AS n
            FROM k a JOIN k b ON a.patent_id = b.patent_id AND a.kid < b.kid
            GROUP BY 1, 2 ORDER BY n DESC, 1, 2 LIMIT {TOP_PAIRS}
            """,
        )

    kid_pairs = top_pairs(2)
    if len(kid_pairs) < TOP_PAIRS:
        kid_pairs = top_pairs(1)
    kids = sorted({k for a, b, _ in kid_pairs for k in (a, b)})
    key_of: dict[int, str] = {}
    names: dict[str, tuple[str, int]] = {}
    if kids:
        _kid_table(con, "netkids", kids)
        spelling = _common_names(con, table, keys_table, "netkids")
        for kid, key, n in _rows(
            con,
            f"SELECT kid, d.key, c.n FROM netkids JOIN {dict_table} d USING (kid) "
            "JOIN net_c c USING (kid)",
        ):
            key_of[int(kid)] = str(key)
            names[str(key)] = (spelling[int(kid)], int(n))
    keys = sorted(names)
    pairs = [(key_of[a], key_of[b], n) for a, b, n in kid_pairs]
    joint = _rows(
        con,
        f"SELECT count(*) FROM (SELECT patent_id FROM {keys_table} GROUP BY 1 HAVING count(*) > 1)",
    )[0][0]
    return {
        "joint_patents": int(joint),
        "nodes": [{"key": k, "name": names[k][0], "count": names[k][1]} for k in keys],
        "pairs": [{"a": names[a][0], "b": names[b][0], "count": int(n)} for a, b, n in pairs],
    }


def _high_value(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    labels = dict(HighValueCriterion.choices)
    by_criterion = dict(
        _rows(con, "SELECT criterion, count(DISTINCT patent_id) FROM hv GROUP BY 1")
    )
    total = _rows(con, "SELECT count(DISTINCT patent_id) FROM hv")[0][0]
    eligible = _rows(con, "SELECT count(*) FROM eligible")[0][0]
    names = hubei_map_names()
    city_counts = dict(
        _rows(
            con,
            "SELECT p.city_code, count(DISTINCT hv.patent_id) FROM hv "
            "JOIN p ON p.id = hv.patent_id WHERE p.province_code = '420000' GROUP BY 1",
        )
    )
    domains = _rows(
        con,
        "SELECT domain, count(*) FROM hv WHERE domain IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1",
    )
    return {
        "total": int(total),
        "in_force_inventions": int(eligible),
        "by_criterion": [
            {"criterion": c, "label": str(labels[c]), "count": int(by_criterion.get(c, 0))}
            for c in HighValueCriterion.values
        ],
        "by_city": [
            {"code": code, "name": name, "count": int(city_counts.get(code, 0))}
            for code, name in names.items()
        ],
        "by_domain": [{"domain": d, "count": int(n)} for d, n in domains],
    }


def _key_patents(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """High-value patents meeting the most criteria, then the most cited.

    被引次数 comes from patents' one definition (``forward_citation_counts``:
    distinct corpus records citing the patent), the same figure the value grade
    uses, loaded for the high-value candidates only.
    """
    from iphub.patents.intelligence.citations import forward_citation_counts

    candidates = [r[0] for r in _rows(con, "SELECT DISTINCT patent_id FROM hv")]
    cited = forward_citation_counts(candidates)
    con.execute("CREATE OR REPLACE TABLE fwd (id BIGINT, n INTEGER)")
    if cited:
        con.executemany("INSERT INTO fwd VALUES (?, ?)", [[k, v] for k, v in cited.items()])
    rows = _rows(
        con,
        f"""
        SELECT p.id, list(DISTINCT hv.criterion ORDER BY hv.criterion) AS crits,
               coalesce(any_value(fwd.n), 0) AS cites
        FROM hv JOIN p ON p.id = hv.patent_id LEFT JOIN fwd ON fwd.id = p.id
        GROUP BY p.id, p.app_date
        ORDER BY len(crits) DESC, cites DESC, p.app_date, p.id LIMIT {KEY_PATENTS}
        """,
    )
    info = Patent.objects.in_bulk([r[0] for r in rows])
    labels = dict(HighValueCriterion.choices)
    order = list(HighValueCriterion.values)
    out = []
    for pid, crits, cites in rows:
        pat = info.get(pid)
        if pat is None:
            continue
        out.append(
            {
                "id": pid,
                "number": pat.application_number or pat.publication_number,
                "title": pat.title,
                "applicants": "；".join(pat.applicants[:3]),
                "app_date": pat.app_date.isoformat() if pat.app_date else "",
                "criteria": [str(labels[c]) for c in order if c in crits],
                "citations": int(cites),
            }
        )
    return out


def _grade_mix(query: str) -> list[dict[str, Any]]:
    """The chain's value-grade mix (patents' grades, issue 20): band, records, share."""
    from iphub.patents.intelligence.selectors import grade_mix_of_query

    return [{"band": b, "count": n, "pct": pct} for b, n, pct in grade_mix_of_query(query)]


def _position(con: duckdb.DuckDBPyConnection, trend: dict[str, Any]) -> dict[str, Any]:
    total, hubei = _rows(
        con, "SELECT count(*), count(*) FILTER (WHERE province_code = '420000') FROM p"
    )[0]
    complete = [y for y in trend["years"] if not y["incomplete"]]

    def growth(key: str) -> float | None:
        if len(complete) < 2 or not complete[-2][key]:
            return None
        return round(100 * (complete[-1][key] / complete[-2][key] - 1), 1)

    return {
        "total": int(total),
        "hubei": int(hubei),
        "rest": int(total) - int(hubei),
        "hubei_share": round(100 * hubei / total, 1) if total else 0.0,
        "growth_year": complete[-1]["year"] if complete else None,
        "hubei_growth": growth("hubei"),
        "rest_growth": growth("rest"),
    }


def landscape(
    selection: Selection, *, today: dt.date | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Compute every table of the report for ``selection``; returns the JSON document."""
    today = today or dt.date.today()
    report = progress or (lambda _pct, _msg: None)
    timings: dict[str, float] = {}
    started = last = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal last
        now = time.perf_counter()
        timings[name] = round(now - last, 3)
        last = now

    con = duckdb.connect()
    # Every query below orders its own output; not keeping row order lets DuckDB
    # copy and aggregate in parallel.
    con.execute("SET preserve_insertion_order = false")
    try:
        report(20, "载入专利数据")
        source = "snapshot" if snapshot.load_selected(con, selection.ids) else "database"
        if source == "database":
            frames.load_patents(con, selection.ids)
        lap("load")
        frames.load_evidence(con, selection.ids)
        frames.load_segments(con, selection.segments)
        lap("evidence_segments")
        report(50, "统计趋势、地区与申请人")
        trend = _trend(con, today)
        regions = _regions(con)
        applicants = _applicants(con)
        lap("trend_regions_applicants")
        report(70, "技术构成与合作网络")
        technology = _technology(con)
        position = _position(con, trend)
        segments = _segments(con, position["hubei_share"])
        types = _types_and_status(con)
        network = _network(con)
        inventor_network = _network(con, "inventors")
        lap("technology_network")
        report(85, "高价值专利")
        highvalue.classify(con, today=today)
        high_value = _high_value(con)
        key_patents = _key_patents(con)
        lap("high_value")
        grades = _grade_mix(selection.query)
        lap("grade_mix")
    finally:
        con.close()
    timings["total"] = round(time.perf_counter() - started, 3)
    if source == "database":
        # The snapshot was missing or older than the last write: rebuild it for
        # the next analysis.
        snapshot.snapshot_refresh_request()
    return {
        "title": selection.title,
        "query": selection.query,
        "generated_on": today.isoformat(),
        "total": position["total"],
        "trend": trend,
        "regions": regions,
        "applicants": applicants,
        "technology": technology,
        "segments": segments,
        "types": types,
        "network": network,
        "inventor_network": inventor_network,
        "high_value": high_value,
        "key_patents": key_patents,
        "grade_mix": grades,
        "position": position,
        "timings": timings,
        # Where the rows came from: "snapshot" (current copy) or "database".
        "source": source,
    }
