"""The board's decisions on a licence, the licence's standing replayed from them, and appeals ruled on in
versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.common import jalali
from maharat.common.text import clean_text
from maharat.kit import workflow
from maharat.org.models import Unit

from .. import notices, rules
from ..models import (
    PERIODIC,
    SANCTIONS,
    Appeal,
    AppealStatus,
    Application,
    ApplicationStatus,
    BoardLevel,
    Decision,
    DecisionKind,
    Licence,
    LicenceStatus,
)
from .common import _collect, _decided_on, _new_decision, board_for


# ------------------------------------------------------------------------------------------ decisions
@dataclass
class DecisionData:
    kind: Any
    reason: Any
    decided_on: dt.date | None = None
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    conditions: Any = ""
    new_expiry: dt.date | None = None
    source_label: Any = ""


DECIDABLE = (*SANCTIONS, DecisionKind.CLOSE)
CENTRAL_ONLY = (DecisionKind.REVOKE,)  # the gravest sanction is the central board's


def _check_terms(licence: Licence, data: DecisionData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if data.kind not in DECIDABLE:
        errors.setdefault("kind", []).append(_("نوع تصمیم را انتخاب کنید."))
    try:
        out["reason"] = clean_text(data.reason, field="reason", label=_("دلیل و مستند"), limit=rules.NOTE_MAX,
                                   required=True, multiline=True)
    except ValidationError as exc:
        _collect(errors, exc)
    try:
        out["decided_on"] = _decided_on(data.decided_on)
    except ValidationError as exc:
        _collect(errors, exc)
    decided = out.get("decided_on") or timezone.localdate()
    start = data.effective_from or decided
    if not jalali.supported_date(start) or start < decided:
        errors.setdefault("effective_from", []).append(_("تاریخ اجرا نمی‌تواند پیش از تاریخ تصمیم باشد."))
    out["effective_from"] = start
    until = data.effective_until
    if data.kind in PERIODIC:
        if data.kind != DecisionKind.CONDITIONS and until is None:
            errors.setdefault("effective_until", []).append(_("برای این تصمیم پایان اثر را تعیین کنید."))
        elif until is not None and (not jalali.supported_date(until) or until < start):
            errors.setdefault("effective_until", []).append(_("پایان اثر نمی‌تواند پیش از تاریخ اجرا باشد."))
        elif until is not None and until > licence.expires_on:
            errors.setdefault("effective_until", []).append(_("پایان اثر از انقضای پروانه ({day}) فراتر است.").format(
                day=rules.shown_date(licence.expires_on)))
        out["effective_until"] = until
    if data.kind == DecisionKind.CONDITIONS:
        try:
            out["conditions"] = clean_text(data.conditions, field="conditions", label=_("شرایط"),
                                           limit=rules.NOTE_MAX, required=True, multiline=True)
        except ValidationError as exc:
            _collect(errors, exc)
    if data.kind == DecisionKind.SHORTEN:
        expiry = data.new_expiry
        if expiry is None or not jalali.supported_date(expiry):
            errors.setdefault("new_expiry", []).append(_("تاریخ انقضای جدید را وارد کنید."))
        elif not decided <= expiry < licence.expires_on:
            errors.setdefault("new_expiry", []).append(
                _("تاریخ انقضای جدید باید میان امروز و انقضای فعلی ({day}) باشد.").format(
                    day=rules.shown_date(licence.expires_on)))
        out["new_expiry"] = expiry
    try:
        out["source_label"] = clean_text(data.source_label, field="source_label", label=_("مبدأ"), limit=200)
    except ValidationError as exc:
        _collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def decide(user: Any, licence: Licence, data: DecisionData) -> Decision:
    """A sanction or a closure decided by the province's board (a revocation by the central board)."""
    current = Licence.objects.select_for_update(of=("self",)).select_related("institute__unit").get(pk=licence.pk)
    if workflow.acting_as(user, "decide", current) is None:
        raise PermissionDenied(_("شما اجازه تصمیم درباره این پروانه را ندارید."))
    if current.status in (LicenceStatus.REVOKED, LicenceStatus.CLOSED):
        raise ValidationError(_("این پروانه «{status}» است و تصمیم تازه‌ای روی آن گرفته نمی‌شود.").format(
            status=current.get_status_display()))
    terms = _check_terms(current, data)
    central = policy.actor_of(user).national
    if data.kind in CENTRAL_ONLY and not central:
        raise PermissionDenied(_("لغو پروانه با هیأت نظارت مرکزی است؛ پیشنهاد آن را به ستاد بفرستید."))
    board = board_for(current.institute.unit, BoardLevel.CENTRAL if central else BoardLevel.PROVINCIAL)
    decision = _new_decision(user, kind=data.kind, unit=current.institute.unit, board=board, licence=current,
                             **terms)
    recompute(current)
    notices.decided(decision)
    return decision


def recompute(licence: Licence, today: dt.date | None = None) -> Licence:
    """The licence's dates and status from its decisions in force (the one place they are written)."""
    decisions = list(Decision.objects.filter(licence=licence, in_force=True))
    state = rules.licence_state(decisions)
    suspensions = [d for d in decisions if d.kind == DecisionKind.SUSPEND]
    status = rules.status_on(state, suspensions, today or timezone.localdate())
    changed = (licence.issued_on, licence.expires_on, licence.ended_on, licence.status) != (
        state.issued_on, state.expires_on, state.ended_on, status)
    if changed:
        old = {"status": licence.status, "expires_on": licence.expires_on.isoformat()}
        licence.issued_on, licence.expires_on, licence.ended_on, licence.status = (
            state.issued_on, state.expires_on, state.ended_on, status)
        licence.save(update_fields=["issued_on", "expires_on", "ended_on", "status"])
        if old["status"] != status or old["expires_on"] != state.expires_on.isoformat():
            log(action=AuditAction.TRANSITION, instance=licence, old=old,
                new={"status": status, "expires_on": state.expires_on.isoformat()}, unit=policy.unit_of(licence))
    if status in (LicenceStatus.REVOKED, LicenceStatus.CLOSED):
        unit = licence.institute.unit
        if unit.is_active:
            Unit.objects.filter(pk=unit.pk).update(is_active=False)  # no new entries at a closed institute
    return licence


def refresh_statuses(today: dt.date | None = None) -> int:
    """The daily pass: terms run out and suspensions begin and end without anyone deciding anything."""
    changed = 0
    for licence in Licence.objects.exclude(status__in=[LicenceStatus.REVOKED, LicenceStatus.CLOSED]).iterator():
        before = licence.status
        if recompute(licence, today).status != before:
            changed += 1
    return changed


# ------------------------------------------------------------------------------------------ appeals
APPEALABLE = (*SANCTIONS, DecisionKind.CLOSE, DecisionKind.REFUSE)


@transaction.atomic
def lodge_appeal(user: Any, decision: Decision, grounds: str) -> Appeal:
    current = Decision.objects.select_for_update(of=("self",)).get(pk=decision.pk)
    appeal = Appeal(decision=current, lodged_on=timezone.localdate(),
                    lodged_by=user if getattr(user, "pk", None) else None)
    policy.require(user, "appeal", appeal)
    grounds = clean_text(grounds, field="grounds", label=_("دلایل اعتراض"), limit=rules.NOTE_MAX, required=True,
                         multiline=True)
    if current.kind not in APPEALABLE or not current.in_force:
        raise ValidationError(_("به این تصمیم اعتراض نمی‌شود."))
    if appeal.lodged_on > current.appeal_until:
        raise ValidationError(_("مهلت اعتراض به این تصمیم در {day} به پایان رسیده است.").format(
            day=rules.shown_date(current.appeal_until)))
    if current.appeals.filter(status=AppealStatus.LODGED).exists():
        raise ValidationError(_("اعتراض به این تصمیم در حال رسیدگی است."))
    appeal.grounds = grounds
    appeal.save()
    log(action=AuditAction.CREATE, instance=appeal, new=snapshot(appeal), unit=current.unit, user=user, note=grounds)
    notices.appeal_lodged(appeal)
    return appeal


@transaction.atomic
def rule_on_appeal(user: Any, appeal: Appeal, outcome: str, ruling: str, *, changes: DecisionData | None = None) -> Appeal:
    """The central board's ruling: uphold, vary (a new version with the changed terms) or annul (a new version
    of kind «annul», which has no effect). The earlier version stays, out of force."""
    current = Appeal.objects.select_for_update(of=("self",)).select_related("decision__licence", "decision__unit").get(pk=appeal.pk)
    names: dict[str, str] = {AppealStatus.UPHELD: "uphold", AppealStatus.VARIED: "vary", AppealStatus.ANNULLED: "annul"}
    if outcome not in names:
        raise ValidationError({"outcome": _("نتیجه رسیدگی را انتخاب کنید.")})
    if workflow.acting_as(user, "rule", current) is None:
        raise PermissionDenied(_("رسیدگی به اعتراض با هیأت نظارت مرکزی است."))
    ruling = clean_text(ruling, field="ruling", label=_("رأی تجدیدنظر"), limit=rules.NOTE_MAX, required=True,
                        multiline=True)
    old = current.decision
    version: Decision | None = None
    if outcome != AppealStatus.UPHELD:
        if old.kind == DecisionKind.REFUSE and outcome == AppealStatus.VARIED:
            raise ValidationError({"outcome": _("رد درخواست اصلاح نمی‌شود؛ یا پابرجاست یا نقض می‌شود.")})
        fields: dict[str, Any]
        if outcome == AppealStatus.ANNULLED:
            fields = {"kind": DecisionKind.ANNUL, "effective_from": timezone.localdate()}
        else:
            if changes is None or old.licence is None:
                raise ValidationError(_("شرایط اصلاح‌شده رأی را وارد کنید."))
            terms = _check_terms(old.licence, DecisionData(
                kind=changes.kind or old.kind, reason=ruling, decided_on=timezone.localdate(),
                effective_from=changes.effective_from or old.effective_from,
                effective_until=changes.effective_until, conditions=changes.conditions or old.conditions,
                new_expiry=changes.new_expiry, source_label=old.source_label))
            terms.pop("reason"), terms.pop("decided_on")
            fields = {"kind": changes.kind or old.kind, **terms}
        Decision.objects.filter(id=old.id).update(in_force=False)
        version = _new_decision(user, unit=old.unit, board=board_for(old.unit, BoardLevel.CENTRAL), reason=ruling,
                                decided_on=timezone.localdate(), licence=old.licence, application=old.application,
                                supersedes=old, version=old.version + 1, **fields)
        if old.kind == DecisionKind.REFUSE and old.application is not None:
            _reopen(user, old.application)
    workflow.perform(current, names[outcome], user=user, reason=ruling)
    if version is not None:
        current.outcome = version
        current.save(update_fields=["outcome"])
        if old.licence is not None:
            recompute(Licence.objects.get(pk=old.licence.pk))
    notices.appeal_ruled(current)
    return current


def _reopen(user: Any, app: Application) -> None:
    """A refusal annulled on appeal sends the application back to the board, as inspected."""
    Application.objects.filter(pk=app.pk).update(status=ApplicationStatus.INSPECTED)
    log(action=AuditAction.TRANSITION, instance=app, old={"status": ApplicationStatus.REFUSED},
        new={"status": ApplicationStatus.INSPECTED}, unit=app.unit, user=user)

