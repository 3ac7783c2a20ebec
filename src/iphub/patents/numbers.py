"""Chinese patent application and publication numbers: normalisation and check characters.

Formats (see /work/shared/DOMAIN.md):

* Application number since 1 Oct 2003: ``YYYYTNNNNNNN.C`` — filing year, type digit T,
  7-digit serial, check character C (weights 2,3,4,5,6,7,8,9,2,3,4,5 over the 12 digits,
  sum mod 11, 10 written ``X``).
* Before Oct 2003: ``YYTNNNNN.C`` — 8 digits, weights 2..9.
* Patent number = ``ZL`` + application number, so ``ZL`` is accepted as a prefix.
* Publication / grant numbers: ``CN`` + 9 digits (since 2007, first digit the type) or
  ``CN`` + 7 digits (older), followed by an optional kind code.

Users paste numbers from PDFs, web pages and Excel, so the normaliser accepts full-width
characters, spaces, a missing dot and a lower-case ``x``. Every rejection says what is
wrong and what the right form looks like, in Chinese, because the message is shown to
applicants and examiners as-is.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import Literal

__all__ = [
    "KIND_CODES",
    "ApplicationType",
    "NumberFormatError",
    "application_check_char",
    "application_type",
    "application_year",
    "format_publication_number",
    "is_valid_application_number",
    "normalize_application_number",
    "normalize_publication_number",
]

ApplicationType = Literal["invention", "utility", "design", "pct_invention", "pct_utility"]

# Type digit -> type. Same digits in the old 8-digit and the new 12-digit form.
_TYPE_BY_DIGIT: dict[str, ApplicationType] = {
    "1": "invention",
    "2": "utility",
    "3": "design",
    "8": "pct_invention",
    "9": "pct_utility",
}
_TYPE_ZH = {"1": "发明", "2": "实用新型", "3": "外观设计", "8": "PCT发明", "9": "PCT实用新型"}

_WEIGHTS_12 = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_WEIGHTS_8 = (2, 3, 4, 5, 6, 7, 8, 9)

# The 12-digit form started on 1 Oct 2003; the 1985 Patent Law is the lower bound of the
# old form. Two-digit years 85-99 and 00-03 are therefore the only plausible old years.
_FIRST_NEW_YEAR = 2003
_OLD_YEARS = {f"{y:02d}" for y in (*range(85, 100), *range(0, 4))}

# Kind codes per type digit of a 9-digit (2007+) publication number. Old 7-digit numbers
# used A/C (invention), U/Y (utility model) and D/S (design).
KIND_CODES: dict[str, frozenset[str]] = {
    "1": frozenset({"A", "B", "C", "A8", "A9", "B8", "B9", *(f"C{i}" for i in range(1, 8))}),
    "2": frozenset({"U", "Y", "U8", "U9", *(f"Y{i}" for i in range(1, 8))}),
    "3": frozenset({"S", "D", "S9"}),
}
_ALL_KINDS = frozenset().union(*KIND_CODES.values())


class NumberFormatError(ValueError):
    """A patent number that cannot be normalised.

    ``code`` is a stable machine-readable reason (for tests and API clients);
    ``message`` is the Chinese explanation shown to the user.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _to_halfwidth(raw: str) -> str:
    """Fold full-width digits/letters/dot (common in pasted Chinese text) to ASCII."""
    # NFKC maps ０-９, Ａ-Ｚ and the full-width full stop "．" to ASCII; the ideographic
    # full stop "。" is not folded by NFKC but people type it for the dot too.
    return unicodedata.normalize("NFKC", raw).replace("。", ".")


def application_check_char(digits: str) -> str:
    """Return the check character for the 12 (new) or 8 (old) digits of an application number.

    >>> application_check_char("201710601862")
    '3'
    >>> application_check_char("95115608")
    'X'
    """
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (8, 12):
        raise NumberFormatError(
            "bad_length", f"计算校验位需要 12 位（或 2003 年前的 8 位）数字，输入为“{digits}”"
        )
    weights = _WEIGHTS_12 if len(digits) == 12 else _WEIGHTS_8
    rest = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "X" if rest == 10 else str(rest)


_APP_STRIP = re.compile(r"[\s\-_]+")
_APP_PREFIX = re.compile(r"^(?:CN|ZL)+")
_APP_SHAPE = re.compile(r"^(\d+)(?:\.?([0-9X]))?$")

_FORM_HINT = "正确格式如 201710601862.3（2003 年 10 月前为 95115608.X）"


def normalize_application_number(raw: str) -> str:
    """Return the canonical application number (``YYYYTNNNNNNN.C`` or ``YYTNNNNN.C``).

    Accepts ``CN``/``ZL`` prefixes, spaces, a missing dot, full-width characters and a
    lower-case ``x``. Raises :class:`NumberFormatError` with a Chinese message otherwise.
    """
    if raw is None or not str(raw).strip():
        raise NumberFormatError("empty", f"申请号为空，{_FORM_HINT}")
    text = _APP_STRIP.sub("", _to_halfwidth(str(raw)).upper())
    text = _APP_PREFIX.sub("", text)
    match = _APP_SHAPE.match(text)
    if not match:
        raise NumberFormatError("bad_chars", f"申请号“{raw}”含有无法识别的字符，{_FORM_HINT}")
    body, check = match.group(1), match.group(2)
    # "2017106018623" (13 digits, no dot) is body + check digit run together.
    if check is None and len(body) in (9, 13):
        body, check = body[:-1], body[-1]
    if len(body) not in (8, 12):
        raise NumberFormatError(
            "bad_length",
            f"申请号“{raw}”的数字部分有 {len(body)} 位，应为 12 位（2003 年 10 月前为 8 位）"
            f"加 1 位校验位，{_FORM_HINT}",
        )
    _check_year_and_type(raw, body)
    expected = application_check_char(body)
    if check is None:
        raise NumberFormatError("missing_check", f"申请号“{raw}”缺少校验位，应为 {body}.{expected}")
    if check != expected:
        raise NumberFormatError(
            "bad_check",
            f"申请号“{raw}”校验位错误：校验位应为 {expected}，输入为 {check}"
            "（请核对各位数字是否抄错）",
        )
    return f"{body}.{check}"


def _check_year_and_type(raw: str, body: str) -> None:
    """Reject impossible filing years and type digits before the check-digit test.

    A plausible-looking number with year 2099 would otherwise pass its check digit and
    end up as a record nobody can find.
    """
    if len(body) == 12:
        year, type_digit = int(body[:4]), body[4]
        latest = _dt.date.today().year + 1  # +1: clock skew around New Year
        if not _FIRST_NEW_YEAR <= year <= latest:
            raise NumberFormatError(
                "bad_year",
                f"申请号“{raw}”的年份 {year} 不合理：12 位申请号的年份应在 "
                f"{_FIRST_NEW_YEAR}–{latest} 之间",
            )
    else:
        year_2, type_digit = body[:2], body[2]
        if year_2 not in _OLD_YEARS:
            raise NumberFormatError(
                "bad_year",
                f"申请号“{raw}”的年份 {year_2} 不合理：8 位申请号只用于 1985–2003 年",
            )
    if type_digit not in _TYPE_BY_DIGIT:
        pos = 5 if len(body) == 12 else 3
        raise NumberFormatError(
            "bad_type",
            f"申请号“{raw}”第 {pos} 位是专利类型，应为 1（发明）、2（实用新型）、"
            f"3（外观设计）、8（PCT发明）或 9（PCT实用新型），输入为 {type_digit}",
        )


def is_valid_application_number(raw: str) -> bool:
    """True when :func:`normalize_application_number` accepts ``raw``."""
    try:
        normalize_application_number(raw)
    except NumberFormatError:
        return False
    return True


def application_type(canonical: str) -> ApplicationType:
    """Type of an application from its (normalisable) number."""
    number = normalize_application_number(canonical)
    digit = number[4] if len(number) == 14 else number[2]
    return _TYPE_BY_DIGIT[digit]


def application_year(canonical: str) -> int:
    """Filing year encoded in an application number (two-digit years are 19xx/200x)."""
    number = normalize_application_number(canonical)
    if len(number) == 14:
        return int(number[:4])
    yy = int(number[:2])
    return 1900 + yy if yy >= 85 else 2000 + yy


_PUB_SHAPE = re.compile(r"^(?:CN)?(\d{7}|\d{9})([A-Z]\d?)?$")


def normalize_publication_number(raw: str) -> tuple[str, str]:
    """Split a CN publication/grant number into ``("CN" + digits, kind)``.

    ``kind`` is ``""`` when the user left it out. Kind codes are checked against the
    type digit (a ``U`` on an invention number is an error), because a wrong kind code
    points at a different document.
    """
    if raw is None or not str(raw).strip():
        raise NumberFormatError("empty", "公开（公告）号为空，正确格式如 CN115883397B")
    text = _APP_STRIP.sub("", _to_halfwidth(str(raw)).upper()).replace(".", "")
    match = _PUB_SHAPE.match(text)
    if not match:
        raise NumberFormatError(
            "bad_publication",
            f"公开（公告）号“{raw}”格式不对：应为 CN + 9 位数字（2007 年前为 7 位）"
            "+ 可选的文献种类代码，如 CN115883397B、CN218751475U",
        )
    digits, kind = match.group(1), match.group(2) or ""
    type_digit = digits[0]
    if type_digit not in KIND_CODES:
        raise NumberFormatError(
            "bad_type",
            f"公开（公告）号“{raw}”首位数字是专利类型，应为 1（发明）、2（实用新型）"
            f"或 3（外观设计），输入为 {type_digit}",
        )
    if kind and kind not in KIND_CODES[type_digit]:
        allowed = "、".join(sorted(KIND_CODES[type_digit]))
        what = "未知的文献种类代码" if kind not in _ALL_KINDS else "文献种类代码与专利类型不符"
        raise NumberFormatError(
            "bad_kind",
            f"公开（公告）号“{raw}”{what}：{_TYPE_ZH[type_digit]}应为 {allowed}，输入为 {kind}",
        )
    return f"CN{digits}", kind


def format_publication_number(number: str, kind: str = "") -> str:
    """Join a normalised number and kind code: ``("CN115883397", "B") -> "CN115883397B"``."""
    base, own_kind = normalize_publication_number(number + kind)
    return base + own_kind
