"""Unified social credit code validation (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError

from registry.validators import credit_code_check_character, validate_credit_code


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",
        "9144030071526726XG",
        # Registration-authority codes need not be digits (N2: farmers' cooperative).
        "N2" + "441302MA00000" + "01" + credit_code_check_character("N2441302MA0000001"),
        " 91110000600037341l ",  # surrounding spaces and lower case are normalised
    ],
)
def test_validate_credit_code_accepts_valid_codes(code):
    validate_credit_code(code)


def test_validate_credit_code_names_the_expected_check_character():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y4Z")
    assert error.value.code == "credit_code_check"
    assert error.value.messages == ["统一社会信用代码校验位错误：第18位应为“3”，而不是“Z”。"]


def test_validate_credit_code_refuses_a_wrong_check_character_in_the_alphabet():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91110000600037341M")
    assert error.value.messages == ["统一社会信用代码校验位错误：第18位应为“L”，而不是“M”。"]


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("9111000060003734", "credit_code_length"),
        ("91110000600037341LX", "credit_code_length"),
        ("9111000060003734IL", "credit_code_characters"),
        ("91110000600O37341L", "credit_code_characters"),
    ],
)
def test_validate_credit_code_refuses_malformed_codes(code, error_code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == error_code


def test_credit_code_check_character_follows_the_standard_weights():
    # Weights 3^(i-1) mod 31: 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28.
    from registry.validators import WEIGHTS

    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    assert credit_code_check_character("91110000600037341") == "L"
