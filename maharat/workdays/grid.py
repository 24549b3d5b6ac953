"""A Jalali year as twelve month grids, weeks from Saturday to Friday as Iranian calendars print them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from maharat.common import jalali

from .models import Holiday
from .rules import weekly_rest

# Saturday first: jdatetime's weekday() is 0 on Saturday.
WEEKDAYS: tuple[tuple[Promise, Promise], ...] = (
    (pgettext_lazy("weekday", "ش"), _("شنبه")), (pgettext_lazy("weekday", "ی"), _("یکشنبه")),
    (pgettext_lazy("weekday", "د"), _("دوشنبه")), (pgettext_lazy("weekday", "س"), _("سه‌شنبه")),
    (pgettext_lazy("weekday", "چ"), _("چهارشنبه")), (pgettext_lazy("weekday", "پ"), _("پنجشنبه")),
    (pgettext_lazy("weekday", "ج"), _("جمعه")),
)


def weekday_name(day: dt.date) -> Promise:
    return WEEKDAYS[jalali.from_gregorian(day).weekday()][1]


@dataclass(frozen=True)
class Day:
    date: dt.date
    number: int  # the Jalali day of the month
    rest: bool  # a weekly rest day (Friday)
    holiday: Holiday | None
    today: bool

    @property
    def css(self) -> str:
        """Holidays shaded, Fridays in red, today framed (and said in words too: aria-current, hidden text)."""
        classes = ["table-danger"] if self.holiday else (["text-danger"] if self.rest else [])
        if self.today:
            classes += ["fw-bold", "border", "border-2", "border-primary"]
        return " ".join(classes)


@dataclass(frozen=True)
class Month:
    year: int
    number: int
    name: str
    weeks: list[list[Day | None]]  # seven cells a week; None before the first and after the last day
    holidays: int


def month(year: int, number: int, holidays: Mapping[dt.date, Holiday], today: dt.date) -> Month:
    first = jalali.to_gregorian(year, number, 1)
    length = jalali.month_length(year, number)
    cells: list[Day | None] = [None] * jalali.from_gregorian(first).weekday()
    for i in range(length):
        day = first + dt.timedelta(days=i)
        cells.append(Day(day, i + 1, weekly_rest(day), holidays.get(day), day == today))
    cells += [None] * (-len(cells) % 7)
    weeks = [cells[i:i + 7] for i in range(0, len(cells), 7)]
    count = sum(1 for c in cells if c is not None and c.holiday is not None)
    return Month(year, number, jalali.month_name(number), weeks, count)


def year(year: int, holidays: Mapping[dt.date, Holiday], today: dt.date) -> list[Month]:
    return [month(year, number, holidays, today) for number in range(1, 13)]
