"""The Jalali calendar as a table, so that SQL can group raw records by Jalali month."""

from __future__ import annotations

import datetime as dt

from maharat.common import jalali

FIRST_YEAR, LAST_YEAR = 1380, 1430


def fill(apps=None) -> int:  # type: ignore[no-untyped-def]
    Day = apps.get_model("monitoring", "CalendarDay") if apps else __import__(
        "maharat.monitoring.models", fromlist=["CalendarDay"]).CalendarDay
    if Day.objects.exists():
        return 0
    first, _ = jalali.year_bounds(FIRST_YEAR)
    _, last = jalali.year_bounds(LAST_YEAR)
    rows = []
    day = first
    while day <= last:
        j = jalali.from_gregorian(day)
        rows.append(Day(day=day, jyear=j.year, jmonth=j.month))
        day += dt.timedelta(days=1)
    Day.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
