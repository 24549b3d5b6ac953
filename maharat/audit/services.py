"""Writing the audit trail. Every write service calls `log`; nothing else creates AuditEntry rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .context import current
from .models import AuditAction, AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The record's stored values (concrete fields and many-to-many ids) as JSON-friendly data."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        data[field.attname] = _plain(getattr(instance, field.attname))
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, list[Any]]:
    old, new = old or {}, new or {}
    keys = sorted(set(old) | set(new))
    return {k: [old.get(k), new.get(k)] for k in keys if old.get(k) != new.get(k)}


def log(
    *, action: str, instance: models.Model | None = None, old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None, unit: Any = None, note: str = "", user: Any = None,
    object_repr: str = "", acting_for: Any = None,
) -> AuditEntry:
    ctx = current()
    actor = user if user is not None else (ctx.user if ctx else None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        user=actor,
        username=actor.get_username() if actor is not None else "",
        acting_for=acting_for,
        acting_for_username=acting_for.get_username() if acting_for is not None else "",
        ip_address=ctx.ip_address if ctx else None,
        action=action,
        content_type=ContentType.objects.get_for_model(instance) if instance is not None else None,
        object_id=str(instance.pk) if instance is not None and instance.pk is not None else "",
        object_repr=(object_repr or str(instance))[:300] if instance is not None or object_repr else "",
        unit=unit,
        unit_path=unit.path if unit is not None else "",
        changes=diff(old, new),
        note=note,
    )


def log_write(
    *, instance: models.Model, old: dict[str, Any] | None, unit: Any, user: Any = None, deleted: bool = False
) -> AuditEntry:
    if deleted:
        return log(action=AuditAction.DELETE, instance=instance, old=old, new=None, unit=unit, user=user)
    action = AuditAction.CREATE if old is None else AuditAction.UPDATE
    return log(action=action, instance=instance, old=old, new=snapshot(instance), unit=unit, user=user)


def log_many(*, records: list[tuple[str, models.Model, dict[str, list[Any]], Any]], user: Any = None) -> int:
    """One entry per record for a bulk write (an import): (action, saved instance, {field: [old, new]}, unit).
    Written with COPY, so auditing a 100,000-row import costs a fraction of the import itself."""
    from maharat.common.bulk import copy_objects

    if not records:
        return 0
    ctx = current()
    actor = user if user is not None else (ctx.user if ctx else None)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    ip = ctx.ip_address if ctx else None
    content_types: dict[type, ContentType] = {}
    now = timezone.now()

    def entry(action: str, instance: models.Model, changes: dict[str, list[Any]], unit: Any) -> AuditEntry:
        model = type(instance)
        if model not in content_types:
            content_types[model] = ContentType.objects.get_for_model(model)
        return AuditEntry(at=now, user=actor, username=actor.get_username() if actor is not None else "",
                          ip_address=ip, action=action, content_type=content_types[model], object_id=str(instance.pk),
                          object_repr="", unit=unit, unit_path=unit.path if unit is not None else "",
                          changes={k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}, note="")

    # Built in full first: entry() may query (content types), which must not happen in the middle of a COPY.
    return copy_objects(AuditEntry, [entry(*r) for r in records])


def holds_personal_data(model: type[models.Model]) -> bool:
    """Records about a person (trainees, trainers, enrollments) declare `personal_data = True`: reading them
    is logged as well as changing them."""
    return bool(getattr(model, "personal_data", False))


def log_read(*, user: Any, instance: models.Model, unit: Any) -> AuditEntry | None:
    """Who looked at whose personal record: one entry per page or API read, under the person's unit, so that
    a province can search who has looked at its people."""
    if not holds_personal_data(type(instance)):
        return None
    return log(action=AuditAction.VIEW, instance=instance, unit=unit, user=user)


def log_export(*, user: Any, model: type[models.Model], unit: Any, note: str) -> AuditEntry | None:
    """An export that contains personal data: one entry, under the exporting user's unit, saying what was asked."""
    if not holds_personal_data(model):
        return None
    return log(action=AuditAction.EXPORT, unit=unit, user=user, note=note[:2000],
               object_repr=str(model._meta.verbose_name_plural))
