"""MySQL dump reader (Navicat / mysqldump ``INSERT INTO ... VALUES (...)`` statements).

Column names come from the ``INSERT`` column list when present, else from the preceding
``CREATE TABLE``. Handles extended inserts (``VALUES (...),(...)``), MySQL string escapes
(``\\'``, ``\\\\``, ``\\n``, ``''``), ``NULL`` and comments. Streams statement by statement, so
memory is bounded by the largest single statement, not the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .readers import PathLike, RawRow, UnsupportedFileError, sniff_encoding

__all__ = ["iter_statements", "parse_values", "read_sql_dump"]

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0", "Z": "\x1a", "b": "\b"}


def iter_statements(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """Yield ``(first_line_no, statement)`` for each ``;``-terminated statement.

    Tracks quotes so a ``;`` inside a string (abstracts are full of "；" and ";") does not
    end the statement, and drops ``--`` / ``/* */`` comments outside strings.
    """
    buf: list[str] = []
    start = 0
    quote = ""  # current quote char: ' " ` or ""
    in_block = False
    for line_no, line in enumerate(lines, start=1):
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if in_block:
                end = line.find("*/", i)
                if end < 0:
                    i = n
                    continue
                in_block, i = False, end + 2
                continue
            if quote:
                buf.append(ch)
                if ch == "\\" and quote != "`" and i + 1 < n:
                    buf.append(line[i + 1])
                    i += 2
                    continue
                if ch == quote:
                    quote = ""
                i += 1
                continue
            if ch in "'\"`":
                quote = ch
            elif line.startswith("--", i) or ch == "#":
                break  # rest of the line is a comment
            elif line.startswith("/*", i):
                in_block, i = True, i + 2
                continue
            elif ch == ";":
                stmt = "".join(buf).strip()
                if stmt:
                    yield start, stmt
                buf, i = [], i + 1
                continue
            if not buf and not ch.isspace():
                start = line_no
            if buf or not ch.isspace():
                buf.append(ch)
            i += 1
    if quote:
        raise UnsupportedFileError(f"SQL 文件在第 {start} 行开始的语句中有未闭合的引号")
    tail = "".join(buf).strip()
    if tail:
        yield start, tail


def parse_values(text: str, pos: int = 0) -> Iterator[list[str | None]]:
    """Parse ``(v, v, ...), (v, ...)`` starting at ``pos``; ``NULL`` -> ``None``."""
    n = len(text)
    row: list[str | None] = []
    depth = 0
    while pos < n:
        ch = text[pos]
        if ch.isspace() or ch == ",":
            pos += 1
        elif ch == "(":
            depth, row, pos = depth + 1, [], pos + 1
        elif ch == ")":
            depth, pos = depth - 1, pos + 1
            yield row
        elif ch == "'" or ch == '"':
            value, pos = _read_string(text, pos)
            row.append(value)
        else:
            m = re.compile(r"[^,)\s]+").match(text, pos)
            if not m:
                raise UnsupportedFileError(f"无法解析 SQL 值：{text[pos : pos + 30]}")
            token = m.group(0)
            row.append(None if token.upper() == "NULL" else token)
            pos = m.end()
    if depth:
        raise UnsupportedFileError("SQL VALUES 括号不匹配")


def _read_string(text: str, pos: int) -> tuple[str, int]:
    quote = text[pos]
    out: list[str] = []
    pos += 1
    while pos < len(text):
        ch = text[pos]
        if ch == "\\" and pos + 1 < len(text):
            nxt = text[pos + 1]
            out.append(_ESCAPES.get(nxt, nxt))
            pos += 2
        elif ch == quote:
            if text.startswith(quote * 2, pos):  # '' inside a string is one quote
                out.append(quote)
                pos += 2
            else:
                return "".join(out), pos + 1
        else:
            out.append(ch)
            pos += 1
    raise UnsupportedFileError("SQL 字符串缺少结束引号")


_CREATE = re.compile(r"^CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?([^`(\s]+)`?\s*\(", re.I)
_COLUMN_DEF = re.compile(r"^\s*`([^`]+)`\s+\w", re.M)
_INSERT = re.compile(
    r"^INSERT\s+(?:IGNORE\s+)?INTO\s+`?([^`(\s]+)`?\s*(\(([^)]*)\))?\s*VALUES\s*", re.I
)


def read_sql_dump(path: PathLike) -> Iterator[RawRow]:
    """Rows of every ``INSERT`` in the dump, as ``{column: text}``; NULL becomes ``""``."""
    columns: dict[str, list[str]] = {}
    enc = sniff_encoding(path)
    with open(path, encoding=enc) as fh:
        for line_no, stmt in iter_statements(iter(fh)):
            create = _CREATE.match(stmt)
            if create:
                # Only column definitions start with a backticked name; KEY/INDEX lines
                # start with a keyword, so they are not picked up.
                columns[create.group(1)] = _COLUMN_DEF.findall(stmt[create.end() :])
                continue
            insert = _INSERT.match(stmt)
            if not insert:
                continue
            table = insert.group(1)
            if insert.group(2):
                cols = [c.strip().strip("`") for c in insert.group(3).split(",")]
            elif table in columns:
                cols = columns[table]
            else:
                raise UnsupportedFileError(
                    f"第 {line_no} 行的 INSERT 没有列名，且文件中没有表 {table} 的 CREATE TABLE"
                )
            for values in parse_values(stmt, insert.end()):
                if len(values) != len(cols):
                    raise UnsupportedFileError(
                        f"第 {line_no} 行：值的个数 {len(values)} 与列数 {len(cols)} 不一致"
                    )
                yield RawRow(
                    line_no,
                    {c: ("" if v is None else v) for c, v in zip(cols, values, strict=True)},
                )
