"""The licences' daily job (the worker's periodic tasks)."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from . import reminders


# 06:50 in Tehran (UTC+03:30): statuses first, so that the day's entries meet the day's standing; the schedule is
# read in UTC (settings.HUEY["utc"]).
@db_periodic_task(crontab(hour="3", minute="20"))
def refresh_licences() -> None:
    reminders.run()
