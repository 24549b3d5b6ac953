"""The Solar Hijri (Jalali) calendar at the edges of the system.

Dates are stored as Gregorian `date`s (so databases sort and index them natively) and converted here,
and only here, for display and input. jdatetime does the arithmetic; this module adds parsing of the
forms people actually type and Persian formatting.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import jdatetime
from django.utils.translation import gettext, gettext_noop

from .persian import normalize_digits, to_persian_digits

# The Persian names (stored forms, exports of Persian files); month_name() gives the one of the page's language
# (the English catalogue has Farvardin ... Esfand).
MONTHS = (
    gettext_noop("فروردین"),
    gettext_noop("اردیبهشت"),
    gettext_noop("خرداد"),
    gettext_noop("تیر"),
    gettext_noop("مرداد"),
    gettext_noop("شهریور"),
    gettext_noop("مهر"),
    gettext_noop("آبان"),
    gettext_noop("آذر"),
    gettext_noop("دی"),
    gettext_noop("بهمن"),
    gettext_noop("اسفند"),
)
WEEKDAYS = ("شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه")

# The years the platform works in (reporting years, dates typed or sent): anything outside is a typo or an
# attack, and the calendar library cannot represent much of it (year 0, 99999, Gregorian 0206-10-02).
YEAR_MIN, YEAR_MAX = 1300, 1500

_DATE_RE = re.compile(r"^\s*(\d{2,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")


class JalaliDateError(ValueError):
    """Raised with a Persian message that can be shown to the user as is."""


YEAR_RANGE_MESSAGE = "سال باید بین ۱۳۰۰ و ۱۵۰۰ باشد."


def supported_year(year: int) -> bool:
    """Is this a Jalali year the platform works in (YEAR_MIN to YEAR_MAX)?"""
    return YEAR_MIN <= year <= YEAR_MAX


def supported_date(value: dt.date) -> bool:
    """Does this Gregorian date fall in a supported Jalali year (1921-03-21 to 2122-03-20)?"""
    return to_gregorian(YEAR_MIN, 1, 1) <= value < to_gregorian(YEAR_MAX + 1, 1, 1)


def is_leap(year: int) -> bool:
    return jdatetime.date(year, 1, 1).isleap()


def month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


def parse(text: str) -> dt.date:
    """Parse 1402/05/07, ۱۴۰۲/۰۵/۰۷, 1402-5-7 or 02/5/7 into a Gregorian date."""
    match = _DATE_RE.match(normalize_digits(text or ""))
    if not match:
        raise JalaliDateError("تاریخ باید به شکل سال/ماه/روز شمسی باشد، مثلاً ۱۴۰۲/۰۵/۰۷.")
    year, month, day = (int(part) for part in match.groups())
    if year < 100:
        year += 1400 if year < 50 else 1300
    if not supported_year(year):
        raise JalaliDateError(YEAR_RANGE_MESSAGE)
    if not 1 <= month <= 12:
        raise JalaliDateError(f"ماه {to_persian_digits(month)} وجود ندارد؛ ماه باید بین ۱ و ۱۲ باشد.")
    last = month_length(year, month)
    if not 1 <= day <= last:
        if month == 12 and day == 30:
            raise JalaliDateError(
                f"سال {to_persian_digits(year)} کبیسه نیست و اسفند آن ۳۰ روز ندارد."
            )
        raise JalaliDateError(
            f"{MONTHS[month - 1]} {to_persian_digits(year)} {to_persian_digits(last)} روز دارد."
        )
    return jdatetime.date(year, month, day).togregorian()


def from_gregorian(value: dt.date | dt.datetime) -> jdatetime.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return _from_gregorian_day(value)


@functools.lru_cache(maxsize=65536)
def _from_gregorian_day(day: dt.date) -> jdatetime.date:
    # Imports, summaries and exports convert the same few thousand days over and over; jdatetime.date is
    # immutable, so one object per day can be shared.
    return jdatetime.date.fromgregorian(date=day)


def to_gregorian(year: int, month: int, day: int) -> dt.date:
    return jdatetime.date(year, month, day).togregorian()


def month_name(month: int) -> str:
    """The month's name in the language of the page (Persian: مرداد; English: Mordad)."""
    return gettext(MONTHS[month - 1])


def month_names() -> list[str]:
    return [gettext(name) for name in MONTHS]


def format_date(value: dt.date | dt.datetime | None, *, persian_digits: bool = True, long: bool = False,
                localized: bool = False) -> str:
    """1402/05/07 (or ۷ مرداد ۱۴۰۲ with long=True); an empty string for None. `localized`: the month's name in
    the page's language (pages); otherwise always Persian (documents such as certificates)."""
    if value is None:
        return ""
    j = from_gregorian(value)
    month = month_name(j.month) if localized else MONTHS[j.month - 1]
    text = f"{j.day} {month} {j.year}" if long else f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    return to_persian_digits(text) if persian_digits else text


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Jalali year: reporting years are Jalali years."""
    return to_gregorian(year, 1, 1), to_gregorian(year, 12, month_length(year, 12))


def year_of(value: dt.date) -> int:
    return from_gregorian(value).year


def today() -> jdatetime.date:
    from django.utils import timezone

    return from_gregorian(timezone.localdate())
