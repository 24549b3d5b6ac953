"""The one write path for records: permission, period lock, atomic save and audit, in that order.

Pages, the admin, imports and the API save through `save_record` / `delete_record`, so none of them can
skip a check. The callable `persist` does the actual write (a form's save, or a domain service).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction

from maharat.approval.locks import ensure_editable
from maharat.audit.services import log_write, snapshot
from maharat.training.models import CourseRun, Enrollment

from . import policy

M = TypeVar("M", bound=models.Model)


def period_keys(instance: models.Model | None) -> list[tuple[int, dt.date]]:
    """The (unit, day) whose monthly period a record belongs to; master data belongs to none."""
    if isinstance(instance, CourseRun) and instance.unit_id and instance.end_date:
        return [(instance.unit_id, instance.end_date)]
    if isinstance(instance, Enrollment) and instance.course_run_id:
        run = instance.course_run
        return [(run.unit_id, run.end_date)]
    return []


def _stored(instance: models.Model) -> models.Model | None:
    if instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def check_locks(*records: models.Model | None) -> None:
    for record in records:
        for unit_id, day in period_keys(record):
            ensure_editable(unit_id, day)


def save_record(*, user: Any, instance: M, persist: Callable[[], M]) -> M:
    """Save a new or changed record through the permission layer, the period lock and the audit trail."""
    stored = _stored(instance)
    action = "change" if stored is not None else "add"
    if stored is not None:
        policy.require(user, "change", stored)  # may act on it where it was ...
    policy.require(user, action, instance)  # ... and where it goes
    check_locks(stored, instance)
    old = snapshot(stored) if stored is not None else None
    with transaction.atomic():
        saved = persist()
        log_write(instance=saved, old=old, unit=policy.unit_of(saved), user=user)
    return saved


def delete_record(*, user: Any, instance: models.Model) -> None:
    policy.require(user, "delete", instance)
    check_locks(instance)
    old = snapshot(instance)
    unit = policy.unit_of(instance)
    with transaction.atomic():
        log_write(instance=instance, old=old, unit=unit, user=user, deleted=True)
        instance.delete()
