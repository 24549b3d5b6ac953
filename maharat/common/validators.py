"""Iranian identifiers: national code and mobile number (rules in DOMAIN.md)."""

from __future__ import annotations

import operator
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .persian import normalize_digits


def clean_national_code(value: str | int | None) -> str:
    """Return the ten-digit national code or raise ValidationError with a Persian message.

    Spreadsheets store the code as a number and drop its leading zeros, so 8 or 9 digits are padded back.
    """
    text = normalize_digits(str(value if value is not None else "")).strip().replace("-", "").replace(" ", "")
    if text.endswith(".0"):  # a float from a spreadsheet cell
        text = text[:-2]
    if not text.isdigit():
        raise ValidationError(_("کد ملی فقط باید از رقم تشکیل شده باشد."), code="national_code_format")
    if not 8 <= len(text) <= 10:
        raise ValidationError(_("کد ملی باید ده رقم باشد."), code="national_code_length")
    text = text.zfill(10)
    if len(set(text)) == 1:
        raise ValidationError(_("کد ملی با ده رقم یکسان معتبر نیست."), code="national_code_repeated")
    if not national_code_checksum_ok(text):
        raise ValidationError(_("رقم کنترل کد ملی درست نیست؛ کد را دوباره بررسی کنید."), code="national_code_checksum")
    return text


_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def national_code_checksum_ok(code: str) -> bool:
    remainder = sum(map(operator.mul, map(int, code[:9]), _WEIGHTS)) % 11
    return int(code[9]) == (remainder if remainder < 2 else 11 - remainder)


def national_code_check_digit(first_nine: str) -> int:
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(first_nine)) % 11
    return remainder if remainder < 2 else 11 - remainder


_MOBILE_RE = re.compile(r"^(?:\+98|0098|98|0)?(9\d{9})$")


def clean_mobile(value: str | None) -> str:
    """Return the mobile number as 09xxxxxxxxx; accepts +98, 0098 and Persian digits."""
    text = normalize_digits(value or "").strip()
    text = re.sub(r"[\s\-()]", "", text)
    match = _MOBILE_RE.match(text)
    if not match:
        raise ValidationError(
            _("شماره همراه باید با ۰۹ شروع شود و یازده رقم باشد (مثلاً ۰۹۱۲۱۲۳۴۵۶۷)."), code="mobile_format"
        )
    return "0" + match.group(1)


def validate_national_code(value: str) -> None:
    clean_national_code(value)


def validate_mobile(value: str) -> None:
    if value:
        clean_mobile(value)
