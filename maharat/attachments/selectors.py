"""Reads: an attachment is seen where its record is seen (the record's own scope decides, policy.scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from maharat.access import policy
from maharat.common.users import MaybeUser

from . import registry
from .content import max_bytes
from .content.types import ACCEPT_ATTRIBUTE
from .models import Attachment

THUMB_SHOWN = 64  # pixels, the longer side of a thumbnail in the list


def of_record(obj: Model) -> QuerySet[Attachment]:
    """The record's attachments (removed ones left out)."""
    ct = ContentType.objects.get_for_model(obj)
    return Attachment.objects.filter(content_type=ct, object_id=obj.pk, removed_at=None).select_related(
        "uploaded_by__account__unit")


def visible_record(user: MaybeUser, model: type[Model], object_id: Any, action: str = "view") -> Model | None:
    """The record, if the user may see it (or do `action` on it); otherwise None, whether or not it exists."""
    if not registry.is_enabled(model) or not policy.governed(model):
        return None
    return policy.scope(user, model._default_manager.filter(pk=object_id), action).first()


def visible_attachment(user: MaybeUser, pk: int) -> Attachment | None:
    """An attachment whose record the user may see; None for one that does not exist, that lies outside the
    user's scope, or that was removed (a superuser, reading the admin's list, still reaches a removed one)."""
    attachment = Attachment.objects.select_related("content_type").filter(pk=pk).first()
    if attachment is None:
        return None
    if attachment.removed and not getattr(user, "is_superuser", False):
        return None
    model = registry.model_of(attachment.content_type)
    if model is None or visible_record(user, model, attachment.object_id) is None:
        return None
    return attachment


def also_attached(user: MaybeUser, obj: Model, hashes: set[str]) -> dict[str, int]:
    """For each file (by SHA-256), how many *other* records the user may see carry it too. Records outside
    the user's scope are not counted, so the figure tells nothing about anyone else's records."""
    counts: dict[str, int] = {}
    if not hashes:
        return counts
    own = ContentType.objects.get_for_model(obj)
    same = Attachment.objects.filter(sha256__in=hashes, removed_at=None)
    for ct_id in same.values_list("content_type_id", flat=True).distinct().order_by():
        model = registry.model_of(ContentType.objects.get_for_id(ct_id))
        if model is None or not policy.governed(model):
            continue
        seen = policy.scope(user, model._default_manager.all()).order_by().values("pk")
        rows = same.filter(content_type_id=ct_id, object_id__in=seen)
        if ct_id == own.pk:
            rows = rows.exclude(object_id=obj.pk)
        for sha in rows.values_list("sha256", flat=True):  # one row per record: at most one live copy each
            counts[sha] = counts.get(sha, 0) + 1
    return counts


def uploader_label(user: MaybeUser, attachment: Attachment) -> tuple[str, bool]:
    """Who uploaded, and whether that is their name: their name where the viewer may know (national viewers,
    the uploader, an uploader inside the viewer's subtree), otherwise their role, as a record's history
    shows it (audit.selectors.reveal_actors)."""
    uploader = attachment.uploaded_by
    if uploader is None:
        return "", False
    actor = policy.actor_of(user)
    account = getattr(uploader, "account", None)
    unit = account.unit if account is not None else None
    if actor.national or uploader.pk == getattr(user, "pk", None) or (
            unit is not None and actor.unit is not None and policy.in_subtree(unit, actor.unit)):
        return uploader.get_full_name() or uploader.get_username(), True
    return (account.get_role_display() if account is not None else ""), False


@dataclass(frozen=True)
class Row:
    attachment: Attachment
    uploader: str
    uploader_known: bool  # the uploader's name (False: their role only)
    also: int  # other records the viewer may see that carry the same file
    thumb_width: int
    thumb_height: int


def _thumb_size(attachment: Attachment) -> tuple[int, int]:
    width, height = attachment.width or THUMB_SHOWN, attachment.height or THUMB_SHOWN
    scale = THUMB_SHOWN / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def section_data(user: MaybeUser, obj: Model) -> dict[str, Any]:
    """What the attachments section of a record's page shows this user."""
    from .forms import UploadForm

    attachments = list(of_record(obj))
    also = also_attached(user, obj, {a.sha256 for a in attachments})
    rows = []
    for a in attachments:
        rows.append(Row(a, *uploader_label(user, a), also.get(a.sha256, 0), *_thumb_size(a)))
    can_change = policy.can(user, "change", obj)
    return {
        "rows": rows, "record": obj, "target": registry.label_of(obj), "can_change": can_change,
        "form": UploadForm() if can_change else None, "accept": ACCEPT_ATTRIBUTE,
        "max_size": max_bytes(),
        "count": len(rows) + (1 if can_change else 0),  # kit.sections leaves out a section with nothing to show
    }
