"""HTML highlighting of query words in stored title/abstract text.

Done in Python rather than with tantivy's SnippetGenerator because the indexed
fields hold jieba output joined by spaces, not the original text; the words to
mark are known exactly from the compiled query, and only one page of hits is
highlighted per search.
"""

from __future__ import annotations

import html

__all__ = ["highlight"]


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    folded = text.lower()
    if len(folded) != len(text):  # rare length-changing case folds: match as typed
        folded = text
    found: list[tuple[int, int]] = []
    for term in {t for t in terms if t}:
        start = folded.find(term)
        while start >= 0:
            found.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def highlight(text: str, terms: list[str], *, fragment: int | None = None) -> str:
    """Return ``text`` HTML-escaped with each occurrence of ``terms`` in ``<mark>``.

    ``terms`` must already be lower-cased (as the query compiler produces them).
    With ``fragment``, only a window of about that many characters is returned,
    starting a little before the first match, with ``…`` marking cuts.
    """
    spans = _spans(text, terms)
    lo, hi = 0, len(text)
    if fragment is not None and len(text) > fragment:
        first = spans[0][0] if spans else 0
        lo = max(0, min(first - fragment // 5, len(text) - fragment))
        hi = lo + fragment
    out: list[str] = ["…"] if lo > 0 else []
    pos = lo
    for s, e in spans:
        if e <= lo or s >= hi:
            continue
        s, e = max(s, lo), min(e, hi)
        out.append(html.escape(text[pos:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:hi]))
    if hi < len(text):
        out.append("…")
    return "".join(out)
