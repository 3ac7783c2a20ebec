"""Translate the query AST into tantivy queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import tantivy

from .nodes import And, DateRange, Node, Not, Or, Term
from .tokenize import phrase_tokens, query_tokens

Occur = tantivy.Occur
Q = tantivy.Query
# A kind code after the digits of a publication number (A, B, U, C1, A8 ...).
_PN_KIND = re.compile(r"(?<=\d)[A-Z]\d?$")

# TX searches all four texts; a hit in the title says more than one deep in the
# description, so BM25 scores are weighted per field.
FIELD_BOOST = {"ti": 3.0, "ab": 1.5, "cl": 1.0, "de": 0.7}
TEXT_TARGETS = {"TI": ["ti"], "AB": ["ab"], "CL": ["cl"], "TX": ["ti", "ab", "cl", "de"]}
TYPE_EXPANSION = {
    # PCT national-phase entries are inventions/utility models for a searcher.
    "invention": ["invention", "pct_invention"],
    "utility": ["utility", "pct_utility"],
    "design": ["design"],
    "pct_invention": ["pct_invention"],
    "pct_utility": ["pct_utility"],
}


class Compiler:
    """Compiles one AST; also collects the words worth highlighting."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema
        self.highlight: list[str] = []

    def compile(self, node: Node) -> tantivy.Query:
        """The tantivy query for ``node``."""
        return self._node(node, negated=False)

    # -- structure -------------------------------------------------------------
    def _node(self, node: Node, negated: bool) -> tantivy.Query:
        if isinstance(node, And):
            clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
            for child in node.children:
                if isinstance(child, Not):
                    clauses.append((Occur.MustNot, self._node(child.child, not negated)))
                else:
                    clauses.append((Occur.Must, self._node(child, negated)))
            if all(occ == Occur.MustNot for occ, _ in clauses):
                clauses.append((Occur.Must, Q.all_query()))
            return Q.boolean_query(clauses)
        if isinstance(node, Or):
            return Q.boolean_query([(Occur.Should, q) for q in self._should(node, negated)])
        if isinstance(node, Not):
            inner = self._node(node.child, not negated)
            return Q.boolean_query([(Occur.Must, Q.all_query()), (Occur.MustNot, inner)])
        if isinstance(node, DateRange):
            return self._filter(self._date(node))
        if isinstance(node, Term):
            return self._term(node, negated)
        raise TypeError(f"unknown node {node!r}")

    def _should(self, node: Node, negated: bool) -> list[tantivy.Query]:
        """The SHOULD clauses of ``node`` in one flat list.

        ``a OR b`` where each word is searched in several fields would otherwise be
        a union of unions. BM25 sums the same clause scores either way, but only a
        flat union of term queries lets tantivy skip documents that cannot reach
        the top k (block-max WAND) when no total count is asked for — the
        matchmaker's OR of 24 need terms over 1M patents (``scored_ids``).
        """
        if isinstance(node, Or):
            return [q for c in node.children for q in self._should(c, negated)]
        if isinstance(node, Term) and node.field in TEXT_TARGETS:
            toks = _text_tokens(node)
            if len(toks) == 1:
                if not negated:
                    self.highlight.extend(toks)
                return self._word(toks[0], TEXT_TARGETS[node.field], boost=True)
        return [self._node(node, negated)]

    def _filter(self, q: tantivy.Query) -> tantivy.Query:
        # Keyword/date matches must not move BM25 ranking (a rare applicant name
        # would otherwise outrank the text match), so they score a constant 0.
        return Q.const_score_query(q, 0.0)

    def _date(self, node: DateRange) -> tantivy.Query:
        field = {"AD": "app_date", "PD": "pub_date", "GD": "grant_date"}[node.field]

        def dt(d: date | None) -> datetime | None:
            return None if d is None else datetime(d.year, d.month, d.day)

        return Q.range_query(
            self.schema, field, tantivy.FieldType.Date, dt(node.start), dt(node.end)
        )

    # -- terms -----------------------------------------------------------------
    def _term(self, t: Term, negated: bool) -> tantivy.Query:
        if t.field in TEXT_TARGETS:
            return self._text(TEXT_TARGETS[t.field], t, negated)
        s = self.schema
        if t.field == "PA":
            if t.prefix:
                return self._filter(Q.term_query(s, "pa_pfx", t.text.lower()))
            if t.phrase:
                return self._filter(Q.term_query(s, "pa_raw", t.text.strip()))
            return self._and_tokens(query_tokens(t.text), ["pa"], boost=False)
        if t.field == "IN":
            field = "inv_pfx" if t.prefix else "inv"
            value = t.text.lower() if t.prefix else t.text.strip()
            return self._filter(Q.term_query(s, field, value))
        if t.field == "IPC":
            return self._filter(self._ipc(t))
        if t.field in ("AN", "PN"):
            field = t.field.lower()
            if t.prefix:
                return self._filter(Q.regex_query(s, field, re.escape(t.text) + ".*"))
            if t.field == "PN":
                # The 9 digits name the document family of one application (A, B,
                # C1, A8 ... are its publications), and sources often leave the kind
                # code out: CN114081026A finds the record known as CN114081026 or
                # CN114081026B. The index holds every number without its kind too.
                return self._filter(Q.term_query(s, field, _PN_KIND.sub("", t.text)))
            return self._filter(Q.term_query(s, field, t.text))
        if t.field == "RG":
            return self._filter(Q.term_query(s, "region", t.text))
        if t.field == "TYPE":
            return self._filter(Q.term_set_query(s, "type", TYPE_EXPANSION[t.text]))
        if t.field == "STATUS":
            return self._filter(Q.term_query(s, "status", t.text.strip()))
        if t.field == "GRADE":
            return self._filter(Q.term_query(s, "grade", t.text))
        raise ValueError(f"unsupported field {t.field}")

    def _ipc(self, t: Term) -> tantivy.Query:
        code = t.text
        if t.prefix:
            return Q.term_query(self.schema, "ipc_pfx", code)
        if "/" in code:
            return Q.term_query(self.schema, "ipc", code)
        # IPC=H01M or IPC=H01M10 means the whole subclass / main group; the
        # slash stops H01M1 from swallowing H01M10..H01M19.
        return Q.term_query(self.schema, "ipc_pfx", code if len(code) <= 4 else code + "/")

    def _text(self, fields: list[str], t: Term, negated: bool) -> tantivy.Query:
        toks = _text_tokens(t)
        if t.phrase and len(toks) > 1:
            words: list[str | tuple[int, str]] = list(toks)
            if not negated:
                self.highlight.append(t.text.strip().lower())
            return self._any_field(lambda f: Q.phrase_query(self.schema, f, words), fields)
        if not negated:
            self.highlight.extend(toks)
        return self._and_tokens(toks, fields, boost=True)

    def _per_field(
        self, make: Callable[[str], tantivy.Query], fields: list[str], *, boost: bool = True
    ) -> list[tantivy.Query]:
        """``make(field)`` for each field, weighted by ``FIELD_BOOST`` when there are several."""
        if not boost or len(fields) == 1:
            return [make(f) for f in fields]
        return [Q.boost_query(make(f), FIELD_BOOST[f]) for f in fields]

    def _any_field(self, make: Callable[[str], tantivy.Query], fields: list[str]) -> tantivy.Query:
        subs = self._per_field(make, fields)
        if len(subs) == 1:
            return subs[0]
        return Q.boolean_query([(Occur.Should, q) for q in subs])

    def _word(self, tok: str, fields: list[str], *, boost: bool) -> list[tantivy.Query]:
        """One BM25 term query per field for the index token ``tok``."""
        return self._per_field(
            lambda f: Q.term_query(self.schema, f, tok, index_option="freq"), fields, boost=boost
        )

    def _and_tokens(self, toks: list[str], fields: list[str], *, boost: bool) -> tantivy.Query:
        if not toks:
            # Only punctuation was typed: nothing can match it.
            return Q.empty_query()
        per_token = []
        for tok in toks:
            subs = self._word(tok, fields, boost=boost)
            per_token.append(
                subs[0] if len(subs) == 1 else Q.boolean_query([(Occur.Should, q) for q in subs])
            )
        if len(per_token) == 1:
            return per_token[0]
        return Q.boolean_query([(Occur.Must, q) for q in per_token])


def _text_tokens(t: Term) -> list[str]:
    """The index tokens a text term looks for: a quoted phrase's own tokens, else the
    finest cover of the words (``tokenize.query_tokens``)."""
    return phrase_tokens(t.text) if t.phrase else query_tokens(t.text)
