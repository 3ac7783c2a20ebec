"""Input checks shared by the overseas services (one place for each rule)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from iphub.core.errors import field_error
from iphub.overseas.countries import COUNTRIES, LANGUAGES


def text(data: dict[str, Any], key: str, label: str, *, limit: int, required: bool = True) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise field_error(key, f"请填写{label}。")
    if len(value) > limit:
        raise field_error(key, f"{label}最多 {limit} 个字。")
    return value


def country(value: Any, key: str = "country") -> str:
    code = str(value or "").strip().upper()
    if code not in COUNTRIES:
        raise field_error(key, "请从列表中选择国家/地区。")
    return code


def countries(values: Iterable[Any], key: str = "countries") -> list[str]:
    out = [country(v, key) for v in values if str(v).strip()]
    if not out:
        raise field_error(key, "请至少选择一个熟悉的国家/地区。")
    return sorted(set(out))


def languages(values: Iterable[Any]) -> list[str]:
    out = sorted({str(v).strip() for v in values if str(v).strip()})
    unknown = [v for v in out if v not in LANGUAGES]
    if unknown or not out:
        raise field_error("languages", "请从列表中选择至少一种工作语言。")
    return out
