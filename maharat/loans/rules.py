"""What a loan and a loan programme may hold: their kinds of record, limits, the text and numbers they refuse.
Shared by the models' validation, the forms and the services, so a page, the demo and a call from another app
are refused with the same Persian message naming the field."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from maharat.common import jalali
from maharat.common.persian import format_number, localize_digits
from maharat.common.text import clean_text as _clean_text

LOAN_KIND = "loan"
PROGRAMME_KIND = "loanprogramme"

# Bounds. A loan larger than this is a typing mistake; a programme's budget stays inside what a float holds
# exactly (the pages' number filter reads floats: 2**53 ≈ 9·10**15), and every sum of a province stays far
# inside 64 bits.
MIN_AMOUNT = 1_000_000  # Rials, one loan: smaller is not worth a schedule (and a slip of the zeros)
MAX_AMOUNT = 10**13  # Rials, one loan (a thousand billion Rials)
MAX_BUDGET = 10**15  # Rials, one programme
MAX_RATE = Decimal("30")  # percent a year: a "low-cost" loan at more than this is a typing mistake
MAX_TERM = 120  # months, grace included
MAX_GRACE = 24  # months
TITLE_MAX = 200
NOTE_MAX = 2000
REFERENCE_MAX = 100

# An instalment unpaid this many days after its due date makes its institute ineligible for a new loan
# (docs/loans.md). The overdue list itself shows every instalment from its first day late.
INELIGIBLE_AFTER_DAYS = 30

# How far back a date may be entered (an application received on paper, a payment the bank reported late):
# two Jalali years covers a programme's year and the one before it; the demo builds a repaid loan of last year.
BACKDATE_DAYS = 2 * 366

# A cell that starts like this is run as a formula by a spreadsheet that opens an export of it.
FORMULA = re.compile(r"^[=+\-@\t\r]")


def clean_text(value: object, *, field: str, label: str, limit: int, required: bool = False,
               multiline: bool = False, formula_ok: bool = True) -> str:
    """The platform's text rule (common.text), and for a short text that lands in exports as a cell of its own
    (a payment reference), no formula."""
    text = _clean_text(value, field=field, label=label, limit=limit, required=required, multiline=multiline)
    if not formula_ok and FORMULA.match(text):
        raise ValidationError({field: _("«{label}» نمی‌تواند با = + - @ آغاز شود.").format(label=label)})
    return text


def whole(value: Any, *, field: str, label: str, low: int, high: int) -> int:
    """A whole number between `low` and `high`, or a ValidationError naming the field (a bool, a float or a
    string from a caller that skipped the form is refused as well)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("«{label}» باید عددی درست باشد.").format(label=label)})
    if value < low:
        raise ValidationError({field: _("«{label}» نمی‌تواند کمتر از {n} باشد.").format(
            label=label, n=grouped(low))})
    if value > high:
        raise ValidationError({field: _("«{label}» نمی‌تواند بیشتر از {n} باشد.").format(
            label=label, n=grouped(high))})
    return value


def rate(value: Any, *, field: str = "interest_rate") -> Decimal:
    label = _("نرخ سود سالانه (درصد)")
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValidationError({field: _("«{label}» باید عدد باشد.").format(label=label)})
    number = Decimal(value)
    if not number.is_finite() or number < 0 or number > MAX_RATE:
        raise ValidationError({field: _("«{label}» باید بین ۰ و {n} باشد.").format(
            label=label, n=localize_digits(MAX_RATE))})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("«{label}» حداکثر دو رقم اعشار دارد.").format(label=label)})
    return number


def day(value: Any, *, field: str, label: str, today: dt.date, not_before: dt.date | None = None,
        not_before_label: str = "") -> dt.date:
    """A day of the supported calendar, not after today, not further back than BACKDATE_DAYS, and not before
    `not_before` (the step before it)."""
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime) or not jalali.supported_date(value):
        raise ValidationError({field: _(jalali.YEAR_RANGE_MESSAGE)})
    if value > today:
        raise ValidationError({field: _("«{label}» نمی‌تواند بعد از امروز باشد.").format(label=label)})
    if value < today - dt.timedelta(days=BACKDATE_DAYS):
        raise ValidationError({field: _("«{label}» حداکثر دو سال پیش از امروز است.").format(label=label)})
    if not_before is not None and value < not_before:
        raise ValidationError({field: _("«{label}» نمی‌تواند پیش از {step} ({day}) باشد.").format(
            label=label, step=not_before_label, day=jalali.format_date(not_before))})
    return value


def rials(amount: int) -> str:
    """An amount as a message shows it: ۱۲٬۵۰۰٬۰۰۰ ریال."""
    return _("{n} ریال").format(n=grouped(amount))


def grouped(number: int) -> str:
    """A whole number with its thousands grouped, in the page's digits (۱۲٬۵۰۰ / 12,500)."""
    return localize_digits(format_number(number))


def percent(value: Decimal) -> str:
    """A rate without its trailing zeros: 4, 4.5, 10 (never 1E+1)."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
