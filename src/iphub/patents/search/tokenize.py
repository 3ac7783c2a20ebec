"""Chinese tokenisation with rjieba, shared by indexing and querying.

Each text field (title, abstract, claims, description) is indexed once, with
positions, from jieba's *search mode*: every word followed by its in-dictionary
2- and 3-character sub-words in jieba's order (sub-words first, then the
word), so ``锂离子电池`` is findable as ``电池`` or ``离子``.

Python only replaces punctuation/symbols by spaces (``str.translate``, C speed),
calls jieba and joins the words with spaces; tantivy's whitespace tokenizer plus
lower-case and long-token filters do the rest in Rust. Measured on this machine:
a per-token Python loop, ``tantivy.Token`` objects for ``PreTokenizedString``, a
Rust regex tokenizer, or a second (precise-mode) positional copy of every text
each cost more than the 1M-document build budget allows.

Query side, unquoted ``锂离子电池`` becomes the AND of its "finest cover": the
shortest search-mode tokens that tile the text left to right (``锂离子`` +
``电池``; ``理工大学`` -> ``理工`` + ``大学``). Search mode emits all in-dictionary
2/3-grams of any longer word, so those tokens are present in every document that
contains the text whatever jieba does with the surrounding context; a phrase
over precise-mode tokens would miss ``理工大学`` inside ``武汉理工大学``. AND
rather than OR because a searcher typing 锂离子电池 does not want every document
that mentions 电池. Quoted phrases are a phrase query over the same search-mode
token stream as the index, i.e. they match where the document contains the text
segmented the same way (documented limitation: a quoted fragment that cuts
through a word, such as "离子电池" inside 锂离子电池, is not found).
"""

from __future__ import annotations

import re

import rjieba

__all__ = [
    "MAX_TOKEN_BYTES",
    "index_text",
    "keep_token",
    "normalize_text",
    "phrase_tokens",
    "query_tokens",
]

# tantivy's RemoveLongFilter counts UTF-8 bytes (verified: a 4-character Chinese
# token is dropped at limit 10), so the query side must use the same measure.
MAX_TOKEN_BYTES = 120
_WORDLIKE = re.compile(r"[^\W_]")


def keep_token(tok: str) -> bool:
    """Whether the index keeps this token (has a letter/digit, no space, not too long)."""
    return (
        bool(_WORDLIKE.search(tok))
        and not any(c.isspace() for c in tok)
        and len(tok.encode()) < MAX_TOKEN_BYTES
    )


# Punctuation and symbols become spaces: jieba splits at them anyway, so
# segmentation is unchanged and no punctuation token reaches the index. The class
# lists the blocks that occur in Chinese patent text (ASCII, Latin-1, general
# punctuation, arrows/maths/shapes, CJK punctuation, full-width forms) rather than
# every Unicode P*/S* code point: a class built from all of them made this regex
# cost more than jieba itself. Stray rare symbols are merely indexed as tokens.
_PUNCT = re.compile(
    "[\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e\xa0-\xbf\xd7\xf7"
    "\u2000-\u206f\u2190-\u23ff\u2460-\u27bf\u3000-\u303f\ufe30-\ufe4f"
    "\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"
)


def normalize_text(text: str) -> str:
    """Replace punctuation and symbols by spaces (same for index and query)."""
    return _PUNCT.sub(" ", text)


def index_text(text: str) -> str:
    """Search-mode tokens of ``text`` joined by spaces (tantivy splits on whitespace)."""
    return " ".join(rjieba.cut_for_search(normalize_text(text))) if text else ""


def phrase_tokens(text: str) -> list[str]:
    """Search-mode token stream of a quoted phrase, filtered and lower-cased like the index."""
    toks = rjieba.cut_for_search(normalize_text(text))
    return [t.lower() for t in toks if keep_token(t)][:256]


def query_tokens(text: str) -> list[str]:
    """The finest cover of ``text`` by search-mode tokens (see module docstring)."""
    text = normalize_text(text)
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
