"""Validators for codes that identify parties, each in one place (STYLE.md).

Used by forms, API schemas and importers alike. Every function returns the
normalised value or raises :class:`ApplicationError` with a Chinese message
that says what to fix.
"""

from __future__ import annotations

import re
import unicodedata

from iphub.core.errors import ApplicationError, ErrorCode

# GB 32100-2015: 31 characters, no I, O, S, V, Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code (positions 9-17 of the USCC).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _halfwidth_upper(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip().replace(" ", "").upper()


def uscc_check_char(first17: str) -> str:
    """The 18th character of a USCC for its first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character over the 8-character organisation code body."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(raw: str) -> str:
    """Return the normalised Unified Social Credit Code or raise with what is wrong."""
    code = _halfwidth_upper(raw)

    def invalid(msg: str) -> ApplicationError:
        return ApplicationError(msg, code=ErrorCode.INVALID_USCC, fields={"uscc": msg})

    if len(code) != 18:
        raise invalid(f"统一社会信用代码应为 18 位，您输入了 {len(code)} 位。")
    bad = [c for c in code if c not in USCC_ALPHABET]
    if bad:
        raise invalid(
            f"统一社会信用代码含有不允许的字符“{bad[0]}”（不使用 I、O、S、V、Z），请核对。"
        )
    if not code[2:8].isdigit():
        raise invalid("统一社会信用代码第 3-8 位应为登记管理机关的行政区划码（6 位数字）。")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise invalid(f"统一社会信用代码校验位错误：第 18 位应为“{expected}”，请核对是否输错。")
    return code


def is_valid_uscc(raw: str) -> bool:
    try:
        validate_uscc(raw)
    except ApplicationError:
        return False
    return True


def validate_resident_id(raw: str) -> str:
    """Return the normalised 18-digit resident ID number (GB 11643) or raise."""
    value = _halfwidth_upper(raw)

    def invalid(msg: str) -> ApplicationError:
        return ApplicationError(msg, code=ErrorCode.INVALID_ID_NUMBER, fields={"id_number": msg})

    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise invalid("身份证号应为 18 位：前 17 位数字，最后一位数字或 X。")
    total = sum(int(c) * w for c, w in zip(value[:17], _ID_WEIGHTS, strict=True))
    expected = _ID_CHECK[total % 11]
    if value[17] != expected:
        raise invalid(f"身份证号校验位错误：最后一位应为“{expected}”，请核对。")
    return value


def validate_mobile(raw: str) -> str:
    """Mainland mobile (11 digits starting 1) or landline with area code."""
    value = _halfwidth_upper(raw).replace("-", "")
    if re.fullmatch(r"1[3-9]\d{9}", value) or re.fullmatch(r"0\d{9,11}", value):
        return value
    msg = "电话号码格式不正确：手机号为 11 位数字，固定电话请带区号（如 02787654321）。"
    raise ApplicationError(msg, code=ErrorCode.INVALID_PHONE, fields={"phone": msg})


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678`` (PIPL: shown masked in every listing)."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_id_number(value: str) -> str:
    """Keep the first 6 and the last 4 characters (DOMAIN.md)."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(value: str) -> str:
    """``张三丰`` → ``张**``: a contact's name is personal information too."""
    return value[:1] + "*" * (len(value) - 1) if value else ""


# Characters that change how text reads without being text: C0/C1 controls (but
# tab and newlines), and the Unicode bidi controls (LRM/RLM, ALM, embeddings,
# overrides such as U+202E, isolates). An organisation named "…\u202etxt.exe"
# would read reversed on the public verification page; a NUL cannot even be
# stored in PostgreSQL (issue 18, finding 13).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def strip_invisible(text: str) -> str:
    """``text`` without control and bidi-override characters (what a reader sees)."""
    return _INVISIBLE.sub("", text)
