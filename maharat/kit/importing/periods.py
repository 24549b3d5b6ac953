"""The monthly period locks of an import, through the write path's own check (access.writes.check_locks).

While the file is checked, each record's months are asked once per (unit, Jalali month); inside the write's
transaction every month the write touches is asked again, in one fixed order, before anything is written and
once more just before the commit. The check itself (approval's `ensure_editable`, handed to the write path)
takes the period's row lock inside a transaction on PostgreSQL, so a month cannot be approved between the
second check and the commit; the last check catches a month that had no report row to lock yet.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from maharat.access.writes import check_locks, period_keys
from maharat.common import jalali

from .columns import Problem

Month = tuple[int, int, int]  # (unit id, Jalali year, Jalali month)


def _lock_message(record: models.Model) -> str | None:
    try:
        check_locks(record)
    except ValidationError as exc:
        return exc.messages[0]
    return None


class PeriodLocks:
    def __init__(self) -> None:
        self._months: dict[dt.date, tuple[int, int]] = {}
        self._answers: dict[tuple[Month, ...], str | None] = {}
        # The months the write touches: a record that stands for them, and the rows that touch them.
        self._used: dict[tuple[Month, ...], tuple[models.Model, list[int]]] = {}

    def months(self, record: models.Model) -> tuple[Month, ...]:
        out = set()
        for unit_id, day in period_keys(record):
            month = self._months.get(day)
            if month is None:
                j = jalali.from_gregorian(day)
                month = self._months[day] = (j.year, j.month)
            out.add((unit_id, *month))
        return tuple(sorted(out))

    def check(self, row: int, *records: models.Model | None) -> None:
        """Raise the lock's Persian message if a month of these records (stored, new) is locked; otherwise
        remember that this row touches those months, for hold()."""
        found: list[tuple[tuple[Month, ...], models.Model]] = []
        for record in records:
            months = self.months(record) if record is not None else ()
            if not months or record is None:
                continue
            if months not in self._answers:
                self._answers[months] = _lock_message(record)
            message = self._answers[months]
            if message:
                raise ValidationError(message)
            found.append((months, record))
        for months, record in found:
            rows = self._used.setdefault(months, (record, []))[1]
            if not rows or rows[-1] != row:  # a row whose stored and new record share a month counts once
                rows.append(row)

    def hold(self) -> list[Problem]:
        """Inside the write's transaction: ask every month the write touches again (taking its lock), and
        name every row in a month that has been locked since the file was checked."""
        problems = []
        for months in sorted(self._used):
            record, rows = self._used[months]
            message = _lock_message(record)
            if message:
                problems += [Problem(row, "", "", message) for row in rows]
        return problems

