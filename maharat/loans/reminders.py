"""The daily reminders of instalments (run each morning by the worker, tasks.py).

Each unpaid instalment of a loan being repaid (disbursed or repaying; a defaulted loan is with HQ) is told to
its institute's managers and its province's staff once at each threshold:

- "soon": it falls due within SOON_DAYS days (its due day included);
- "late": it is LATE_DAYS or more days past its due date (up to LONG_LATE_DAYS);
- "late30": it is LONG_LATE_DAYS or more days past it; from then on its institute may not borrow again
  (eligibility.py counts rules.INELIGIBLE_AFTER_DAYS, the same thirty days).

The windows do not overlap and each names one threshold, so a day the worker missed is caught up by the next
run, and an instalment found already 45 days late is told once, as "late30", not three times in one morning.
Each message's key (loans:<loan>:instalment:<instalment>:<threshold>) makes a second run of the same day, or
the next day's, tell nobody again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from . import notices
from .models import REMINDED, Instalment

SOON_DAYS = 7
LATE_DAYS = 1
LONG_LATE_DAYS = 30


@dataclass(frozen=True)
class Sent:
    instalments: int  # instalments someone was told of this run
    people: int  # messages put in inboxes this run


def threshold(days_late: int) -> str | None:
    """The threshold an instalment `days_late` days past its due date (negative: before it) stands at."""
    if -SOON_DAYS <= days_late <= 0:
        return "soon"
    if LATE_DAYS <= days_late < LONG_LATE_DAYS:
        return "late"
    if days_late >= LONG_LATE_DAYS:
        return "late30"
    return None


def run(today: dt.date | None = None) -> Sent:
    today = today or timezone.localdate()
    instalments = people = 0
    live = (Instalment.objects.filter(loan__status__in=REMINDED, paid__lt=F("amount"),
                                      due_date__lte=today + dt.timedelta(days=SOON_DAYS))
            .select_related("loan__institute", "loan__province", "loan__programme").order_by("due_date", "pk"))
    for item in live.iterator(chunk_size=500):
        late = (today - item.due_date).days
        found = threshold(late)
        if found is None:
            continue
        told = notices.instalment(item, found, abs(late))
        people += told
        instalments += told > 0
    return Sent(instalments, people)
