"""A deadline counted in working days, and how it is told to people: «۳ روز کاری مانده», «امروز»,
«۲ روز کاری گذشته»."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import ngettext, pgettext

from maharat.common.persian import localize_digits

from . import selectors


@dataclass(frozen=True)
class Deadline:
    """The last day something may be done: always a working day (build it with `after` or `on`)."""

    due: dt.date

    @classmethod
    def after(cls, start: dt.date, working_days: int) -> Deadline:
        """`working_days` working days after `start` (an answer within 10 working days of a letter)."""
        return cls(selectors.add_working_days(start, working_days))

    @classmethod
    def on(cls, day: dt.date) -> Deadline:
        """A deadline set on a calendar day: one that lands on a Friday or a holiday moves to the next working day."""
        return cls(selectors.add_working_days(day, 0))

    def left(self, today: dt.date | None = None) -> int:
        """Working days left (positive), 0 on the day itself, working days passed (negative). A deadline that
        passed yesterday is one day late even when today is a Friday: it is never "today" again."""
        today = today or timezone.localdate()
        if today == self.due:
            return 0
        if today < self.due:
            return selectors.working_days_between(today, self.due)
        return -max(1, selectors.working_days_between(self.due, today))

    def overdue(self, today: dt.date | None = None) -> bool:
        return self.left(today) < 0

    def state(self, today: dt.date | None = None) -> str:
        """"open", "today" or "overdue": for a badge's colour."""
        left = self.left(today)
        return "today" if left == 0 else ("open" if left > 0 else "overdue")

    def describe(self, today: dt.date | None = None) -> str:
        left = self.left(today)
        if left == 0:
            return pgettext("deadline", "امروز")
        if left > 0:
            return ngettext("{n} روز کاری مانده", "{n} روز کاری مانده", left).format(n=localize_digits(left))
        return ngettext("{n} روز کاری گذشته", "{n} روز کاری گذشته", -left).format(n=localize_digits(-left))

    def __str__(self) -> str:
        return self.describe()
