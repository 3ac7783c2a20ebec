from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iphub.core.errors import ApplicationError
from iphub.core.validators import (
    USCC_ALPHABET,
    is_valid_uscc,
    mask_id_number,
    mask_phone,
    validate_resident_id,
    validate_uscc,
)

DOMAIN_EXAMPLES = ["91110000600037341L", "91350200776049653A", "913502000728319549"]


@pytest.mark.parametrize("code", DOMAIN_EXAMPLES)
def test_domain_examples_pass(code: str) -> None:
    assert validate_uscc(code) == code


def test_lower_case_and_full_width_are_normalised() -> None:
    assert validate_uscc(" ９１１１００００６０００３７３４１l ") == "91110000600037341L"


@given(
    st.sampled_from(DOMAIN_EXAMPLES),
    st.integers(min_value=0, max_value=17),
    st.sampled_from(USCC_ALPHABET),
)
def test_every_single_character_change_is_rejected(code: str, pos: int, char: str) -> None:
    changed = code[:pos] + char + code[pos + 1 :]
    if changed == code:
        return
    assert not is_valid_uscc(changed)


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_check_character_closes_any_body(body: str) -> None:
    from iphub.core.validators import uscc_check_char

    if not body[2:8].isdigit():
        return
    assert is_valid_uscc(body + uscc_check_char(body))


def test_error_says_what_to_fix() -> None:
    with pytest.raises(ApplicationError) as exc:
        validate_uscc("91110000600037341A")
    assert "第 18 位应为“L”" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        validate_uscc("9111000060003734")
    assert "18 位" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        validate_uscc("9111000060003734IL")
    assert "“I”" in exc.value.message


def test_resident_id_and_masks() -> None:
    assert validate_resident_id("11010519491231002x") == "11010519491231002X"
    with pytest.raises(ApplicationError):
        validate_resident_id("110105194912310021")
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110105********002X"
