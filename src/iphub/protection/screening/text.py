"""Text preparation for near-duplicate screening.

Chinese has no spaces between words, so documents are compared as sets of
character shingles (overlapping runs of ``k`` characters) of a normalised text:
full-width forms folded (NFKC), Latin lower-cased, and whitespace and
punctuation dropped, since a re-punctuated copy is still a copy.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import numpy.typing as npt

SHINGLE_K = 3
_NOISE = re.compile(r"[\W_]+", re.UNICODE)
# Boilerplate that opens most Chinese abstracts; two unrelated abstracts that
# both start "本发明公开了一种" should not look alike because of it.
_BOILERPLATE = (
    "本发明公开了一种",
    "本实用新型公开了一种",
    "本发明涉及",
    "本实用新型涉及",
    "本发明提供了一种",
)


def normalise(text: str) -> str:
    """Fold width and case, drop whitespace, punctuation and opening boilerplate.

    Punctuation goes first: Chinese text is full of full-width commas, which
    NFKC would fold one by one; without them most texts are already in NFKC
    form, and the check (``is_normalized``) costs a microsecond where NFKC on a
    whole abstract costs a hundred.
    """
    text = _NOISE.sub("", text or "")
    if not unicodedata.is_normalized("NFKC", text):
        text = _NOISE.sub("", unicodedata.normalize("NFKC", text))
    text = text.lower()
    for phrase in _BOILERPLATE:
        text = text.replace(phrase, "")
    return text


def screening_text(*, title: str, abstract: str = "", claims: str = "") -> str:
    """The text a patent is compared by: title, abstract and claims together."""
    return normalise(" ".join(part for part in (title, abstract, claims) if part))


def shingle_codes(text: str, k: int = SHINGLE_K) -> npt.NDArray[np.uint64]:
    """The 64-bit codes of ``text``'s ``k``-character shingles, in text order, repeats kept.

    Code points are below 2**21, so three of them pack into one 64-bit word
    without collision, in numpy with no Python loop per shingle. MinHash needs
    no de-duplication (a repeat never changes a minimum), so this skips it.
    A text shorter than ``k`` is one shingle of itself.
    """
    if not text:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        codes = np.concatenate([codes, np.zeros(k - len(codes), dtype=np.uint64)])
    n = len(codes) - k + 1
    h = np.zeros(n, dtype=np.uint64)
    for i in range(k):
        h = (h << np.uint64(21)) | codes[i : i + n]
    return h


def shingle_hashes(text: str, k: int = SHINGLE_K) -> npt.NDArray[np.uint64]:
    """The sorted distinct shingle codes of ``text``: its shingle set, for exact Jaccard."""
    return np.unique(shingle_codes(text, k))


def exact_jaccard(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle-hash arrays."""
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)
