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

from iphub.core.arrays import distinct

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


def body_text(*, abstract: str = "", claims: str = "") -> str:
    """What the edited-copy stage compares: abstract and claims, canonical.

    The title is left out on purpose: titles are short formulas ("一种……的制备方法")
    shared by unrelated inventions, and a copier keeps or changes them at will;
    the body is where a copy is.
    """
    return canonical(" ".join(part for part in (abstract, claims) if part))


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
    return distinct(shingle_codes(text, k))


def exact_jaccard(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle-hash arrays."""
    if len(a) == 0 and len(b) == 0:
        return 0.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


# -- edited-copy stage: canonical text and winnowing fingerprints ----------------

# Synonyms a copier swaps in claims, each folded to one canonical form (the
# first word of the row). Curated by hand from the patterns seen in Chinese
# claim drafting: the pairs are interchangeable in a claim without changing
# what is protected ("所述"/"该", "包括"/"包含", "装置"/"设备"...). Longer words
# come first so that a word is never half-replaced by a shorter one.
CLAIM_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("所述", ("该",)),
    ("装置", ("设备",)),
    ("连接", ("相连", "联接", "连结")),
    ("包括", ("包含", "含有")),
    ("设置", ("设有", "安装", "布置")),
    ("方法", ("工艺",)),
    ("固定", ("固接", "固连")),
    ("用于", ("用来", "用以")),
    ("模块", ("单元", "组件")),
    ("系统", ("平台",)),
    ("获取", ("采集", "获得")),
    ("第一", ("首个",)),
    ("通过", ("经由", "借助")),
    ("位于", ("处于",)),
    ("以及", ("和", "及", "与")),
)
_SYNONYM_MAP = {alt: canon for canon, alts in CLAIM_SYNONYMS for alt in alts}
_SYNONYM_RE = re.compile("|".join(sorted(map(re.escape, _SYNONYM_MAP), key=len, reverse=True)))
_NUMBER = re.compile(
    r"\d+(?:\.\d+)?|[零一二三四五六七八九十百千万]+(?=[个种次倍度小时分秒层份克毫厘米升])"
)
# Winnowing: k-character grams, the minimum hash of every window of w grams.
# Any shared run of w + k - 1 = 8 characters is guaranteed a shared fingerprint,
# whatever order the clauses come in.
WINNOW_K = 5
WINNOW_W = 4


def canonical(text: str) -> str:
    """``normalise`` then fold claim synonyms and numbers (any number becomes ``#``).

    A changed number ("850 °C" to "900 °C") or a swapped synonym is then no edit
    at all for the fingerprints and the containment that follow.
    """
    text = normalise(text)
    text = _SYNONYM_RE.sub(lambda m: _SYNONYM_MAP[m.group()], text)
    return _NUMBER.sub("#", text)


def _mix64(x: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def gram_codes(text: str, k: int) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of every ``k``-character run of ``text``, in text order."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    return gram_codes_of(codes, k)


def gram_codes_of(codes: npt.NDArray[np.uint64], k: int) -> npt.NDArray[np.uint64]:
    """``gram_codes`` of a text given as its code points."""
    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for i in range(k):
        h = _mix64(h ^ codes[i : i + n])
    return h


def covered_mask(
    grams: npt.NDArray[np.uint64], other: npt.NDArray[np.uint64], run: int
) -> npt.NDArray[np.bool_]:
    """Per character of a text: True when it lies in a ``run``-character passage
    found anywhere in another text (in any order).

    ``grams`` are the text's ``run``-grams in order (``gram_codes``), ``other``
    the other text's as a sorted array. A character is covered when one of the
    ``run`` grams that contain it is shared: a convolution of the hit vector.
    """
    n = len(grams) + run - 1 if len(grams) else 0
    if len(grams) == 0 or len(other) == 0:
        return np.zeros(n, dtype=bool)
    pos = np.searchsorted(other, grams)
    pos[pos == len(other)] = 0
    hit = (other[pos] == grams).astype(np.int32)
    return np.convolve(hit, np.ones(run, dtype=np.int32)) > 0


def winnow(text: str, k: int = WINNOW_K, w: int = WINNOW_W) -> npt.NDArray[np.uint64]:
    """The distinct winnowing fingerprints of ``text`` (Schleimer et al.'s scheme).

    Order-free: a reordered clause keeps its fingerprints, so two texts sharing
    clauses in any order share fingerprints.
    """
    h = gram_codes(text, k)
    n = len(h)
    if n == 0:
        return h
    if n <= w:
        return h[[int(np.argmin(h))]]
    windows = np.lib.stride_tricks.sliding_window_view(h, w)
    return distinct(windows.min(axis=1))


WINNOW_BLOCK = 4096


def winnow_many(
    texts: list[str], k: int = WINNOW_K, w: int = WINNOW_W
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """``winnow`` of every text at once: distinct ``(fingerprint, text index)`` pairs.

    The texts of a block are hashed as one string and the windows that cross
    from one text into the next are dropped: a handful of numpy calls per block
    of WINNOW_BLOCK texts rather than per text, which at 10^5-10^6 records is
    most of the stage's time otherwise. Texts shorter than ``k + w - 1``
    characters (one window) give no fingerprint.
    """
    fps: list[npt.NDArray[np.uint64]] = []
    rows: list[npt.NDArray[np.int64]] = []
    span = k + w - 1
    for start in range(0, len(texts), WINNOW_BLOCK):
        block = texts[start : start + WINNOW_BLOCK]
        codes = np.frombuffer("".join(block).encode("utf-32-le"), dtype=np.uint32)
        if len(codes) < span:
            continue
        lengths = np.fromiter(map(len, block), dtype=np.int64, count=len(block))
        owner = np.repeat(np.arange(start, start + len(block), dtype=np.int64), lengths)
        h = gram_codes_of(codes.astype(np.uint64), k)
        mins = np.lib.stride_tricks.sliding_window_view(h, w).min(axis=1)
        # A window starting at character p ends at p + span - 1: same text, or dropped.
        inside = owner[: len(mins)] == owner[span - 1 :]
        fps.append(mins[inside])
        rows.append(owner[: len(mins)][inside])
    if not fps:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    fp, row = np.concatenate(fps), np.concatenate(rows)
    # Rows ascend along the concatenation, so a stable sort by fingerprint (a
    # radix sort) leaves a text's repeats of one fingerprint side by side.
    order = np.argsort(fp, kind="stable")
    fp, row = fp[order], row[order]
    first = np.ones(len(fp), dtype=bool)
    first[1:] = (fp[1:] != fp[:-1]) | (row[1:] != row[:-1])
    return fp[first], row[first]


def gram_codes_many(texts: list[str], k: int) -> list[npt.NDArray[np.uint64]]:
    """``gram_codes`` of each text, hashed as one string and split (see ``winnow_many``)."""
    if not texts:
        return []
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    h = gram_codes_of(codes.astype(np.uint64), k)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    # Text i's grams start where it starts and number len - k + 1 (none if shorter).
    return [
        h[a : a + n - k + 1] if n >= k else h[:0]
        for a, n in zip(starts.tolist(), lengths.tolist(), strict=True)
    ]


def containment(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    """Share of the smaller shingle set found in the other: 1.0 when one text
    is wholly inside the other (a claim set recombined from two sources)."""
    small = min(len(a), len(b))
    if small == 0:
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / small
