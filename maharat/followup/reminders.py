"""The daily reminders of follow-up items (run each morning by the worker, tasks.py):

- an open item two working days or less from its deadline: its owner is told once;
- an open item past its deadline: its owner is told once, and it goes one level up once (services.escalate:
  the nearest unit above with someone who may verify it is told, and the item records it).

Counted on working days as the deadline was (Deadline.left). Each message's key, and the item's own
escalation mark, make a second run of the same day, or the next day's run, tell nobody again; a day the
worker missed is caught up by the next run, since the windows are "at most two days left" and "past due",
not one exact day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from maharat.workdays.selectors import add_working_days

from . import notices, services
from .models import FollowUp, FollowUpStatus

SOON = 2  # working days before the deadline


@dataclass(frozen=True)
class Sent:
    soon: int  # owners told a deadline is near
    overdue: int  # owners told it passed
    escalated: int  # items sent up a level this run


def run(today: dt.date | None = None) -> Sent:
    today = today or timezone.localdate()
    soon = overdue = escalated = 0
    live = FollowUp.objects.filter(status=FollowUpStatus.OPEN).select_related("owner_unit", "owner_person")
    for item in live.filter(due__gte=today, due__lte=add_working_days(today, SOON)).iterator(chunk_size=500):
        soon += notices.due_soon(item, today)
    # Once escalated, an item is past all this: its owner was told with it (one that comes back open later,
    # its answer rejected, is already on its verifiers' desk).
    for item in live.filter(due__lt=today, escalated_at=None).iterator(chunk_size=500):
        overdue += notices.overdue(item)
        unit, _told = services.escalate(item)
        escalated += unit is not None
    return Sent(soon, overdue, escalated)
