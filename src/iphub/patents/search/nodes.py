"""Typed AST for the patent query language.

Nodes are frozen dataclasses that normalise their values on construction, so two
spellings of the same query (``分类号=h01m*`` and ``IPC=H01M*``) compare equal and
``parse(node.to_query_string()) == node`` holds for every valid node.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from iphub.patents.numbers import (
    NumberFormatError,
    application_check_char,
    normalize_application_number,
    normalize_publication_number,
)

# Field code -> kind. "text" fields are tokenised with jieba, "keyword" fields are
# matched as exact (normalised) terms, "date" fields take ranges.
TEXT_FIELDS = frozenset({"TI", "AB", "CL", "TX", "PA"})
KEYWORD_FIELDS = frozenset({"IN", "AN", "PN", "IPC", "RG", "TYPE", "STATUS", "GRADE"})
DATE_FIELDS = frozenset({"AD", "PD", "GD"})
# Trailing * is only meaningful where we index prefixes (see index.py).
PREFIX_FIELDS = frozenset({"PA", "IN", "IPC", "AN", "PN"})
FIELD_CODES = TEXT_FIELDS | KEYWORD_FIELDS | DATE_FIELDS

FIELD_ALIASES: dict[str, str] = {
    "名称": "TI",
    "标题": "TI",
    "摘要": "AB",
    "权利要求": "CL",
    "全文": "TX",
    "申请人": "PA",
    "专利权人": "PA",
    "发明人": "IN",
    "申请号": "AN",
    "公开号": "PN",
    "申请日": "AD",
    "公开日": "PD",
    "授权日": "GD",
    "分类号": "IPC",
    "地区": "RG",
    "类型": "TYPE",
    "法律状态": "STATUS",
    "价值等级": "GRADE",
}

TYPE_ALIASES: dict[str, str] = {
    "invention": "invention",
    "发明": "invention",
    "utility": "utility",
    "实用新型": "utility",
    "design": "design",
    "外观设计": "design",
    "外观": "design",
    "pct_invention": "pct_invention",
    "pct_utility": "pct_utility",
}

OPERATOR_WORDS: dict[str, str] = {
    "AND": "AND",
    "与": "AND",
    "OR": "OR",
    "或": "OR",
    "NOT": "NOT",
    "非": "NOT",
}

# Characters that end a bare word; anything else (including / - . for IPC codes,
# dates and numbers) may appear inside one.
SPECIAL_CHARS = frozenset('()（）"“”=＝:：[]\\')
_WS_RE = re.compile(r"\s")


def resolve_field(name: str) -> str | None:
    """Return the canonical field code for ``name`` (code or Chinese alias), or None."""
    upper = name.upper()
    if upper in FIELD_CODES:
        return upper
    return FIELD_ALIASES.get(name)


def is_bare_word(text: str) -> bool:
    """True if ``text`` can be written without quotes and re-read as the same word."""
    if not text or text.upper() in OPERATOR_WORDS:
        return False
    if "*" in text:
        return False
    return not any(c in SPECIAL_CHARS or _WS_RE.match(c) for c in text)


def normalize_an(text: str) -> str:
    """Canonicalise an application number as users type it (CN prefix, spaces, no dot).

    Check characters are not validated here: a mistyped number should simply find
    nothing, and partial numbers are allowed with a trailing ``*``.
    """
    t = re.sub(r"\s+", "", text).upper()
    if t.startswith("CN"):
        t = t[2:]
    if t.startswith("ZL"):
        t = t[2:]
    if "." not in t and re.fullmatch(r"\d{12}[\dX]|\d{8}[\dX]", t):
        t = f"{t[:-1]}.{t[-1]}"
    return t


def normalize_pn(text: str) -> str:
    """Canonicalise a publication number: upper case, no spaces, ``CN`` prefix."""
    t = re.sub(r"\s+", "", text).upper()
    if re.match(r"\d", t):
        t = "CN" + t
    return t


def normalize_ipc(text: str) -> str:
    """Canonicalise an IPC code: upper case, no spaces (``H01M 10/0525`` -> ``H01M10/0525``)."""
    return re.sub(r"\s+", "", text).upper()


def _normalize_value(field: str, text: str) -> str:
    if field == "IPC":
        return normalize_ipc(text)
    if field == "AN":
        return normalize_an(text)
    if field == "PN":
        return normalize_pn(text)
    if field == "TYPE":
        key = text.strip().lower()
        if key not in TYPE_ALIASES:
            raise ValueError(f"未知的专利类型 {text!r}，可用：发明/实用新型/外观设计")
        return TYPE_ALIASES[key]
    if field == "GRADE":
        band = text.strip().upper()
        if band not in ("A", "B", "C", "D"):
            raise ValueError(f"价值等级 {text!r} 应为 A、B、C 或 D 之一")
        return band
    if field == "RG" and not re.fullmatch(r"\d{6}", text):
        raise ValueError(f"地区代码 {text!r} 应为 6 位 GB/T 2260 行政区划代码，如 420100")
    return text


def number_term(text: str) -> Term | None:
    """The AN or PN term that a bare patent number stands for, or None.

    People paste numbers in many spellings into the search box: ``CN114081026A``,
    ``114081026``, ``202110123456.7``, ``2021101234567``, ``ZL202110123456.7``.
    An application number must carry a correct check character (or none at all:
    the 12 digits alone are completed with it), and a publication/grant number its
    type digit and a kind code that fits it; anything else is left as a word, so
    dates, part numbers and model numbers still search the text. Bare 7-digit
    numbers (publications before 2007) need their ``CN``: alone they are too
    likely to be something else.
    """
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()
    try:
        return Term("AN", normalize_application_number(compact))
    except NumberFormatError as exc:
        body = compact.removeprefix("CN").removeprefix("ZL")
        if exc.code == "missing_check" and re.fullmatch(r"[0-9]{12}", body):
            return Term("AN", f"{body}.{application_check_char(body)}")
    if not re.fullmatch(r"CN[0-9]{7}(?:[A-Z][0-9]?)?|(?:CN)?[0-9]{9}(?:[A-Z][0-9]?)?", compact):
        return None
    try:
        base, kind = normalize_publication_number(compact)
    except NumberFormatError:
        return None
    return Term("PN", base + kind)


class Node:
    """Base class of every AST node."""

    def to_query_string(self) -> str:
        """Render the node in the query language; ``parse`` gives back an equal node."""
        raise NotImplementedError


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Term(Node):
    """A word, quoted phrase or prefix (``prefix=True``, written ``word*``) in one field."""

    field: str
    text: str
    phrase: bool = False
    prefix: bool = False

    def __post_init__(self) -> None:
        if self.field not in TEXT_FIELDS | KEYWORD_FIELDS:
            raise ValueError(f"field {self.field!r} is not a term field")
        if not self.text.strip():
            raise ValueError("term text must not be blank")
        if self.phrase and self.prefix:
            raise ValueError("a term is either a phrase or a prefix")
        if self.prefix and self.field not in PREFIX_FIELDS:
            raise ValueError(f"prefix search is not supported on {self.field}")
        if not self.phrase and not is_bare_word(self.text):
            raise ValueError(f"{self.text!r} must be a phrase (it needs quotes)")
        object.__setattr__(self, "text", _normalize_value(self.field, self.text))

    def to_query_string(self) -> str:
        value = _quote(self.text) if self.phrase else self.text
        if self.prefix:
            value += "*"
        if self.field == "TX" and (self.phrase or number_term(self.text) is None):
            return value
        # A bare patent number would be read back as AN/PN (see ``number_term``).
        return f"{self.field}={value}"


@dataclass(frozen=True)
class DateRange(Node):
    """An inclusive date range on AD/PD/GD; ``None`` means open-ended."""

    field: str
    start: date | None
    end: date | None

    def __post_init__(self) -> None:
        if self.field not in DATE_FIELDS:
            raise ValueError(f"field {self.field!r} is not a date field")
        if self.start is None and self.end is None:
            raise ValueError("a date range needs at least one bound")
        if self.start and self.end and self.start > self.end:
            raise ValueError("date range start is after its end")

    def to_query_string(self) -> str:
        lo = self.start.isoformat() if self.start else "*"
        hi = self.end.isoformat() if self.end else "*"
        return f"{self.field}=[{lo} TO {hi}]"


def _child_string(node: Node) -> str:
    # Groups always get parentheses so nesting survives a round trip exactly.
    s = node.to_query_string()
    return f"({s})" if isinstance(node, And | Or) else s


@dataclass(frozen=True)
class And(Node):
    """All children must match."""

    children: tuple[Node, ...]

    def __post_init__(self) -> None:
        if len(self.children) < 2:
            raise ValueError("And needs at least two children")

    def to_query_string(self) -> str:
        return " AND ".join(_child_string(c) for c in self.children)


@dataclass(frozen=True)
class Or(Node):
    """At least one child must match."""

    children: tuple[Node, ...]

    def __post_init__(self) -> None:
        if len(self.children) < 2:
            raise ValueError("Or needs at least two children")

    def to_query_string(self) -> str:
        return " OR ".join(_child_string(c) for c in self.children)


@dataclass(frozen=True)
class Not(Node):
    """The child must not match (alone it means "everything except")."""

    child: Node

    def to_query_string(self) -> str:
        return "NOT " + _child_string(self.child)
