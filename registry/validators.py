"""Validators of identifiers people type: the unified social credit code and a phone number.

Unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-character alphabet (no I, O, Z, S, V); position 18 is a
check character over positions 1-17 with weights 3^(i-1) mod 31. Unlike python-stdnum's
``cn.uscc`` this accepts any registration-authority code in the first positions (the
standard allows letters there, e.g. ``N2…`` for farmers' cooperatives).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_character(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return value.strip().upper()


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为18位，现为%(length)d位。"),
            code="credit_code_length",
            params={"length": len(code)},
        )
    # The check position is judged below, so a wrong check character is reported with the
    # one expected even when it is outside the alphabet.
    bad = sorted({ch for ch in code[:17] if ch not in ALPHABET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符：%(chars)s（不使用 I、O、Z、S、V）。"),
            code="credit_code_characters",
            params={"chars": "、".join(bad)},
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：第18位应为“%(expected)s”，而不是“%(given)s”。"),
            code="credit_code_check",
            params={"expected": expected, "given": code[17]},
        )


# A mainland mobile number (11 digits from 13x-19x), or a landline with its area code
# (0 and 2-3 digits, 7-8 digits, an optional extension): how a phone is written on a form.
PHONE_PATTERN = re.compile(r"(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)")


def normalize_phone(value: str) -> str:
    """As stored: without the spaces and brackets people type around the area code."""
    return re.sub(r"[\s()（）]", "", value)


def validate_phone(value: str) -> None:
    if value and not PHONE_PATTERN.fullmatch(normalize_phone(value)):
        raise ValidationError(
            _("请填写有效的电话号码：11位手机号，或带区号的固定电话（如 0752-2345678）。"),
            code="phone",
        )


def contact_cleaned(phone: str, email: str) -> tuple[str, str]:
    """A responsible person's phone and e-mail as stored (phone normalised, both stripped),
    or ValidationError with every message."""
    phone, email = normalize_phone(phone.strip()), email.strip()
    validate_phone(phone)
    if email:
        validate_email(email)
    return phone, email
