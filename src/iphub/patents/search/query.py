"""Parser for the query language patent searchers type.

Grammar (operators are case-insensitive; 与/或/非 are aliases)::

    query   := or_expr
    or_expr := and_expr (OR and_expr)*
    and_expr:= not_expr ([AND] not_expr)*        -- adjacency means AND
    not_expr:= NOT not_expr | primary
    primary := "(" or_expr ")" | FIELD "=" value | WORD | "phrase"
    value   := WORD | WORD* | "phrase" | [date TO date] | date | "(" or_expr ")"

``FIELD=( ... )`` applies the field to every bare term inside the group.
Precedence is NOT > AND > OR, so ``a b OR c`` is ``(a AND b) OR c`` and
``a NOT b`` is ``a AND NOT b`` (the usual reading in patent databases).

A bare application, publication or grant number (``CN114081026A``,
``CN 114081026 A``, ``202110123456.7``, ``ZL2021101234567``) is read as the
``AN=``/``PN=`` term it stands for (``nodes.number_term``), here and only here,
so the search page, the API, exports and saved searches all find the record.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .nodes import (
    DATE_FIELDS,
    OPERATOR_WORDS,
    PREFIX_FIELDS,
    SPECIAL_CHARS,
    And,
    DateRange,
    Node,
    Not,
    Or,
    Term,
    number_term,
    resolve_field,
)

# A number pasted from a document is split by spaces into at most this many
# words: ``CN 114081026 A``, ``2021 1 0123456.7``.
_NUMBER_PARTS = 4
# Hostile-input bounds: the parser and everything walking its tree (compile,
# highlight, to_query_string) recurse once per group or NOT, so nesting is capped
# well below Python's recursion limit; no searcher nests 20 deep or types 2,000
# characters (issue 18, finding 6).
MAX_DEPTH = 20
MAX_QUERY_LENGTH = 2000

__all__ = ["QuerySyntaxError", "parse"]


class QuerySyntaxError(ValueError):
    """A malformed query. ``position`` is the 0-based character offset of the problem."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


@dataclass(frozen=True)
class _Tok:
    kind: str  # LP RP EQ WORD QUOTED RANGE
    text: str
    pos: int


_OPEN = "(（"
_CLOSE = ")）"
_QUOTES = {'"': '"', "“": "”"}
_EQ = "=＝:："


def _lex(s: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            i += 1
        elif c in _OPEN:
            toks.append(_Tok("LP", c, i))
            i += 1
        elif c in _CLOSE:
            toks.append(_Tok("RP", c, i))
            i += 1
        elif c in _EQ:
            toks.append(_Tok("EQ", c, i))
            i += 1
        elif c in _QUOTES or c == "”":
            close = _QUOTES.get(c, '"')
            j, buf = i + 1, []
            while j < n and s[j] != close and not (close == "”" and s[j] == '"'):
                if s[j] == "\\" and j + 1 < n:
                    j += 1
                buf.append(s[j])
                j += 1
            if j >= n:
                raise QuerySyntaxError(f'第 {i} 个字符处的引号没有闭合，请在短语末尾补上 "', i)
            toks.append(_Tok("QUOTED", "".join(buf), i))
            i = j + 1
        elif c == "[":
            j = s.find("]", i)
            if j < 0:
                raise QuerySyntaxError(f'第 {i} 个字符处的日期范围缺少右方括号 "]"', i)
            toks.append(_Tok("RANGE", s[i + 1 : j], i))
            i = j + 1
        elif c == "]":
            raise QuerySyntaxError(f'第 {i} 个字符处多了右方括号 "]"', i)
        elif c == "\\":
            raise QuerySyntaxError(f"第 {i} 个字符处的反斜杠只能用在引号内", i)
        else:
            j = i
            while j < n and not s[j].isspace() and s[j] not in SPECIAL_CHARS:
                j += 1
            toks.append(_Tok("WORD", s[i:j], i))
            i = j
    return toks


_DATE_RE = re.compile(r"^(\d{4})(?:[-./]?(\d{1,2})(?:[-./]?(\d{1,2}))?)?$")


def _parse_date(text: str, pos: int, *, end: bool) -> date:
    """Parse 2020, 2020-05, 2020-05-01, 20200501 or 2020.5.1; years/months expand to
    their first day (range start) or last day (range end)."""
    m = _DATE_RE.match(text.strip())
    try:
        if not m:
            raise ValueError
        y = int(m[1])
        if m[2] is None:
            return date(y, 12, 31) if end else date(y, 1, 1)
        mo = int(m[2])
        if m[3] is None:
            return date(y, mo, calendar.monthrange(y, mo)[1] if end else 1)
        return date(y, mo, int(m[3]))
    except ValueError:
        raise QuerySyntaxError(
            f"第 {pos} 个字符处的日期 {text.strip()!r} 无效，请写成 2020-01-01、2020-01 或 2020",
            pos,
        ) from None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        if len(text) > MAX_QUERY_LENGTH:
            raise QuerySyntaxError(
                f"检索式过长：最多 {MAX_QUERY_LENGTH} 个字符，您输入了 {len(text)} 个，"
                "请删减检索词或分几次检索",
                MAX_QUERY_LENGTH,
            )
        self.toks = _lex(text)
        self.i = 0
        self.depth = 0

    # -- token helpers -------------------------------------------------------
    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def op(self, tok: _Tok | None) -> str | None:
        if tok is not None and tok.kind == "WORD":
            return OPERATOR_WORDS.get(tok.text.upper())
        return None

    def end_pos(self) -> int:
        return len(self.text)

    def descend(self, tok: _Tok) -> None:
        """Enter a group or a NOT; refuse nesting deeper than :data:`MAX_DEPTH`."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QuerySyntaxError(
                f"第 {tok.pos} 个字符处：括号或 NOT 嵌套超过 {MAX_DEPTH} 层，请简化检索式",
                tok.pos,
            )

    # -- grammar ---------------------------------------------------------------
    def parse(self) -> Node:
        if not self.toks:
            raise QuerySyntaxError("检索式为空，请输入检索词，例如 TI=锂离子电池", 0)
        node = self.or_expr("TX")
        tok = self.peek()
        if tok is not None:
            if tok.kind == "RP":
                raise QuerySyntaxError(
                    f'第 {tok.pos} 个字符处多了右括号 "{tok.text}"，没有与之配对的左括号',
                    tok.pos,
                )
            raise QuerySyntaxError(f"第 {tok.pos} 个字符处无法解析 {tok.text!r}", tok.pos)
        return node

    def or_expr(self, field: str) -> Node:
        items = [self.and_expr(field)]
        while self.op(self.peek()) == "OR":
            self.i += 1
            items.append(self.and_expr(field))
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self, field: str) -> Node:
        items = [self.not_expr(field)]
        while True:
            tok = self.peek()
            if tok is None or tok.kind == "RP" or self.op(tok) == "OR":
                break
            if self.op(tok) == "AND":
                self.i += 1
            items.append(self.not_expr(field))
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_expr(self, field: str) -> Node:
        tok = self.peek()
        if tok is not None and self.op(tok) == "NOT":
            self.i += 1
            self.descend(tok)
            node = Not(self.not_expr(field))
            self.depth -= 1
            return node
        return self.primary(field)

    def _missing_operand(self) -> QuerySyntaxError:
        prev = self.toks[self.i - 1] if self.i > 0 else None
        tok = self.peek()
        pos = tok.pos if tok else self.end_pos()
        if prev is not None and self.op(prev):
            return QuerySyntaxError(
                f"第 {pos} 个字符处缺少检索词：运算符 {prev.text} 后面需要检索词", pos
            )
        if prev is not None and prev.kind == "LP":
            return QuerySyntaxError(f"第 {pos} 个字符处的括号内为空，请填写检索词", pos)
        return QuerySyntaxError(f"第 {pos} 个字符处缺少检索词", pos)

    def primary(self, field: str) -> Node:
        tok = self.peek()
        if tok is None or tok.kind == "RP":
            raise self._missing_operand()
        if tok.kind == "LP":
            self.i += 1
            self.descend(tok)
            node = self.or_expr(field)
            close = self.peek()
            if close is None or close.kind != "RP":
                pos = close.pos if close else self.end_pos()
                raise QuerySyntaxError(
                    f'第 {pos} 个字符处缺少右括号 ")"，与第 {tok.pos} 个字符处的左括号配对', pos
                )
            self.i += 1
            self.depth -= 1
            return node
        op = self.op(tok)
        if op in ("AND", "OR"):
            raise QuerySyntaxError(
                f"第 {tok.pos} 个字符处的运算符 {tok.text} 前面缺少检索词", tok.pos
            )
        if tok.kind == "EQ":
            raise QuerySyntaxError(
                f'第 {tok.pos} 个字符处的 "{tok.text}" 前面缺少字段代码，例如 TI=', tok.pos
            )
        if tok.kind == "RANGE":
            raise QuerySyntaxError(
                f"第 {tok.pos} 个字符处的日期范围前面缺少日期字段，例如 AD=[2020 TO 2021]", tok.pos
            )
        nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
        if tok.kind == "WORD" and nxt is not None and nxt.kind == "EQ":
            return self.field_clause(tok)
        if field == "TX" and tok.kind == "WORD":
            number = self.bare_number()
            if number is not None:
                return number
        self.i += 1
        return self.value_term(field, tok)

    def bare_number(self) -> Node | None:
        """A patent number typed without a field code, perhaps in parts
        (``CN 114081026 A``, ``ZL 202110123456.7``): the AN/PN term of the longest
        run of up to ``_NUMBER_PARTS`` plain words that reads as one number."""
        run = 0
        while run < _NUMBER_PARTS and self.i + run < len(self.toks):
            tok = self.toks[self.i + run]
            after = self.toks[self.i + run + 1] if self.i + run + 1 < len(self.toks) else None
            if tok.kind != "WORD" or self.op(tok) or (after is not None and after.kind == "EQ"):
                break
            run += 1
        for size in range(run, 0, -1):
            term = number_term("".join(t.text for t in self.toks[self.i : self.i + size]))
            if term is not None:
                self.i += size
                return term
        return None

    def field_clause(self, name: _Tok) -> Node:
        code = resolve_field(name.text)
        if code is None:
            raise QuerySyntaxError(
                f"第 {name.pos} 个字符处的字段代码 {name.text!r} 不存在，可用："
                "TI AB CL TX PA IN AN PN IPC AD PD GD RG TYPE STATUS GRADE 或 名称/申请人 等中文名",
                name.pos,
            )
        self.i += 2
        tok = self.peek()
        if tok is None or tok.kind == "RP" or self.op(tok):
            pos = tok.pos if tok else self.end_pos()
            raise QuerySyntaxError(f"第 {pos} 个字符处缺少 {name.text} 字段的检索值", pos)
        if code in DATE_FIELDS:
            self.i += 1
            return self.date_value(code, tok)
        if tok.kind == "LP":
            return self.primary(code)
        if tok.kind == "RANGE":
            raise QuerySyntaxError(f"第 {tok.pos} 个字符处：范围只能用于日期字段 AD/PD/GD", tok.pos)
        if tok.kind == "EQ":
            raise QuerySyntaxError(f'第 {tok.pos} 个字符处多了 "{tok.text}"', tok.pos)
        self.i += 1
        return self.value_term(code, tok)

    def value_term(self, field: str, tok: _Tok) -> Node:
        text, prefix = tok.text, False
        if tok.kind == "WORD":
            star = text.find("*")
            if star >= 0:
                if star != len(text) - 1 or len(text) == 1:
                    raise QuerySyntaxError(
                        f"第 {tok.pos + star} 个字符处：通配符 * 只能放在词尾，例如 PA=武汉*",
                        tok.pos + star,
                    )
                if field not in PREFIX_FIELDS:
                    raise QuerySyntaxError(
                        f"第 {tok.pos + star} 个字符处：通配符 * 只能用于 PA/IN/IPC/AN/PN 字段",
                        tok.pos + star,
                    )
                text, prefix = text[:-1], True
        try:
            return Term(field, text, phrase=tok.kind == "QUOTED", prefix=prefix)
        except ValueError as exc:
            raise QuerySyntaxError(f"第 {tok.pos} 个字符处：{exc}", tok.pos) from None

    def date_value(self, code: str, tok: _Tok) -> Node:
        if tok.kind == "RANGE":
            parts = re.split(r"\s+TO\s+|\s*[~～]\s*|\s*,\s*", tok.text.strip(), flags=re.I)
            if len(parts) != 2:
                raise QuerySyntaxError(
                    f"第 {tok.pos} 个字符处的日期范围应写成 [2020-01-01 TO 2021-12-31]", tok.pos
                )
            lo_s, hi_s = (p.strip() for p in parts)
            lo = None if lo_s == "*" else _parse_date(lo_s, tok.pos + 1, end=False)
            hi = None if hi_s == "*" else _parse_date(hi_s, tok.pos + 1, end=True)
        elif tok.kind == "WORD":
            lo = _parse_date(tok.text, tok.pos, end=False)
            hi = _parse_date(tok.text, tok.pos, end=True)
        else:
            raise QuerySyntaxError(
                f"第 {tok.pos} 个字符处应为日期或日期范围，例如 AD=2020 或 "
                "AD=[2020-01-01 TO 2021-12-31]",
                tok.pos,
            )
        try:
            return DateRange(code, lo, hi)
        except ValueError:
            raise QuerySyntaxError(
                f"第 {tok.pos} 个字符处的日期范围无效：起始日期晚于结束日期或两端都是 *", tok.pos
            ) from None


def parse(text: str) -> Node:
    """Parse a query string into an AST, raising :class:`QuerySyntaxError` if malformed."""
    return _Parser(text).parse()
