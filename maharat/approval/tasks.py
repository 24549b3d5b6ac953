"""The approval workflow's daily job (the worker's periodic tasks)."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from . import reminders


# 07:00 in Tehran (UTC+03:30), before the working day: the schedule is read in UTC (settings.HUEY["utc"]).
@db_periodic_task(crontab(hour="3", minute="30"))
def remind_report_deadlines() -> None:
    reminders.run()
