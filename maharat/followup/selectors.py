"""Reads: what a unit owes, what it raised, what lies in a user's reach, and the items of a domain's record.
Every list is ordered live items first (open and submitted, by deadline), then the closed and cancelled."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from maharat.access import policy
from maharat.access.records import tree
from maharat.org.models import Unit

from .models import FollowUp, FollowUpStatus

RELATED = ("owner_unit", "raised_unit", "owner_person", "escalated_to")


def _listed(qs: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    return qs.select_related(*RELATED).order_by("settled", "due", "pk")


def owed(unit: Unit, *, subtree: bool = False) -> QuerySet[FollowUp]:
    """"What I owe": the items `unit` must answer (with `subtree`, those of every unit under it too: a
    province's view of what its centers owe)."""
    where = tree().subtree_q(unit, "owner_unit__") if subtree else Q(owner_unit=unit)
    return _listed(FollowUp.objects.filter(where))


def raised_by_unit(unit: Unit) -> QuerySet[FollowUp]:
    """The items `unit` raised: the raiser's side of the ledger."""
    return _listed(FollowUp.objects.filter(raised_unit=unit))


def visible(user: Any) -> QuerySet[FollowUp]:
    return _listed(policy.scope(user, FollowUp.objects.all()))


def overdue(qs: QuerySet[FollowUp], today: Any = None) -> QuerySet[FollowUp]:
    """Open and past the deadline (Deadline.overdue: the day after the due day is late, whatever weekday)."""
    return qs.filter(status=FollowUpStatus.OPEN, due__lt=today or timezone.localdate())


def not_overdue(qs: QuerySet[FollowUp], today: Any = None) -> QuerySet[FollowUp]:
    return qs.exclude(status=FollowUpStatus.OPEN, due__lt=today or timezone.localdate())


def for_source(user: Any, source: Model) -> QuerySet[FollowUp]:
    """The items a domain's record raised, as far as `user` may see them: for that record's own page."""
    ct = ContentType.objects.get_for_model(source)
    return visible(user).filter(source_type=ct, source_id=source.pk)


def source_of(user: Any, item: FollowUp) -> Model | None:
    """The record that raised the item, if it still exists and `user` may open it (else the page shows only
    its stored label)."""
    source_type = item.source_type
    if source_type is None or item.source_id is None:
        return None
    model = source_type.model_class()
    if model is None:
        return None
    found = model._default_manager.filter(pk=item.source_id).first()
    if found is None:
        return None
    if policy.governed(model) and not policy.can(user, "view", found):
        return None
    return found


def shown_person(viewer: Any, person: Any) -> tuple[str, bool]:
    """(what to show, is it their name): a person's name where the viewer may know who acted (national
    viewers, themselves, someone inside the viewer's subtree), otherwise their role, as an item's history
    names people (audit.selectors.reveal_actors)."""
    if person is None:
        return "", False
    actor = policy.actor_of(viewer)
    account = getattr(person, "account", None)
    unit = account.unit if account is not None else None
    if actor.national or person.pk == getattr(viewer, "pk", None) or (
            actor.unit is not None and policy.in_subtree(unit, actor.unit)):
        return person.get_full_name() or person.get_username(), True
    return (account.get_role_display() if account is not None else ""), False
