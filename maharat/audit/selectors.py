"""Reads of the audit trail, always through the permission layer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from maharat.access import policy

from .models import AuditEntry


def visible_entries(user: Any) -> QuerySet[AuditEntry]:
    """Entries about the user's subtree; HQ sees everything. Roles without audit access see none."""
    if not policy.may(user, "view", "audit"):
        return AuditEntry.objects.none()
    actor = policy.actor_of(user)
    qs = AuditEntry.objects.select_related("content_type", "unit")
    if actor.national:
        return qs
    return qs.filter(unit_path__startswith=actor.unit.path)  # type: ignore[union-attr]


def history_of(user: Any, obj: Model) -> list[AuditEntry]:
    """A record's history, for its own page: whoever may see the record sees how it came to be, but who did
    it only where the viewer may know (reveal_actors)."""
    ct = ContentType.objects.get_for_model(obj)
    entries = AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-at", "-id")
    return reveal_actors(user, entries.select_related("user__account__unit")[:50])


def reveal_actors(user: Any, entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Set `actor` on each entry: the user name and IP address when the person who acted works inside the
    viewer's subtree (or the viewer is national, or it is the viewer), otherwise only their role. A trainee
    enrolled in Qazvin shows Qazvin the changes made in Tehran, not the Tehran clerks' names and addresses."""
    viewer = policy.actor_of(user)
    out = []
    for entry in entries:
        account = getattr(entry.user, "account", None) if entry.user_id else None
        acting_unit = account.unit if account is not None else None
        entry.actor_visible = bool(  # type: ignore[attr-defined]
            viewer.national or entry.user_id == getattr(user, "pk", None)
            or (viewer.unit is not None and policy.in_subtree(acting_unit, viewer.unit)))
        entry.actor_role = account.get_role_display() if account is not None else ""  # type: ignore[attr-defined]
        out.append(entry)
    return out


def search(
    user: Any, *, username: str = "", unit_path: str = "", since: dt.date | None = None,
    until: dt.date | None = None, content_type: int | None = None, action: str = "",
) -> QuerySet[AuditEntry]:
    qs = visible_entries(user)
    if username:
        qs = qs.filter(username__icontains=username)
    if unit_path:
        qs = qs.filter(unit_path__startswith=unit_path)
    if since:
        qs = qs.filter(at__date__gte=since)
    if until:
        qs = qs.filter(at__date__lte=until)
    if content_type:
        qs = qs.filter(content_type_id=content_type)
    if action:
        qs = qs.filter(action=action)
    return qs
