"""Chinese tokenisation with rjieba, shared by indexing and querying.

Each text field is indexed twice (see index.py):

* ``<f>_s`` ("search" field) gets jieba's *search mode* output, i.e. every word
  plus its in-dictionary 2- and 3-character sub-words, so ``锂离子电池`` is
  findable as ``电池`` or ``离子``. No positions: only term/AND queries use it.
* ``<f>`` ("phrase" field) gets the *precise* cut with positions, for quoted
  phrases.

Python only calls jieba and joins the words with spaces; lower-casing, dropping
punctuation/whitespace tokens and over-long tokens happen in tantivy's Rust
analyzer (``ANALYZER_PATTERN``). Measured on this machine a per-token Python loop
(or building ``tantivy.Token`` objects for ``PreTokenizedString``) costs more than
jieba itself, which would blow the 1M-document build budget.

Query side: an unquoted term such as ``锂离子电池`` becomes the AND of its
"finest cover" — the shortest search-mode tokens that tile the text left to
right (``锂离子`` + ``电池``; ``理工大学`` -> ``理工`` + ``大学``). Each of those is
guaranteed to be emitted by search mode for any document containing the text
(search mode emits all in-dictionary 2/3-grams of longer words), so recall does
not depend on how jieba segments the surrounding document context, which a
phrase over precise tokens would. We chose AND over OR because a patent searcher
typing 锂离子电池 does not want every document mentioning 电池.
"""

from __future__ import annotations

import re

import rjieba

__all__ = [
    "ANALYZER_PATTERN",
    "MAX_TOKEN_BYTES",
    "index_phrase_text",
    "index_search_text",
    "keep_token",
    "phrase_tokens",
    "query_tokens",
]

# Whitespace-delimited runs containing at least one letter or digit; used by the
# tantivy regex tokenizer so punctuation-only jieba tokens are dropped in Rust.
ANALYZER_PATTERN = r"[^\s]*[\p{L}\p{N}][^\s]*"
# tantivy's RemoveLongFilter counts UTF-8 bytes (verified: a 4-character Chinese
# token is dropped at limit 10), so the query side must use the same measure.
MAX_TOKEN_BYTES = 120
_WORDLIKE = re.compile(r"[^\W_]")


def keep_token(tok: str) -> bool:
    """Python mirror of the Rust analyzer's filter (letters/digits, not too long)."""
    return (
        bool(_WORDLIKE.search(tok))
        and not any(c.isspace() for c in tok)
        and len(tok.encode()) < MAX_TOKEN_BYTES
    )


def index_search_text(text: str) -> str:
    """Search-mode tokens joined by spaces, for the ``<f>_s`` fields."""
    return " ".join(rjieba.cut_for_search(text)) if text else ""


def index_phrase_text(text: str) -> str:
    """Precise-mode tokens joined by spaces, for the positional ``<f>`` fields."""
    return " ".join(rjieba.cut(text)) if text else ""


def phrase_tokens(text: str) -> list[str]:
    """Precise-mode tokens of a quoted phrase, filtered and lower-cased like the index."""
    return [t.lower() for t in rjieba.cut(text) if keep_token(t)][:256]


def query_tokens(text: str) -> list[str]:
    """The finest cover of ``text`` by search-mode tokens (see module docstring)."""
    spans = [(s, e, w) for (w, s, e) in rjieba.tokenize(text, mode="search")]
    shortest: dict[int, tuple[int, str]] = {}
    for s, e, w in spans:
        if s not in shortest or e < shortest[s][0]:
            shortest[s] = (e, w)
    out: list[str] = []
    pos, n = 0, len(text)
    while pos < n:
        if pos in shortest:
            end, word = shortest[pos]
            if keep_token(word):
                out.append(word.lower())
            pos = end
        else:
            pos += 1
    # Order-preserving de-duplication: "电池电池" needs 电池 only once.
    return list(dict.fromkeys(out))
