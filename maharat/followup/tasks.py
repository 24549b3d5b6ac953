"""The follow-up items' daily job (the worker's periodic tasks)."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from . import reminders


# 07:15 in Tehran (UTC+03:30), before the working day and after the monthly reports' reminders (03:30 UTC):
# the schedule is read in UTC (settings.HUEY["utc"]).
@db_periodic_task(crontab(hour="3", minute="45"))
def remind_followup_deadlines() -> None:
    reminders.run()
