"""The checklist: HQ opens a draft (a copy of the current version), edits its items and publishes it as the
new version. A published version is never edited; visits planned after it use it, earlier ones keep theirs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy, writes
from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot

from .. import rules
from ..models import Area, ChecklistItem, ChecklistStatus, ChecklistVersion, Severity
from .visits import current_checklist


def _draft_only(version: ChecklistVersion) -> None:
    if not version.is_draft:
        raise ValidationError(_("نسخه منتشرشده تغییر نمی‌کند؛ برای تغییر، پیش‌نویس نسخه تازه را باز کنید."))


@transaction.atomic
def open_draft(user: Any, note: str = "") -> ChecklistVersion:
    """The draft of the next version, with the current version's items to start from (or the one already open)."""
    existing = ChecklistVersion.objects.filter(status=ChecklistStatus.DRAFT).first()
    draft = existing or ChecklistVersion(status=ChecklistStatus.DRAFT,
                                         created_by=user if getattr(user, "pk", None) else None)
    policy.require(user, "add" if existing is None else "change", draft)
    if existing is not None:
        return existing
    draft.note = rules.clean_public(note, field="note", label=_("شرح تغییرات"), limit=rules.NOTE_MAX, multiline=True)
    draft.number = (ChecklistVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    source = current_checklist()

    def persist() -> ChecklistVersion:
        draft.save()
        if source is not None:
            ChecklistItem.objects.bulk_create([
                ChecklistItem(version=draft, area=i.area, text=i.text, article=i.article, weight=i.weight,
                              severity=i.severity, order=i.order) for i in source.items.order_by("order", "pk")])
        return draft

    return writes.save_record(user=user, instance=draft, persist=persist)


@dataclass
class ItemData:
    area: Any = ""
    text: Any = ""
    article: Any = ""
    weight: Any = None
    severity: Any = ""
    order: Any = None


def _clean_item(data: ItemData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if data.area not in Area.values:
        errors.setdefault("area", []).append(_("حوزه بند را انتخاب کنید."))
    out["area"] = data.area
    for name, label, limit in (("text", _("بند"), rules.ITEM_TEXT_MAX),
                               ("article", _("مستند (ماده آیین‌نامه)"), rules.ARTICLE_MAX)):
        try:
            out[name] = rules.clean_public(getattr(data, name), field=name, label=label, limit=limit, required=True)
        except ValidationError as exc:
            rules.collect(errors, exc)
    weight = data.weight
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= rules.WEIGHT_MAX:
        errors.setdefault("weight", []).append(_("وزن عددی درست بین ۱ و ۱۰ است."))
    out["weight"] = weight
    if data.severity not in Severity.values:
        errors.setdefault("severity", []).append(_("شدت تخلف را انتخاب کنید."))
    out["severity"] = data.severity
    order = data.order
    if order is not None and (isinstance(order, bool) or not isinstance(order, int) or not 0 <= order <= 32000):
        errors.setdefault("order", []).append(_("ترتیب عددی درست بین ۰ و ۳۲۰۰۰ است."))
    out["order"] = order
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def save_item(user: Any, version: ChecklistVersion, data: ItemData, item: ChecklistItem | None = None) -> ChecklistItem:
    current = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
    policy.require(user, "change", current)
    _draft_only(current)
    cleaned = _clean_item(data)
    if cleaned["order"] is None:
        cleaned["order"] = (current.items.aggregate(n=Max("order"))["n"] or 0) + 10
    target = item if item is not None else ChecklistItem(version=current)
    if target.version_id != current.pk:
        raise ValidationError(_("این بند از این نسخه نیست."))
    for name, value in cleaned.items():
        setattr(target, name, value)

    def persist() -> ChecklistItem:
        target.save()
        return target

    return writes.save_record(user=user, instance=target, persist=persist)


@transaction.atomic
def remove_item(user: Any, item: ChecklistItem) -> None:
    current = ChecklistVersion.objects.select_for_update().get(pk=item.version_id)
    policy.require(user, "change", current)
    _draft_only(current)
    log(action=AuditAction.DELETE, instance=item, old=snapshot(item), user=user)
    item.delete()


@transaction.atomic
def publish(user: Any, version: ChecklistVersion) -> ChecklistVersion:
    current = ChecklistVersion.objects.select_for_update().get(pk=version.pk)
    policy.require(user, "change", current)
    _draft_only(current)
    if not current.items.exists():
        raise ValidationError(_("نسخه بدون بند منتشر نمی‌شود."))
    old = snapshot(current)
    current.status, current.published_at = ChecklistStatus.PUBLISHED, timezone.now()
    current.published_by = user if getattr(user, "pk", None) else None
    current.save(update_fields=["status", "published_at", "published_by"])
    log(action=AuditAction.UPDATE, instance=current, old=old, new=snapshot(current), user=user,
        note=_("انتشار نسخه {n}").format(n=current.number))
    return current
