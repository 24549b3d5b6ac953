"""The loans' daily job (the worker's periodic tasks)."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from . import reminders


# 07:20 in Tehran (UTC+03:30), before the working day and after the licences' statuses (03:20 UTC), so that the
# day's standing is the one the reminders meet; the schedule is read in UTC (settings.HUEY["utc"]).
@db_periodic_task(crontab(hour="3", minute="50"))
def remind_loan_instalments() -> None:
    reminders.run()
