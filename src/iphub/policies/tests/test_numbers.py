"""The 文号 validator: the office-code shape and the order shape pass, written one
way; anything else is refused with the expected shape in the message."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.core.errors import ApplicationError
from iphub.policies.numbers import looks_like_number, validate_number


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("鄂知发〔2022〕12号", "鄂知发〔2022〕12号"),
        ("鄂知发[2022]3号", "鄂知发〔2022〕3号"),
        ("鄂知发（2022） 3号", "鄂知发〔2022〕3号"),
        ("国知发保字〔2021〕17号", "国知发保字〔2021〕17号"),
        ("国家知识产权局公告第461号", "国家知识产权局公告第461号"),
        ("中华人民共和国主席令第五十五号", "中华人民共和国主席令第五十五号"),
        ("", ""),
    ],
)
def test_accepted_numbers_are_written_one_way(raw: str, canonical: str) -> None:
    assert validate_number(raw) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "鄂知发2022年12号",
        "〔2022〕12号",
        "鄂知发〔22〕12号",
        "鄂知发〔1900〕1号",
        "鄂知发〔2022〕0号",
        "ABC〔2022〕1号",
    ],
)
def test_bad_numbers_are_refused_with_the_shape(raw: str) -> None:
    with pytest.raises(ApplicationError) as exc:
        validate_number(raw)
    assert "document_number" in exc.value.fields


@given(st.text(alphabet="鄂知发〔〕[]0123456789号 令第", max_size=20))
def test_validator_accepts_or_refuses_never_crashes(raw: str) -> None:
    try:
        out = validate_number(raw)
    except ApplicationError:
        return
    assert out == validate_number(out)  # canonical form is stable


def test_search_box_number_detection() -> None:
    assert looks_like_number("鄂知发〔2022〕3号") and looks_like_number("鄂知发[2022]")
    assert not looks_like_number("质押融资")
