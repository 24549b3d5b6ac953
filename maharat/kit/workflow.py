"""State machines for every domain (django-fsm-2): each transition is declared once, on the model, and run
through `perform`, which asks the permission layer, refuses in Persian, saves, and audits who, when, from,
to and why; the record's page shows that as its history (`history`).

    class License(models.Model):
        status = FSMField(default="draft", choices=..., protected=False)

        @transition(field=status, source="submitted", target="granted", permission=permitted("grant"),
                    custom={"label": _("صدور مجوز")})
        def grant(self, *, by, reason=""):
            self.granted_at = timezone.now()

A transition's permission is the permission layer's: the role may do the action on the record's kind, in
its subtree; or the user acts under a delegation (access/delegation.py) for someone who may, and the trail
names both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from maharat.access import policy
from maharat.access.delegation import active_for
from maharat.audit.models import AuditAction, AuditEntry
from maharat.audit.selectors import reveal_actors
from maharat.audit.services import log

M = TypeVar("M", bound=models.Model)


def permitted(action: str) -> Callable[[models.Model, Any], bool]:
    """django-fsm's `permission=`: the user may, or acts for someone who may (a delegation in force)."""

    def check(instance: models.Model, user: Any) -> bool:
        return acting_as(user, action, instance) is not None

    check.action = action  # type: ignore[attr-defined]
    return check


def acting_as(user: Any, action: str, instance: models.Model) -> Any:
    """Whose permission lets `user` do `action` on `instance`: the user's own, else a delegator's; None."""
    if policy.can(user, action, instance):
        return user
    return next((d for d in active_for(user) if policy.can(d, action, instance)), None)


def _meta(instance: models.Model, name: str) -> Any:
    method = getattr(type(instance), name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise LookupError(f"{type(instance).__name__}.{name} is not a declared transition")
    return meta


def _field(instance: models.Model, name: str) -> str:
    return str(_meta(instance, name).field.name)


def label(instance: models.Model, name: str) -> str:
    """The transition's Persian name (its `custom={"label": ...}`), for buttons, refusals and the history."""
    for t in _meta(instance, name).transitions.values():
        if t.custom.get("label"):
            return str(t.custom["label"])
    return name


def audit_action(instance: models.Model, name: str) -> str:
    for t in _meta(instance, name).transitions.values():
        if t.custom.get("audit"):
            return str(t.custom["audit"])
    return AuditAction.TRANSITION


def _status_label(instance: models.Model, field: str) -> str:
    return str(getattr(instance, f"get_{field}_display")())


@transaction.atomic
def perform(instance: M, name: str, *, user: Any, reason: str = "", **kwargs: Any) -> M:
    """Run the transition `name` on `instance` as `user`: refused (PermissionDenied / ValidationError, in
    Persian) when the user may not or the record's state does not allow it; saved and audited otherwise."""
    field = _field(instance, name)
    bound = getattr(instance, name)
    # Permission first, whatever the state: who may not act learns nothing of where the record stands.
    for_whom = acting_as(user, _permission_action(instance, name), instance)
    if for_whom is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این رکورد ندارید.").format(action=label(instance, name)))
    if not can_proceed(bound):
        raise ValidationError(_("این رکورد در وضعیت «{status}» است و «{action}» روی آن ممکن نیست.").format(
            status=_status_label(instance, field), action=label(instance, name)))
    source = getattr(instance, field)
    bound(by=user, reason=reason, **kwargs)
    instance.save()
    target = getattr(instance, field)
    log(action=audit_action(instance, name), instance=instance, old={field: source}, new={field: target},
        unit=policy.unit_of(instance), note=reason, user=user,
        acting_for=for_whom if for_whom is not None and for_whom != user else None)
    return instance


def _permission_action(instance: models.Model, name: str) -> str:
    for t in _meta(instance, name).transitions.values():
        action = getattr(t.permission, "action", None)
        if action:
            return str(action)
    return name


def available(instance: models.Model, user: Any) -> list[tuple[str, str]]:
    """(name, label) of the transitions the user may run on the record now: the record page's buttons."""
    field = _field_of(instance)
    if field is None:
        return []
    getter = getattr(instance, f"get_available_user_{field}_transitions")
    return [(t.name, str(t.custom.get("label") or t.name)) for t in getter(user)]


def _field_of(instance: models.Model) -> str | None:
    from django_fsm import FSMFieldMixin

    return next((f.name for f in instance._meta.concrete_fields if isinstance(f, FSMFieldMixin)), None)


@dataclass(frozen=True)
class Step:
    at: Any
    who: str
    acting_for: str
    source: str
    target: str
    action: str
    reason: str


def history(instance: models.Model, viewer: Any, field: str = "status") -> list[Step]:
    """Every change of the record's state, oldest first, from the audit trail (the one record of them)."""
    return histories(type(instance), [instance.pk], viewer, field).get(instance.pk, [])


def histories(model: type[models.Model], pks: list[Any], viewer: Any, field: str = "status") -> dict[Any, list[Step]]:
    """The histories of many records of one model in one query (a page of monthly reports). Who acted is
    named only where the viewer may know (audit.selectors.reveal_actors); elsewhere their role."""
    choices = dict(model._meta.get_field(field).flatchoices)  # type: ignore[union-attr]
    entries = (AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                         object_id__in=[str(pk) for pk in pks], changes__has_key=field)
               .select_related("user__account__unit", "acting_for__account").order_by("at", "pk"))
    found: dict[Any, list[Step]] = {}
    by_str = {str(pk): pk for pk in pks}
    for e in reveal_actors(policy.actor_of(viewer), getattr(viewer, "pk", None), entries):
        source, target = e.changes[field]
        shown = e.actor_visible  # type: ignore[attr-defined]
        for_whom = e.acting_for_username if shown else _role_of(e.acting_for)
        found.setdefault(by_str[e.object_id], []).append(Step(
            at=e.at, who=e.username if shown else e.actor_role,  # type: ignore[attr-defined]
            acting_for=for_whom, source=str(choices.get(source, source or "")),
            target=str(choices.get(target, target)), action=e.get_action_display(), reason=e.note))
    return found


def _role_of(user: Any) -> str:
    account = getattr(user, "account", None) if user is not None else None
    return account.get_role_display() if account is not None else ""
