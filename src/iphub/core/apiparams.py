"""Paging and filter parameters of the JSON API, checked in one place.

A bare ``limit: int`` takes ``-1`` or ``17786133656739624960`` and the database
answers 500 (negative slicing, integer overflow); ``year=-114`` breaks the date
arithmetic. Endpoints annotate their parameters with the types here, so the
bounds (and their OpenAPI documentation) are the same everywhere, and a value
outside them is a 422 naming the field in Chinese (issue 18, finding 11).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from ninja.parser import Parser

from iphub.core.validators import strip_invisible

MAX_LIMIT = 500
# Deeper than any list the platform keeps; keeps SQL OFFSET inside a 64-bit int.
MAX_OFFSET = 10_000_000
# Chinese patent law dates from 1985; nothing the platform counts is older.
MIN_YEAR, MAX_YEAR = 1985, 2100

Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description=f"每页条数，1 到 {MAX_LIMIT}")]
Offset = Annotated[int, Field(ge=0, le=MAX_OFFSET, description="跳过的条数，不小于 0")]
# Row ids are 64-bit in the database; a longer number is no id (and overflows SQLite).
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1, description="记录编号")]
Year = Annotated[
    int, Field(ge=MIN_YEAR, le=MAX_YEAR, description=f"年份，{MIN_YEAR} 到 {MAX_YEAR}")
]


class Pagination(LimitOffsetPagination):
    """ninja's limit/offset paging with the platform's bounds."""

    class Input(Schema):
        limit: Limit = 100
        offset: Offset = 0


class BodyNotObject(ValueError):
    """A JSON body that is not an object (``null``, a list, a number)."""


class ObjectBodyParser(Parser):
    """Every JSON body of this API is an object. ninja reads ``null`` as "no
    body" and fills every field with its default, so ``POST /patents/exports``
    with ``null`` exported the whole corpus; refuse it instead."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise BodyNotObject('请求体应为 JSON 对象，例如 {"q": "TI=电池"}。')
        return _cleaned(data)

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        return _cleaned(super().parse_querydict(data, list_fields, request))


def _cleaned(value: Any) -> Any:
    """Every string of a request without control or bidi-override characters:
    the API's validation edge for free text (a NUL answered 500 on PostgreSQL,
    U+202E reversed names on the public verification page)."""
    if isinstance(value, str):
        return strip_invisible(value)
    if isinstance(value, dict):
        return {_cleaned(k): _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


def validation_message(err: dict[str, Any]) -> str:
    """A pydantic error as the Chinese sentence a user reads."""
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    msg = str(err.get("msg", ""))
    if msg.startswith("Value error, "):
        return msg.removeprefix("Value error, ")
    known = {
        "missing": "此项为必填项。",
        "int_parsing": "应为整数。",
        "int_from_float": "应为整数。",
        "float_parsing": "应为数字。",
        "decimal_parsing": "应为数字。",
        "finite_number": "应为有限的数字。",
        "bool_parsing": "应为 true 或 false。",
        "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD。",
        "date_parsing": "日期格式应为 YYYY-MM-DD。",
        "datetime_parsing": "时间格式应为 YYYY-MM-DDTHH:MM:SS。",
        "string_type": "应为文本。",
        "model_type": "应为 JSON 对象。",
        "dict_type": "应为 JSON 对象。",
        "list_type": "应为列表。",
    }
    if kind in known:
        return known[kind]
    if kind == "greater_than_equal":
        return f"应不小于 {ctx.get('ge')}。"
    if kind == "greater_than":
        return f"应大于 {ctx.get('gt')}。"
    if kind == "less_than_equal":
        return f"应不大于 {ctx.get('le')}。"
    if kind == "less_than":
        return f"应小于 {ctx.get('lt')}。"
    if kind == "string_too_long":
        return f"不超过 {ctx.get('max_length')} 个字符。"
    if kind == "string_too_short":
        return f"至少 {ctx.get('min_length')} 个字符。"
    return f"取值有误：{msg}"
