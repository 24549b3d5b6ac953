"""The weekly rest day of the national calendar.

Friday, and only Friday: the one weekly holiday of the official calendar (labour law and the civil service
rules alike). It is a constant, not a setting HQ edits: changing it would silently change every deadline
already counted, so it changes with the code, with its tests, on the day a law changes it. Thursday closures
(some provinces, some offices half a day) and a province's own closures (heat, air pollution) are local, not
national: they do not move a national deadline, and this calendar does not keep them.
"""

from __future__ import annotations

import datetime as dt

FRIDAY = 4  # date.weekday(): Monday 0 ... Friday 4
WEEKLY_REST: frozenset[int] = frozenset({FRIDAY})


def weekly_rest(day: dt.date) -> bool:
    return day.weekday() in WEEKLY_REST


def rest_days_through(ordinal: int) -> int:
    """How many weekly rest days there are from date.fromordinal(1) up to and including this ordinal day:
    day 1 is a Monday, so weekday w first falls on ordinal w + 1 and then every seventh day."""
    return sum((ordinal + 6 - weekday) // 7 for weekday in WEEKLY_REST)
