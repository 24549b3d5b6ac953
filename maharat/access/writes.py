"""The one write path for records: permission, period lock, atomic save and audit, in that order.

Pages, the admin, imports and the API save through `save_record` / `delete_record`, so none of them can
skip a check. The callable `persist` does the actual write (a form's save, or a domain service).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from maharat.audit.services import log_write, snapshot

from . import policy

M = TypeVar("M", bound=models.Model)

# The check that a (unit, day)'s monthly period is still open, handed over by the app that keeps the periods
# (approval/records.py calls use_period_lock): the write path sits below it and must not import it.
_period_lock: list[Callable[[int, dt.date], None]] = []


def use_period_lock(check: Callable[[int, dt.date], None]) -> None:
    _period_lock[:] = [check]


def period_keys(instance: models.Model | None) -> list[tuple[int, dt.date]]:
    """The (unit, day) whose monthly period a record belongs to (declared as `lock_day`); master data has none."""
    return policy.period_keys(instance)


def _stored(instance: models.Model) -> models.Model | None:
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def check_locks(*records: models.Model | None) -> None:
    """Raise PeriodLocked when a record's month is closed. Call it inside the write's transaction: the
    check reads the period with the write, so a month approved in between is not written (on PostgreSQL
    approval locks the period's row, and so does the check; on SQLite the write holds the database)."""
    for record in records:
        for unit_id, day in period_keys(record):
            if not _period_lock:
                # Fail closed: a record declared as locked by its month, and nothing to ask whether it is.
                raise ImproperlyConfigured("no app keeps the monthly periods (writes.use_period_lock)")
            _period_lock[0](unit_id, day)


def save_record(*, user: Any, instance: M, persist: Callable[[], M]) -> M:
    """Save a new or changed record through the permission layer, the period lock and the audit trail."""
    stored = _stored(instance)
    action = "change" if stored is not None else "add"
    if stored is not None:
        policy.require(user, "change", stored)  # may act on it where it was ...
    policy.require(user, action, instance)  # ... and where it goes
    old = snapshot(stored) if stored is not None else None
    with transaction.atomic():
        check_locks(stored, instance)
        saved = persist()
        log_write(instance=saved, old=old, unit=policy.unit_of(saved), user=user)
    return saved


def delete_record(*, user: Any, instance: models.Model) -> None:
    policy.require(user, "delete", instance)
    old = snapshot(instance)
    unit = policy.unit_of(instance)
    with transaction.atomic():
        check_locks(instance)
        log_write(instance=instance, old=old, unit=unit, user=user, deleted=True)
        instance.delete()
