"""Working days on the official calendar: what other apps ask when they count a deadline in working days.

A day is a working day unless it is a Friday (rules.py) or a public holiday in HQ's table (models.Holiday).
The table is held in memory per process and re-read after any change (table.py): asking costs one cache read,
never a database query, and a holiday HQ adds is counted at once.

    is_working_day(day)                 -> bool
    next_working_day(day)               -> the first working day after `day`
    add_working_days(start, n)          -> the n-th working day after start (n=0: start if it is a working
                                           day, else the next one; n<0: the n-th working day before start)
    working_days_between(a, b)          -> working days after a up to and including b; negative when b < a
    covered(day)                        -> is the holiday table loaded for that Jalali year?

The two agree: working_days_between(start, add_working_days(start, n)) == n for n > 0, and for n < 0 when
`start` is itself a working day (counting back from a holiday, the holiday is not one of the days counted).

`deadlines.Deadline` describes a deadline to people ("۳ روز کاری مانده").

A year with no holidays loaded is counted with Fridays only: `covered()` says so, and the calendar page warns.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import get_language

from maharat.common import jalali

from . import table
from .models import Holiday
from .rules import rest_days_through, weekly_rest

ONE_DAY = dt.timedelta(days=1)


class OutOfCalendar(ValueError):
    """The answer would fall outside the years the platform works in (jalali.YEAR_MIN to YEAR_MAX)."""


def is_holiday(day: dt.date) -> bool:
    """A public holiday of the table (whatever its weekday)."""
    return day in table.current().titles


def holiday_title(day: dt.date) -> str:
    """The holiday's title in the page's language ("" on a day that is not one); an English page falls back to
    the Persian title where HQ gave no English one."""
    titles = table.current().titles.get(day)
    if titles is None:
        return ""
    persian, english = titles
    return english if english and not (get_language() or "fa").startswith("fa") else persian


def is_working_day(day: dt.date) -> bool:
    return not weekly_rest(day) and day not in table.current().titles


def covered(day: dt.date) -> bool:
    """Are the holidays of `day`'s Jalali year in the table? (If not, only Fridays are counted as rest.)"""
    return jalali.year_of(day) in table.current().years


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days after `a` up to and including `b`; the same number, negative, when `b` is before `a`."""
    if b < a:
        return -working_days_between(b, a)
    held = table.current()
    days = b.toordinal() - a.toordinal()
    rest = rest_days_through(b.toordinal()) - rest_days_through(a.toordinal())
    return days - rest - held.extra_between(a, b)


def _working_days_in(first: dt.date, last: dt.date) -> int:
    """Working days from `first` to `last`, both included."""
    return working_days_between(first - ONE_DAY, last)


def _shift(day: dt.date, days: int) -> dt.date:
    try:
        moved = day + dt.timedelta(days=days)
    except OverflowError as exc:
        raise OutOfCalendar(str(exc)) from exc
    if not jalali.supported_date(moved):
        raise OutOfCalendar(f"{moved.isoformat()} is outside the Jalali years {jalali.YEAR_MIN}-{jalali.YEAR_MAX}")
    return moved


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The n-th working day after `start` (start itself not counted); n=0: `start` when it is a working day,
    else the next working day (a deadline that lands on a holiday moves to the next working day); n<0: the
    |n|-th working day before `start`.

    Found by counting, not by walking day by day: there are at most k working days in k days, and n + n//6
    days hold at most n (one of every seven is a Friday), so the guess never overshoots and each step closes
    the gap by what is still missing."""
    if n == 0:
        return start if is_working_day(start) else next_working_day(start)
    wanted = abs(n)
    if n > 0:
        day = _shift(start, wanted + wanted // 6)
        while (found := working_days_between(start, day)) < wanted:
            day = _shift(day, wanted - found)
        while not is_working_day(day):  # the n-th is the last working day of that stretch
            day -= ONE_DAY
        return day
    before = start - ONE_DAY
    day = _shift(start, -(wanted + wanted // 6))
    while (found := _working_days_in(day, before)) < wanted:
        day = _shift(day, -(wanted - found))
    while not is_working_day(day):
        day += ONE_DAY
    return day


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day` (never `day` itself)."""
    return add_working_days(day, 1)


# ------------------------------------------------------------------------------------------- the pages' reads
def year_holidays(year: int) -> QuerySet[Holiday]:
    first, last = jalali.year_bounds(year)
    return Holiday.objects.filter(date__range=(first, last)).order_by("date")


def years_shown(around: int) -> list[int]:
    """The years the calendar offers: those with holidays loaded, and the year before and after `around`."""
    years = set(table.current().years) | {around - 1, around, around + 1}
    return sorted(y for y in years if jalali.supported_year(y))
