"""Writes: raising an item, answering it, verifying, rejecting and cancelling it.

Raising goes through the write path (access.writes: permission where the item is, its audit entry with every
value); the rest are the model's transitions, run by kit.workflow.perform (permission, a Persian refusal,
save, audit with from, to and why). Other domains raise their items here with `source=` their record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maharat.access import policy, writes
from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.kit import workflow
from maharat.org.models import Unit
from maharat.workdays.selectors import OutOfCalendar, add_working_days

from . import notices, rules
from .models import FollowUp, FollowUpStatus

# How far back an item's count may start: the day of the visit or the letter that asked for it, not a year ago.
START_BACK = dt.timedelta(days=60)


def _due(start: dt.date, working_days: Any) -> dt.date:
    if isinstance(working_days, bool) or not isinstance(working_days, int):
        raise ValidationError({"working_days": _("مهلت را به صورت شمار روزهای کاری بنویسید.")})
    if not 1 <= working_days <= rules.WORKING_DAYS_MAX:
        raise ValidationError({"working_days": _("مهلت باید بین {low} و {high} روز کاری باشد.").format(
            low=localize_digits(1), high=localize_digits(rules.WORKING_DAYS_MAX))})
    try:
        return add_working_days(start, working_days)
    except OutOfCalendar:
        raise ValidationError({"working_days": _("مهلت از سال‌هایی که سامانه می‌شناسد بیرون می‌افتد.")}) from None


def _check_start(start: Any) -> None:
    today = timezone.localdate()
    if not isinstance(start, dt.date) or not jalali.supported_date(start):
        raise ValidationError({"start": _(jalali.YEAR_RANGE_MESSAGE)})
    if start > today:
        raise ValidationError({"start": _("تاریخ شروع نمی‌تواند بعد از امروز باشد.")})
    if start < today - START_BACK:
        raise ValidationError({"start": _("تاریخ شروع حداکثر {days} روز پیش از امروز است.").format(
            days=localize_digits(START_BACK.days))})


def clean_terms(*, title: Any, description: Any, start: Any, working_days: Any) -> tuple[str, str, dt.date]:
    """The item's text cleaned and its deadline counted, or one ValidationError naming every field at fault.
    The forms call it too, so a page and a call from another domain are refused alike."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    checks = {
        "title": lambda: rules.clean_text(title, field="title", label=_("عنوان"), limit=rules.TITLE_MAX,
                                          required=True),
        "description": lambda: rules.clean_text(description, field="description", label=_("شرح"),
                                                limit=rules.DESCRIPTION_MAX, multiline=True),
        "start": lambda: _check_start(start),
        "due": lambda: _due(start, working_days) if "start" not in errors else None,
    }
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if not errors and cleaned["due"] < timezone.localdate():
        errors["working_days"] = [_("با این تاریخ شروع، مهلت پیش از امروز به پایان رسیده است.")]
    if errors:
        raise ValidationError(errors)
    return cleaned["title"], cleaned["description"], cleaned["due"]


def _link_source(item: FollowUp, user: Any, source: Model | None, label: str) -> None:
    if source is None:
        item.source_label = label
        return
    if source.pk is None:
        raise ValueError("a follow-up's source must be a saved record")
    # A record outside the raiser's reach is not theirs to cite (nor to learn the name of, through the item).
    if policy.governed(type(source)) and not policy.can(user, "view", source):
        raise PermissionDenied(_("رکورد مبدأ در حوزه شما نیست."))
    item.source_type = ContentType.objects.get_for_model(source)
    item.source_id = source.pk
    item.source_label = label or str(source)[: rules.SOURCE_LABEL_MAX]


def raise_item(user: Any, *, owner_unit: Unit, title: str, description: str = "", working_days: int,
               owner_person: Any = None, source: Model | None = None, source_label: str = "",
               start: dt.date | None = None) -> FollowUp:
    """A new item owed by `owner_unit`, due `working_days` working days after `start` (today by default).
    The owner person, or else the unit's accounts that answer items, are told."""
    actor = policy.actor_of(user)
    if actor.unit is None:
        raise PermissionDenied(_("حساب شما به واحدی وابسته نیست."))
    start = start or timezone.localdate()
    item = FollowUp(owner_unit=owner_unit, owner_person=owner_person, raised_unit=actor.unit, start=start,
                    raised_by=user if getattr(user, "pk", None) else None, raised_at=timezone.now(),
                    working_days=working_days)
    # Permission before anything else: who may not raise an item there learns nothing of the unit's people.
    policy.require(user, "add", item)
    item.title, item.description, item.due = clean_terms(title=title, description=description, start=start,
                                                         working_days=working_days)
    _link_source(item, user, source, rules.clean_text(source_label, field="source_label", label=_("مبدأ"),
                                                      limit=rules.SOURCE_LABEL_MAX))
    item.full_clean()
    with transaction.atomic():
        saved = writes.save_record(user=user, instance=item, persist=lambda: _saved(item))
        notices.raised(saved)
    return saved


def _saved(item: FollowUp) -> FollowUp:
    item.save()
    return item


def _locked(item: FollowUp) -> FollowUp:
    """The item as stored, held for the transition: two decisions at once are taken one after the other, and
    the second is judged on the state the first left."""
    return FollowUp.objects.select_for_update().select_related("owner_unit", "raised_unit").get(pk=item.pk)


def _reason(value: str, *, field: str, label: str) -> str:
    return rules.clean_text(value, field=field, label=label, limit=rules.NOTE_MAX, required=True, multiline=True)


@transaction.atomic
def respond(user: Any, item: FollowUp, note: str) -> FollowUp:
    """The owner says it is done. The note is required, evidence is not: some actions leave no document (a
    meeting held, a practice stopped) and the note says what was done; the verifier above decides whether
    what is shown is enough, and rejects with a reason when it is not."""
    current = _locked(item)
    _permission_first(user, current, "respond")
    note = _reason(note, field="note", label=_("گزارش انجام"))
    done = workflow.perform(current, "respond", user=user, reason=note)
    notices.submitted(done)
    return done


@transaction.atomic
def verify(user: Any, item: FollowUp, note: str = "") -> FollowUp:
    current = _locked(item)
    _permission_first(user, current, "verify")
    note = rules.clean_text(note, field="note", label=_("توضیح"), limit=rules.NOTE_MAX, multiline=True)
    done = workflow.perform(current, "verify", user=user, reason=note)
    notices.decided(done, "closed")
    return done


@transaction.atomic
def reject(user: Any, item: FollowUp, reason: str) -> FollowUp:
    current = _locked(item)
    _permission_first(user, current, "reject")
    reason = _reason(reason, field="reason", label=_("دلیل رد"))
    done = workflow.perform(current, "reject", user=user, reason=reason)
    notices.decided(done, "rejected")
    return done


@transaction.atomic
def cancel(user: Any, item: FollowUp, reason: str) -> FollowUp:
    current = _locked(item)
    _permission_first(user, current, "cancel")
    reason = _reason(reason, field="reason", label=_("دلیل لغو"))
    done = workflow.perform(current, "cancel", user=user, reason=reason)
    notices.decided(done, "cancelled")
    return done


def _permission_first(user: Any, item: FollowUp, name: str) -> None:
    """workflow.perform asks again; asked here too so that someone who may not act is refused before their
    note is read (its errors would otherwise answer first)."""
    action = "verify" if name == "reject" else name
    if workflow.acting_as(user, action, item) is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این رکورد ندارید.").format(
            action=workflow.label(item, name)))


def escalate(item: FollowUp) -> tuple[Unit | None, int]:
    """An open item past its deadline goes up once: the nearest level above with someone who may verify it
    is told, and the item records where and when. (unit, people told now); (None, 0) when it had already gone."""
    with transaction.atomic():
        current = FollowUp.objects.select_for_update().select_related("owner_unit").get(pk=item.pk)
        if current.escalated_at is not None or current.status != FollowUpStatus.OPEN:
            return None, 0
        unit, people = notices.escalation_target(current)
        current.escalated_at, current.escalated_to = timezone.now(), unit or current.owner_unit.parent
        current.save(update_fields=["escalated_at", "escalated_to"])
        with translation.override("fa"):  # the trail's text, whatever language the job runs in
            note = _("مهلت گذشت؛ به {unit} ارجاع شد.").format(unit=current.escalated_to or "—")
        log(action=AuditAction.UPDATE, instance=current, unit=current.owner_unit,
            old={"escalated_to": None}, new={"escalated_to": current.escalated_to_id}, note=note)
        told = notices.escalated(current, people)
    return current.escalated_to, told
