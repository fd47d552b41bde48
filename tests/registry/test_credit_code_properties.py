"""Property tests of the credit-code validator (hypothesis): every code built with its check
character is accepted, every single-character corruption refused, and no input raises
anything but ValidationError."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.validators import ALPHABET, credit_code_check_character, validate_credit_code

# Bounded and seeded: the same examples on every run and every machine; no deadline (timing
# belongs in make bench, and a slow shared machine is no failure).
FUZZ = settings(max_examples=300, derandomize=True, database=None, deadline=None)

first17 = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@FUZZ
@given(first17, st.booleans(), st.sampled_from(["", " ", "\t", "\n "]))
def test_credit_code_with_its_check_character_is_accepted(start, lower, padding):
    code = start + credit_code_check_character(start)
    # As typed: in lower case, with spaces around it.
    validate_credit_code(padding + (code.lower() if lower else code) + padding)


@FUZZ
@given(first17, st.integers(min_value=0, max_value=17), st.characters(exclude_categories=["Cs"]))
def test_credit_code_with_one_character_changed_is_refused(start, position, replacement):
    code = start + credit_code_check_character(start)
    # Lower case is the same code (the validator upper-cases), so it is no corruption.
    if replacement.upper() == code[position]:
        replacement = "I"  # never in the alphabet
    corrupted = code[:position] + replacement + code[position + 1 :]

    with pytest.raises(ValidationError) as error:
        validate_credit_code(corrupted)
    assert error.value.code in {
        "credit_code_length",
        "credit_code_characters",
        "credit_code_check",
    }


@FUZZ
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=ALPHABET + "IOZSVabc \x00\u3000Ａ", min_size=16, max_size=20),
    )
)
def test_credit_code_validator_raises_only_validation_error(text):
    messages = []
    try:
        validate_credit_code(text)
    except ValidationError as error:
        messages = error.messages
    # Refused with a message a person can act on, or accepted as a well-formed code.
    assert messages or len(text.strip()) == 18
