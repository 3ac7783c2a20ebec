"""The one amount parser (issue 18, finding 3): ranges per field, Chinese messages.

Before the fix there was no shared parser: ten ``Decimal(str(x))`` calls across
the apps let ``NaN``, ``Infinity`` and ``-1e999999`` through (see the app tests
test_figure_ranges.py, test_amount_ranges.py for the surfaces that answered 500).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.core.amounts import YUAN_16, NumberRange, parse_count, parse_number
from iphub.core.errors import ApplicationError

YUAN = NumberRange("成交金额", maximum=Decimal("999999999999.99"))
PLEDGE = NumberRange("质押金额", maximum=YUAN_16, positive=True)
COUNT = NumberRange("培训宣传活动场次", unit="场", maximum=Decimal(1_000_000), places=0)


@pytest.mark.parametrize(
    ("raw", "spec", "expected"),
    [
        ("800000.50", YUAN, Decimal("800000.50")),
        ("1,234,567.8", YUAN, Decimal("1234567.80")),
        ("１２３．４", YUAN, Decimal("123.40")),  # full-width, as typed with a Chinese IME
        (" 0 ", YUAN, Decimal("0.00")),
        (12, COUNT, Decimal(12)),
        (3.0, COUNT, Decimal(3)),  # a spreadsheet's number
        ("1e3", COUNT, Decimal(1000)),
        (Decimal("0.01"), PLEDGE, Decimal("0.01")),
        ("999999999999.99", YUAN, Decimal("999999999999.99")),
    ],
)
def test_accepts_what_people_type(raw: Any, spec: NumberRange, expected: Decimal) -> None:
    assert parse_number(raw, spec, field="x") == expected


@pytest.mark.parametrize(
    ("raw", "spec", "says"),
    [
        ("NaN", YUAN, "成交金额应为数字（0 到 999,999,999,999.99 元，最多保留两位小数）"),
        ("sNaN", YUAN, "成交金额应为数字"),
        ("Infinity", YUAN, "成交金额应为数字"),
        (float("inf"), YUAN, "成交金额应为数字"),
        (float("nan"), YUAN, "成交金额应为数字"),
        ("-1e999999", COUNT, "培训宣传活动场次应为 0 到 1,000,000 场的整数；您填写的是“-1e999999”"),
        ("1e999999", YUAN, "成交金额应为 0 到 999,999,999,999.99 元"),
        ("1e12", YUAN, "成交金额应为 0 到 999,999,999,999.99 元"),
        ("-0.01", YUAN, "成交金额应为 0 到"),
        ("0", PLEDGE, "质押金额应为 大于 0 且不超过 99,999,999,999,999.99 元"),
        ("1.005", YUAN, "成交金额最多保留两位小数"),
        ("2.5", COUNT, "培训宣传活动场次应为整数"),
        ("十二", COUNT, "培训宣传活动场次应为数字"),
        (True, COUNT, "培训宣传活动场次应为数字"),
        ("1" * 100, YUAN, "成交金额应为数字"),
    ],
)
def test_refuses_with_the_field_and_its_range(raw: Any, spec: NumberRange, says: str) -> None:
    with pytest.raises(ApplicationError) as exc:
        parse_number(raw, spec, field="amount")
    assert exc.value.code == "invalid_number"
    assert says in exc.value.fields["amount"] and exc.value.message == exc.value.fields["amount"]


def test_empty_is_none_unless_required() -> None:
    assert parse_number("", YUAN, field="amount") is None
    assert parse_number(None, YUAN, field="amount") is None
    with pytest.raises(ApplicationError) as exc:
        parse_number("  ", PLEDGE, field="amount", required=True)
    assert "请填写质押金额" in exc.value.fields["amount"]
    assert parse_count("7", COUNT, field="n") == 7


@given(st.one_of(st.text(max_size=60), st.floats(), st.integers(), st.decimals()))
def test_anything_is_a_number_in_range_or_a_chinese_error(raw: Any) -> None:
    try:
        value = parse_number(raw, YUAN, field="amount")
    except ApplicationError as exc:
        assert "成交金额" in exc.message
        return
    if value is not None:
        assert value.is_finite() and 0 <= value <= YUAN.maximum
        assert value == value.quantize(Decimal("0.01"))
