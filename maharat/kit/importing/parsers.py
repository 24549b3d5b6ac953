"""Cell parsers and small helpers every kind uses: one way to read a date, a number or a yes/no everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from maharat.common import jalali
from maharat.common.persian import normalize_digits


def parse_date(text: str) -> dt.date:
    """Jalali in the common forms (1402/05/07, ۱۴۰۲/۰۵/۰۷, 1402-5-7), or a Gregorian date cell."""
    digits = normalize_digits(text).strip()
    if len(digits) == 10 and digits[4] == "-" and digits.startswith(("19", "20")):
        return dt.date.fromisoformat(digits)
    try:
        return jalali.parse(digits)
    except jalali.JalaliDateError as exc:
        raise ValidationError(str(exc)) from exc


def parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        digits = normalize_digits(text).replace(",", "").replace("٬", "").strip()
        if digits.endswith(".0"):
            digits = digits[:-2]
        if not digits.lstrip("-").isdigit():
            raise ValidationError("باید عدد صحیح باشد.")
        value = int(digits)
        if not low <= value <= high:
            raise ValidationError(f"باید بین {low} و {high} باشد.")
        return value
    return parse


def parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(normalize_digits(text).replace(",", "").replace("٬", "").strip())
    except InvalidOperation as exc:
        raise ValidationError("باید عدد باشد.") from exc
    if value < 0:
        raise ValidationError("نمی‌تواند منفی باشد.")
    return value


def parse_bool(text: str) -> bool:
    value = normalize_digits(text).strip().lower()
    if value in ("1", "بله", "آری", "دارد", "true", "yes", "x", "✓"):
        return True
    if value in ("0", "خیر", "نه", "ندارد", "false", "no", "-"):
        return False
    raise ValidationError("باید «بله» یا «خیر» باشد.")


def code(text: str) -> str:
    return normalize_digits(text).strip().upper()


def choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in enum.choices)


def require_unit(units: Mapping[str, Any], value: str, field: str, kinds: tuple[str, ...] | None = None) -> Any:
    """The unit a code names, among those the importer may see (Importer.units_by_code), of one of `kinds`."""
    unit = units.get(value)
    if unit is None or (kinds and unit.kind not in kinds):
        raise ValidationError({field: "واحدی با این کد (از نوع مناسب) وجود ندارد."})
    return unit


def validate(record: models.Model, exclude: list[str] | None = None) -> None:
    """The model's own validation (fields and clean(), as a page's form runs it) without the per-row unique
    queries: uniqueness is checked in bulk by the engine (the file's keys against the stored records)."""
    record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
