"""Result-set export to Excel and CSV, streamed: rows are read from the database
in chunks and written one at a time, so 100k+ rows need no more memory than
one chunk. The workbook carries a 查询条件 sheet with the query and the time."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import IO, Any

from iphub.core.exports import write_csv, write_xlsx
from iphub.patents.models import Patent, PatentType

COLUMNS = [
    ("application_number", "申请号"),
    ("title", "名称"),
    ("patent_type", "专利类型"),
    ("applicants", "申请人/专利权人"),
    ("inventors", "发明人"),
    ("app_date", "申请日"),
    ("publication_number", "公开号"),
    ("pub_date", "公开日"),
    ("grant_date", "授权公告日"),
    ("ipc_main", "主分类号"),
    ("ipc_codes", "分类号"),
    ("address", "申请人地址"),
    ("city_code", "地市代码"),
    ("legal_status", "法律状态"),
    ("abstract", "摘要"),
]
CHUNK = 2000
_TYPE_LABELS = {c.value: str(c.label) for c in PatentType}
# Characters Windows, macOS or a browser refuse or misread in a file name; the
# query's own punctuation (= * " ...) becomes a separator instead.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f“”（）()\[\]]+')
_SEPARATORS = re.compile(r"[\s_]+")
# Enough of a query to recognise the file by; longer ones are cut.
NAME_CHARS = 40


def export_filename(query: str, fmt: str, *, on: date) -> tuple[str, str]:
    """The file name of an export of ``query`` made ``on`` a day, and an ASCII fallback.

    ``专利检索_锂电池_20261205.xlsx``: people keep several exports side by side,
    and ``patents.xlsx`` said nothing of what is inside. The fallback, for clients
    that do not read RFC 5987 ``filename*``, keeps the query only if it is ASCII.
    """
    words = _SEPARATORS.sub("_", _UNSAFE.sub(" ", query)).strip("_. ")[:NAME_CHARS].strip("_. ")
    stamp = on.strftime("%Y%m%d")
    name = f"专利检索_{words or '全部'}_{stamp}.{fmt}"
    ascii_words = words if words.isascii() else ""
    fallback = f"patents_{ascii_words}_{stamp}.{fmt}" if ascii_words else f"patents_{stamp}.{fmt}"
    return name, fallback


def _cell(p: Patent, name: str) -> Any:
    value = getattr(p, name)
    if name in ("applicants", "inventors", "ipc_codes"):
        return "; ".join(value or [])
    if name == "patent_type":
        return _TYPE_LABELS.get(value, value)
    if name == "publication_number" and value:
        return value + p.publication_kind
    if value is None:
        return ""
    return value


def export_rows(
    query: str, *, sort: str = "relevance", limit: int | None = None
) -> Iterator[list[Any]]:
    """Rows of the result set of ``query`` (every record when empty), in the order
    the search page showed them (``sort``: relevance or a date order); at most
    ``limit`` rows when given."""
    fields = [name for name, _ in COLUMNS] + ["publication_kind"]
    if not query:
        last, left = 0, limit
        while left is None or left > 0:
            size = CHUNK if left is None else min(CHUNK, left)
            batch = list(Patent.objects.filter(pk__gt=last).order_by("pk").only(*fields)[:size])
            if not batch:
                return
            for p in batch:
                yield [_cell(p, n) for n, _ in COLUMNS]
            last = batch[-1].pk
            if left is not None:
                left -= len(batch)
        return
    from iphub.patents.selectors import patent_ids_matching

    ids = patent_ids_matching(query, order=sort)
    if limit is not None:
        ids = ids[:limit]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = Patent.objects.only(*fields).in_bulk(chunk)
        for i in chunk:
            if i in found:
                yield [_cell(found[i], n) for n, _ in COLUMNS]


def capped_rows(rows: Iterator[list[Any]], *, limit: int, note: str) -> Iterator[list[Any]]:
    """``rows`` up to ``limit``; if there were more, one last row saying so (``note``),
    so the file itself tells its reader it is not the whole result set."""
    for i, r in enumerate(rows):
        if i == limit:
            yield [note]
            return
        yield r


def export_size(query: str) -> int:
    """How many rows an export of ``query`` would hold (every record when empty)."""
    if not query:
        return Patent.objects.count()
    from iphub.patents.selectors import patent_ids_matching

    return len(patent_ids_matching(query))


PROGRESS_EVERY = 2_000


def _counted(rows: Iterator[list[Any]], progress: Callable[[int], None]) -> Iterator[list[Any]]:
    for n, row in enumerate(rows, 1):
        yield row
        if n % PROGRESS_EVERY == 0:
            progress(n)


def write_export(
    target: IO[bytes], *, query: str, fmt: str, progress: Callable[[int], None] | None = None
) -> int:
    """Write the result set of ``query`` as ``xlsx`` or ``csv``; returns the row count.
    ``progress`` is told the rows written so far every ``PROGRESS_EVERY`` rows."""
    headers = [label for _, label in COLUMNS]
    rows = export_rows(query)
    if progress is not None:
        rows = _counted(rows, progress)
    if fmt == "xlsx":
        return write_xlsx(target, "专利", headers, rows, query={"检索式": query or "（全部记录）"})
    return write_csv(target, headers, rows)
