"""The one write path of the holiday table: HQ adds, corrects, confirms and deletes holidays.

Every write goes through access.writes (the permission layer's answer for kind "holiday", then the audit
entry with the old and the new values, in one transaction); the table held by every process is re-read after
it (table.changed, through the model's signals).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maharat.access import writes

from .models import Holiday

FIELDS = ("date", "title", "title_en", "kind", "confirmed")


def _persist(holiday: Holiday, user: Any) -> Holiday:
    holiday.updated_by = user
    holiday.full_clean()
    try:
        with transaction.atomic():  # a savepoint: the audit entry and the rest of the write stay usable
            holiday.save()
    except IntegrityError as exc:
        # Two people adding the same day at once: the second is told what the form would have told them.
        message = Holiday._meta.get_field("date").error_messages["unique"]
        raise ValidationError({"date": [message]}) from exc
    return holiday


def holiday_create(*, user: Any, date: dt.date, title: str, kind: str, title_en: str = "",
                   confirmed: bool = False) -> Holiday:
    holiday = Holiday(date=date, title=title, title_en=title_en, kind=kind, confirmed=confirmed, created_by=user)
    return writes.save_record(user=user, instance=holiday, persist=lambda: _persist(holiday, user))


def holiday_update(*, user: Any, holiday: Holiday, **changes: Any) -> Holiday:
    """Change some of FIELDS (moving a lunar holiday by a day, a title, confirming it)."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a holiday field: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(holiday, name, value)
    return writes.save_record(user=user, instance=holiday, persist=lambda: _persist(holiday, user))


def holiday_confirm(*, user: Any, holiday: Holiday) -> Holiday:
    """HQ has checked the date against the announced calendar."""
    return holiday_update(user=user, holiday=holiday, confirmed=True)


def holiday_delete(*, user: Any, holiday: Holiday) -> None:
    writes.delete_record(user=user, instance=holiday)
