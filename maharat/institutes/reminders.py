"""The licences' daily job: statuses that change with the calendar, and reminders of expiry.

At 90, 30 and 7 days before a licence expires, its institute's managers and the province's licensing staff
are told, once per threshold and expiry date (ExpiryReminder). A day the worker missed is caught up: the
windows are "at most N days left", and when several thresholds are crossed at once (a licence entered a week
before it expires) only the nearest is sent, the others marked, so nobody gets three messages in one morning.
A renewal moves the expiry date, and the reminders start again for the new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import notices, services
from .models import ExpiryReminder, Licence, LicenceStatus

THRESHOLDS = (90, 30, 7)


@dataclass(frozen=True)
class Sent:
    statuses: int  # licences whose status changed today
    reminders: int  # reminders sent (one per licence and threshold)
    people: int  # messages put in inboxes


def run(today: dt.date | None = None) -> Sent:
    today = today or timezone.localdate()
    statuses = services.refresh_statuses(today)
    reminders = people = 0
    horizon = today + dt.timedelta(days=max(THRESHOLDS))
    live = (Licence.objects.filter(status__in=[LicenceStatus.ACTIVE, LicenceStatus.SUSPENDED], is_current=True,
                                   expires_on__gte=today, expires_on__lte=horizon)
            .select_related("institute__unit__province"))
    for licence in live.iterator(chunk_size=500):
        left = (licence.expires_on - today).days
        due = [t for t in THRESHOLDS if left <= t]
        done = set(ExpiryReminder.objects.filter(licence=licence, expires_on=licence.expires_on)
                   .values_list("days", flat=True))
        if not due or min(due) in done:
            continue
        try:
            with transaction.atomic():
                for threshold in due:
                    if threshold not in done:
                        ExpiryReminder.objects.create(licence=licence, days=threshold, expires_on=licence.expires_on)
                people += notices.expiring(licence, min(due))
        except IntegrityError:
            continue  # another run got here first, and told them
        reminders += 1
    return Sent(statuses, reminders, people)
