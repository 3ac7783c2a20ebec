"""High-value invention patents (每万人口高价值发明专利拥有量, DOMAIN.md).

An in-force invention patent is high-value when it meets any of five criteria.
Each is decided from what the platform holds:

* strategic emerging industry — any of its IPC codes falls under a prefix of
  ``data/strategic_ipc.json`` (a curated subset of CNIPA's concordance table);
* maintained more than 10 years — in force and filed more than 10 years ago;
* pledge financing — a registered pledge in its legal events (the indicator asks
  for a "relatively high" amount; the threshold is *unverified* and the records
  hold no amounts, so any registered pledge counts, and staff may add one);
* granted foreign family members, national S&T award / China Patent Award — the
  records cannot show these, so they come from staff lists (``HighValueEvidence``).

The rules are SQL over the DuckDB tables of :mod:`iphub.navigation.frames`, so
the analysis of a million records and the criteria shown on one patent come
from the same code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import duckdb

from iphub.core.calendar import add_years
from iphub.navigation.models import HighValueCriterion

DATA_DIR = Path(__file__).resolve().parent / "data"
INVENTION_TYPES = ("invention", "pct_invention")
# Legal-status words that end a patent's life, whatever the source's spelling.
_DEAD_WORDS = "失效|无效|终止|届满|撤回|驳回|放弃|视为"
INVENTION_TERM_YEARS = 20
MAINTAINED_YEARS = 10


@lru_cache(maxsize=1)
def strategic_prefixes() -> dict[str, str]:
    """IPC prefix -> strategic emerging industry domain."""
    data = json.loads((DATA_DIR / "strategic_ipc.json").read_text("utf-8"))
    return {str(k).replace(" ", ""): str(v) for k, v in data["prefixes"].items()}


def in_force_sql(today: dt.date) -> str:
    """SQL (over table ``p``) for "this patent is in force on ``today``".

    Granted (a grant date, or a status saying 有权/有效/授权), no status word
    that ends it, and within the 20-year invention term.
    """
    term_start = add_years(today, -INVENTION_TERM_YEARS)
    return (
        "((p.grant_date IS NOT NULL OR regexp_matches(p.legal_status, '有权|有效|授权'))"
        f" AND NOT regexp_matches(p.legal_status, '{_DEAD_WORDS}')"
        f" AND (p.app_date IS NULL OR p.app_date > DATE '{term_start.isoformat()}'))"
    )


def classify(con: duckdb.DuckDBPyConnection, *, today: dt.date) -> None:
    """Create table ``hv(patent_id, criterion, domain)``: one row per criterion met.

    Needs tables ``p``, ``codes``, ``evidence`` and ``pledged``.
    """
    prefixes = strategic_prefixes()
    con.execute("CREATE OR REPLACE TABLE sei (prefix VARCHAR, domain VARCHAR)")
    con.executemany("INSERT INTO sei VALUES (?, ?)", [[k, v] for k, v in prefixes.items()])
    cutoff = add_years(today, -MAINTAINED_YEARS)
    types = ", ".join(f"'{t}'" for t in INVENTION_TYPES)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE eligible AS
        SELECT p.id, p.app_date FROM p
        WHERE p.patent_type IN ({types}) AND {in_force_sql(today)}
        """
    )
    # Prefixes are a class (B61), a subclass (H01M) or a main group (G06Q50): the
    # code's three forms join on equality, so the match is a hash join, not a scan.
    con.execute(
        f"""
        CREATE OR REPLACE TABLE hv AS
        WITH forms AS (
            SELECT c.patent_id, f AS prefix FROM codes c JOIN eligible e ON e.id = c.patent_id,
                 unnest([left(c.code, 3), left(c.code, 4), split_part(c.code, '/', 1)]) AS t(f)
        ),
        strategic AS (
            SELECT patent_id, arg_max(domain, length(prefix)) AS domain
            FROM forms JOIN sei USING (prefix) GROUP BY patent_id
        )
        SELECT patent_id, '{HighValueCriterion.STRATEGIC.value}' AS criterion, domain
        FROM strategic
        UNION ALL
        SELECT id, '{HighValueCriterion.LONG_MAINTAINED.value}', NULL FROM eligible
        WHERE app_date IS NOT NULL AND app_date < DATE '{cutoff.isoformat()}'
        UNION ALL
        SELECT DISTINCT e.id, '{HighValueCriterion.PLEDGE.value}', NULL FROM eligible e
        WHERE e.id IN (SELECT patent_id FROM pledged)
           OR e.id IN (SELECT patent_id FROM evidence WHERE criterion = 'pledge')
        UNION ALL
        SELECT DISTINCT e.id, ev.criterion, NULL FROM eligible e
        JOIN evidence ev ON ev.patent_id = e.id
        WHERE ev.criterion IN ('{HighValueCriterion.FOREIGN_FAMILY.value}',
                               '{HighValueCriterion.AWARD.value}')
        """
    )


def criteria_of(ids: Sequence[int], *, today: dt.date | None = None) -> dict[int, list[str]]:
    """For each of ``ids`` the criteria it meets (patents meeting none are absent)."""
    from iphub.navigation.frames import load_evidence, load_patents

    today = today or dt.date.today()
    con = duckdb.connect()
    try:
        load_patents(con, ids)
        load_evidence(con, ids)
        classify(con, today=today)
        out: dict[int, list[str]] = {}
        order = list(HighValueCriterion.values)
        for pid, crit in con.execute("SELECT patent_id, criterion FROM hv").fetchall():
            out.setdefault(int(pid), []).append(str(crit))
        for crits in out.values():
            crits.sort(key=order.index)
        return out
    finally:
        con.close()
