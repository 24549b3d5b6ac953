"""Reads: visits, findings, proposals and complaints as far as a user may see them, what of them a user may
read (inspectors' notes, complainants' details), the photos reused across visits, and the visit plan's units."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, QuerySet

from maharat.access import policy
from maharat.attachments.models import Attachment
from maharat.org.models import Unit, UnitKind

from .models import Complaint, Finding, SanctionProposal, Visit
from .rules import CHECKLIST_KIND, COMPLAINT_KIND, VISIT_KIND


def visits(user: Any) -> QuerySet[Visit]:
    return policy.scope(user, Visit.objects.select_related("institute", "province", "checklist"))


def proposals(user: Any) -> QuerySet[SanctionProposal]:
    return policy.scope(user, SanctionProposal.objects.select_related("institute", "licence", "decision"))


def complaints(user: Any) -> QuerySet[Complaint]:
    return policy.scope(user, Complaint.objects.select_related("institute", "province"))


def is_inspector_side(user: Any) -> bool:
    """Supervision's own side (the province's inspectors, HQ): reads the inspectors' internal notes and the
    reused-photo flags, which an institute never does."""
    return policy.actor_of(user).national or policy.may(user, "add", VISIT_KIND)


def sees_complainant(user: Any) -> bool:
    """Who handles complaints (and HQ) reads who complained and their words; the institute never does."""
    return policy.actor_of(user).national or policy.may(user, "change", COMPLAINT_KIND)


def may_plan(user: Any) -> bool:
    return policy.may(user, "view", CHECKLIST_KIND) and policy.may(user, "view", VISIT_KIND)


def findings_of(visit: Visit) -> list[Finding]:
    return list(visit.findings.select_related("followup", "item").order_by("seq"))


# ------------------------------------------------------------------------------------------ reused photos
def _visit_type() -> ContentType:
    return ContentType.objects.get_for_model(Visit)


def reused_hashes() -> QuerySet:
    """SHA-256 of files that are attached to more than one visit (attachments keeps each file's digest)."""
    return (Attachment.objects.filter(content_type=_visit_type(), removed_at=None).values("sha256").order_by()
            .annotate(n=Count("object_id", distinct=True)).filter(n__gt=1).values("sha256"))


def with_reused_photos(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    ids = (Attachment.objects.filter(content_type=_visit_type(), removed_at=None, sha256__in=reused_hashes())
           .values("object_id"))
    return qs.filter(pk__in=ids)


@dataclass(frozen=True)
class Reuse:
    attachment: Attachment
    seen: list[Visit]  # the other visits carrying the same file that the viewer may open
    elsewhere: int  # and those outside the viewer's reach (counted, never named)


def reused(user: Any, visit: Visit) -> list[Reuse]:
    """Each file of the visit that another visit carries too: the same photo shown as evidence of two visits."""
    ct = _visit_type()
    own = list(Attachment.objects.filter(content_type=ct, object_id=visit.pk, removed_at=None))
    if not own:
        return []
    others = (Attachment.objects.filter(content_type=ct, removed_at=None, sha256__in=[a.sha256 for a in own])
              .exclude(object_id=visit.pk).values_list("sha256", "object_id"))
    by_hash: dict[str, set[int]] = {}
    for sha, object_id in others:
        by_hash.setdefault(sha, set()).add(object_id)
    if not by_hash:
        return []
    every = set().union(*by_hash.values())
    visible = {v.pk: v for v in visits(user).filter(pk__in=every)}
    found = []
    for a in own:
        ids = by_hash.get(a.sha256)
        if ids:
            seen = sorted((visible[i] for i in ids if i in visible), key=lambda v: v.number)
            found.append(Reuse(a, seen, len(ids) - len(seen)))
    return found


# ------------------------------------------------------------------------------------------------ the plan
def provinces_for(user: Any) -> QuerySet[Unit]:
    """The provinces whose plan the user may read: their own, or every one from HQ."""
    return policy.scope(user, Unit.objects.filter(kind=UnitKind.PROVINCE)).order_by("code")


def institutes_in(user: Any, province: Unit) -> QuerySet[Unit]:
    return policy.scope(user, Unit.objects.filter(kind=UnitKind.FREE_INSTITUTE, province=province))
