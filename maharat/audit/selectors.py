"""Reads of the audit trail. The audit app sits below the permission layer (access writes to it), so these
reads take the viewer (`access.policy.Actor`: national or not, and its unit) from their caller instead of
asking the policy themselves; the pages that call them (web/audit.py, kit/registers.py) check the role first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from .models import AuditEntry


class Viewer(Protocol):
    """Who is reading: the permission layer's Actor satisfies this."""

    @property
    def national(self) -> bool: ...
    @property
    def unit(self) -> Any: ...  # the viewer's unit (with its tree `path`), or None


def visible_entries(viewer: Viewer) -> QuerySet[AuditEntry]:
    """Entries about the viewer's subtree; HQ sees everything, an account without a unit nothing."""
    qs = AuditEntry.objects.select_related("content_type", "unit")
    if viewer.national:
        return qs
    if viewer.unit is None:
        return qs.none()
    return qs.filter(unit_path__startswith=viewer.unit.path)


def _in_subtree(unit: Any, root: Any) -> bool:
    return unit is not None and root is not None and unit.path.startswith(root.path)


def history_of(viewer: Viewer, viewer_pk: int | None, obj: Model) -> list[AuditEntry]:
    """A record's history, for its own page: whoever may see the record sees how it came to be, but who did
    it only where the viewer may know (reveal_actors)."""
    ct = ContentType.objects.get_for_model(obj)
    entries = AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).order_by("-at", "-id")
    return reveal_actors(viewer, viewer_pk, entries.select_related("user__account__unit")[:50])


def reveal_actors(viewer: Viewer, viewer_pk: int | None, entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """Set `actor` on each entry: the user name and IP address when the person who acted works inside the
    viewer's subtree (or the viewer is national, or it is the viewer), otherwise only their role. A trainee
    enrolled in Qazvin shows Qazvin the changes made in Tehran, not the Tehran clerks' names and addresses."""
    out = []
    for entry in entries:
        account = getattr(entry.user, "account", None) if entry.user_id else None
        acting_unit = account.unit if account is not None else None
        entry.actor_visible = bool(  # type: ignore[attr-defined]
            viewer.national or (viewer_pk is not None and entry.user_id == viewer_pk)
            or _in_subtree(acting_unit, viewer.unit))
        entry.actor_role = account.get_role_display() if account is not None else ""  # type: ignore[attr-defined]
        out.append(entry)
    return out


def search(
    viewer: Viewer, *, username: str = "", unit_path: str = "", since: dt.date | None = None,
    until: dt.date | None = None, content_type: int | None = None, action: str = "",
) -> QuerySet[AuditEntry]:
    qs = visible_entries(viewer)
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
