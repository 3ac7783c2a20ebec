"""Applicant / inventor name cleaning and splitting.

Two outputs, on purpose:

* :func:`clean_applicant` — the display name: half-width ASCII, ``（）`` -> ``()``, no stray
  spaces. It still says ``有限责任公司`` if the source did.
* :func:`applicant_key` — a grouping key that also folds legal-form variants
  (``有限责任公司`` -> ``有限公司``, ``股份有限公司`` kept distinct) and Latin case, so one
  organisation's patents come together in statistics (GB/T 39551 data cleaning:
  "applicant-name normalisation").

:func:`split_names` knows the separators the sample data actually uses (``;;`` for
inventors, ``;`` for applicants) and, importantly, where ``、`` and ``,`` are *not*
separators: ``、`` in the data only appears inside brackets listing an institution's
other names (``中山大学肿瘤防治中心(中山大学附属肿瘤医院、中山大学肿瘤研究所)``), and
``,`` only inside Latin names (``Hitachi, Ltd.``, ``LO, Yuk-Ming Dennis``).
"""

from __future__ import annotations

import functools
import re

__all__ = [
    "UNSPLITTABLE_NAMES",
    "applicant_key",
    "clean_applicant",
    "clean_person",
    "split_names",
]

# Real organisation names that contain a top-level "、" (joint-administration institutes).
# Seen in ccf2022_patents.jsonl; extend as the office meets more.
UNSPLITTABLE_NAMES: tuple[str, ...] = ("中国科学院、水利部成都山地灾害与环境研究所",)

_CJK = re.compile(r"[\u3400-\u9fff]")
_OPEN = "(（[【〔"
_CLOSE = ")）]】〕"

# Legal-form variants folded in the key. Order matters: longest first.
_LEGAL_FORM_FOLDS: tuple[tuple[str, str], ...] = (
    ("有限责任公司", "有限公司"),
    ("有限公司", "有限公司"),
)
_LATIN_FORM_FOLDS: tuple[tuple[str, str], ...] = (
    (r"\bCO\.?,?\s*LTD\.?$", "CO LTD"),
    (r"\bCORPORATION$", "CORP"),
    (r"\bCORP\.$", "CORP"),
    (r"\bINCORPORATED$", "INC"),
    (r",?\s*INC\.?$", " INC"),
    (r"\bLIMITED$", "LTD"),
    (r"\bLTD\.$", "LTD"),
)


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}
_BRACKETS_ASCII = {ord("〔"): "(", ord("〕"): ")", ord("【"): "(", ord("】"): ")"}
_CLEAN = str.maketrans(_HALFWIDTH | _BRACKETS_ASCII)
_SPACES = re.compile(r"\s+")
_SPACE_NEAR_CJK = re.compile(r"\s*([\u3400-\u9fff()])\s*")
# Names repeat across a file (one applicant files many patents): the clean forms of
# the last names seen are kept (an import calls these for every party of every row).
_NAME_CACHE = 65_536


def _halfwidth(text: str) -> str:
    """Full-width ASCII (Ａ-Ｚ, ０-９, （）, ＆ …) to half-width; CJK left alone.

    NFKC would also do this but changes other compatibility characters (e.g. ㈱, ⅱ) in
    ways a display name should not change, so only the U+FF01-FF5E block and the
    ideographic space are mapped.
    """
    return text.translate(_HALFWIDTH)


@functools.lru_cache(maxsize=_NAME_CACHE)
def clean_applicant(name: str) -> str:
    """Display form of an applicant name.

    Chinese names lose all spaces (they are typing noise there); Latin names keep single
    spaces between words. Brackets become ASCII ``()``.
    """
    text = _SPACES.sub(" ", (name or "").translate(_CLEAN)).strip()
    if " " in text and _CJK.search(text):
        # Remove spaces next to CJK characters and brackets; keep "Co. Ltd" style gaps
        # between two Latin words (e.g. "伊姆西IP控股" has none, "ABB Schweiz" does).
        text = _SPACE_NEAR_CJK.sub(r"\1", text)
    return text


def clean_person(name: str) -> str:
    """Display form of an inventor name (same rules as applicants)."""
    return clean_applicant(name)


@functools.lru_cache(maxsize=_NAME_CACHE)
def applicant_key(name: str) -> str:
    """Grouping key: display form + case folding + legal-form folding."""
    text = clean_applicant(name).upper()
    for long, short in _LEGAL_FORM_FOLDS:
        if text.endswith(long):
            text = text[: -len(long)] + short
            break
    for pattern, repl in _LATIN_FORM_FOLDS:
        text = re.sub(pattern, repl, text)
    # Punctuation differences in Latin names ("Co., Ltd." vs "Co Ltd") are noise.
    if not _CJK.search(text):
        text = re.sub(r"[.,]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


_ANY_BRACKET = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")


@functools.lru_cache(maxsize=8)
def _separators(seps: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(seps)}]")


def _split_top_level(text: str, seps: str) -> list[str]:
    """Split on any char in ``seps`` that is outside brackets."""
    if not _ANY_BRACKET.search(text):
        return _separators(seps).split(text)  # no brackets: every separator is top-level
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _split_commas(piece: str) -> list[str]:
    """``,`` / ``，`` / ``、`` separate names only between CJK names.

    ``Hitachi, Ltd.`` and ``LO, Yuk-Ming Dennis`` stay whole: a piece without CJK is a
    Latin name whose commas belong to it.
    """
    if piece in UNSPLITTABLE_NAMES:
        return [piece]
    parts = _split_top_level(piece, ",，、")
    if len(parts) > 1 and all(_CJK.search(p) for p in parts if p.strip()):
        return parts
    return [piece]


def split_names(raw: str) -> list[str]:
    """Split an applicants/inventors field into cleaned names, dropping empties and dupes.

    ``;;`` (inventors in patent_titles_4800.csv), ``;`` and ``；`` always separate;
    ``、`` / ``,`` / ``，`` separate only at bracket depth 0 and only between CJK names.
    """
    if not raw:
        return []
    names: list[str] = []
    for piece in _split_top_level(_halfwidth(raw).replace("；", ";"), ";\n"):
        for name in _split_commas(piece.strip()):
            cleaned = clean_applicant(name)
            if cleaned and cleaned not in names:
                names.append(cleaned)
    return names
