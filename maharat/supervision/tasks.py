"""Supervision's daily job (the worker's periodic tasks): unmet corrective actions become sanction proposals, and
complaints past their deadline are told to the province."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from . import escalation, reminders


# 07:30 in Tehran (UTC+03:30), after the follow-up items' reminders and escalations (03:45 UTC): an item that
# went overdue this morning is already marked so when the proposals are made. Read in UTC (settings.HUEY["utc"]).
@db_periodic_task(crontab(hour="4", minute="0"))
def propose_sanctions() -> None:
    escalation.run()
    reminders.run()
