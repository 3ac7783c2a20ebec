"""tantivy schema and the mapping from the Django-side document dict to it.

Field layout (why each exists):

* ``id`` — i64, indexed for delete-by-id, fast, stored (the only value we return).
* ``ti ab cl de`` — precise-mode words with positions, for quoted phrases.
* ``ti_s ab_s cl_s de_s`` — search-mode words (sub-words too), freq only, for
  ordinary terms and BM25.
* ``title_st abstract_st`` — stored-only UTF-8 bytes of the original text, so
  highlighting works on what the user sees (the indexed fields hold jieba output).
* ``pa`` — applicant names, search mode, for ``PA=华为``; ``pa_raw`` exact names
  (fast: applicant facet, quoted ``PA="..."``); ``pa_pfx`` every prefix of every
  lower-cased name, so ``PA=武汉*`` is a single term lookup.
* ``inv``/``inv_pfx``, ``ipc``/``ipc_pfx``/``ipc_sub`` likewise; ``an`` and ``pn``
  raw (``pn`` also without kind code, since users omit it).
* ``region`` — the record's region code and all its ancestors: RG containment is
  one term. ``city``, ``type``, ``status``, ``year`` — fast, for facets.
* ``app_date pub_date grant_date`` — indexed+fast dates: range filters and sort.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import tantivy

from .tokenize import ANALYZER_PATTERN, MAX_TOKEN_BYTES, index_phrase_text, index_search_text

TEXT_SOURCES = {"ti": "title", "ab": "abstract", "cl": "claims", "de": "description"}
ANALYZER = "zh"


def build_schema() -> tantivy.Schema:
    """The index schema (see module docstring for the reasoning per field)."""
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("id", stored=True, indexed=True, fast=True)
    for short in TEXT_SOURCES:
        sb.add_text_field(short, tokenizer_name=ANALYZER, index_option="position")
        sb.add_text_field(short + "_s", tokenizer_name=ANALYZER, index_option="freq")
    sb.add_bytes_field("title_st", stored=True)
    sb.add_bytes_field("abstract_st", stored=True)
    sb.add_text_field("pa", tokenizer_name=ANALYZER, index_option="freq")
    for raw_fast in ("pa_raw", "ipc_sub", "city", "type", "status"):
        sb.add_text_field(raw_fast, tokenizer_name="raw", fast=True, index_option="basic")
    for raw in ("pa_pfx", "inv", "inv_pfx", "ipc", "ipc_pfx", "an", "pn", "region"):
        sb.add_text_field(raw, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("year", indexed=True, fast=True)
    for d in ("app_date", "pub_date", "grant_date"):
        sb.add_date_field(d, indexed=True, fast=True)
    return sb.build()


def register_analyzers(index: tantivy.Index) -> None:
    """Tokenizers are not persisted by tantivy: register them on every open."""
    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(ANALYZER_PATTERN))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.remove_long(MAX_TOKEN_BYTES))
        .build()
    )
    index.register_tokenizer(ANALYZER, analyzer)


def prefixes(value: str) -> list[str]:
    """Every non-empty prefix of ``value`` (what a trailing ``*`` may be typed after)."""
    return [value[:i] for i in range(1, len(value) + 1)]


def ipc_subclass(code: str) -> str:
    """``H01M10/0525`` -> ``H01M`` (empty if the code is shorter than a subclass)."""
    return code[:4] if len(code) >= 4 else ""


def _pn_variants(pn: str) -> list[str]:
    pn = re.sub(r"\s+", "", pn).upper()
    bare = re.sub(r"(?<=\d)[A-Z]\d?$", "", pn)
    return [pn] if bare == pn else [pn, bare]


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def analyze_texts(doc: dict[str, Any]) -> dict[str, str]:
    """The jieba part of document preparation (the expensive, parallelisable part)."""
    out: dict[str, str] = {}
    for short, key in TEXT_SOURCES.items():
        text = doc.get(key) or ""
        out[short] = index_phrase_text(text)
        out[short + "_s"] = index_search_text(text)
    out["pa"] = index_search_text(" ".join(doc.get("applicants") or []))
    return out


def _uniq(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def to_document(doc: dict[str, Any], analyzed: dict[str, str] | None = None) -> tantivy.Document:
    """Build the tantivy Document for one record (``analyzed`` from :func:`analyze_texts`)."""
    if analyzed is None:
        analyzed = analyze_texts(doc)
    d = tantivy.Document()
    d.add_integer("id", int(doc["id"]))
    for name, text in analyzed.items():
        if text:
            d.add_text(name, text)
    d.add_bytes("title_st", (doc.get("title") or "").encode())
    d.add_bytes("abstract_st", (doc.get("abstract") or "").encode())
    applicants = _uniq(a.strip() for a in doc.get("applicants") or [])
    for a in applicants:
        d.add_text("pa_raw", a)
    for p in _uniq(p for a in applicants for p in prefixes(a.lower())):
        d.add_text("pa_pfx", p)
    inventors = _uniq(i.strip() for i in doc.get("inventors") or [])
    for i in inventors:
        d.add_text("inv", i)
    for p in _uniq(p for i in inventors for p in prefixes(i.lower())):
        d.add_text("inv_pfx", p)
    codes = _uniq(re.sub(r"\s+", "", c).upper() for c in doc.get("ipc") or [])
    for c in codes:
        d.add_text("ipc", c)
    for p in _uniq(p for c in codes for p in prefixes(c)):
        d.add_text("ipc_pfx", p)
    for s in _uniq(ipc_subclass(c) for c in codes):
        d.add_text("ipc_sub", s)
    if doc.get("an"):
        d.add_text("an", re.sub(r"\s+", "", str(doc["an"])).upper())
    for pn in _uniq(v for pn in doc.get("pn") or [] for v in _pn_variants(pn)):
        d.add_text("pn", pn)
    for rc in _uniq(doc.get("region_codes") or []):
        d.add_text("region", rc)
    for key in ("city", "type", "status"):
        if doc.get(key):
            d.add_text(key, str(doc[key]))
    for key in ("app_date", "pub_date", "grant_date"):
        value = _as_date(doc.get(key))
        if value is not None:
            d.add_date(key, datetime(value.year, value.month, value.day))
            if key == "app_date":
                d.add_integer("year", value.year)
    return d
