"""Visits: planning one (a follow-up visit links to the first), recording its results (answers, score, findings
and their follow-up items, in one transaction), adding a finding later, closing and cancelling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy, writes
from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.common.persian import localize_digits
from maharat.followup.models import ACTIVE
from maharat.institutes import selectors as licensing
from maharat.kit import workflow
from maharat.org.models import Unit, UnitKind

from .. import notices, rules
from ..models import (
    HELD,
    Answer,
    ChecklistStatus,
    ChecklistVersion,
    Finding,
    Result,
    Visit,
    VisitKind,
    VisitStatus,
)
from . import findings
from .common import refuse_state
from .findings import FindingData, Keys
from .numbers import next_number, prefix, save_numbered


def current_checklist() -> ChecklistVersion | None:
    return ChecklistVersion.objects.filter(status=ChecklistStatus.PUBLISHED).order_by("-number").first()


def _permission(user: Any, action: str, visit: Visit, name: str, statuses: tuple[str, ...]) -> None:
    """Asked before anything typed is read. Who may not see the visit is refused outright; who sees it (and so
    its state) is told first when its state does not allow the step (a closed file is no longer "changed",
    and a permission refusal would misname why); then the permission to take the step."""
    if not policy.can(user, "view", visit):
        raise PermissionDenied(_("شما اجازه «{action}» را روی این بازدید ندارید.").format(
            action=workflow.label(visit, name)))
    if visit.status not in statuses:
        refuse_state(visit, name)
    if workflow.acting_as(user, action, visit) is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این بازدید ندارید.").format(
            action=workflow.label(visit, name)))


# ------------------------------------------------------------------------------------------------ planning
def _check_plan(visit: Visit, planned_on: Any, inspectors: list[Any], follow_up_of: Visit | None) -> None:
    errors: dict[str, list[str]] = {}
    unit = visit.institute
    licence = licensing.licence_of(unit.pk) if unit.kind == UnitKind.FREE_INSTITUTE else None
    if licence is None:
        errors.setdefault("institute", []).append(_("بازدید نظارتی برای آموزشگاه آزاد دارای پروانه است."))
    elif licence.status in licensing.ENDED:
        errors.setdefault("institute", []).append(_("پروانه این آموزشگاه «{status}» است.").format(
            status=licence.get_status_display()))
    if visit.kind not in VisitKind.values:
        errors.setdefault("kind", []).append(_("نوع بازدید را انتخاب کنید."))
    try:
        day = rules.check_day(planned_on, field="planned_on", label=_("تاریخ برنامه"))
        today = timezone.localdate()
        if not today - rules.VISIT_BACKDATE <= day <= today + rules.PLAN_AHEAD:
            errors.setdefault("planned_on", []).append(_("تاریخ برنامه باید از دو ماه پیش تا یک سال آینده باشد."))
    except ValidationError as exc:
        rules.collect(errors, exc)
    for person in inspectors:
        if not (getattr(person, "is_active", False) and policy.can(person, "change", visit)):
            errors.setdefault("inspectors", []).append(_("«{name}» کارشناس یا مدیر نظارت این استان نیست.").format(
                name=person.get_full_name() or person.get_username()))
    if follow_up_of is not None and (follow_up_of.institute_id != unit.pk or follow_up_of.status not in HELD):
        errors.setdefault("follow_up_of", []).append(_("بازدید پیگیری به دنبال بازدیدی انجام‌شده از همین آموزشگاه است."))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_visit(user: Any, *, institute: Unit, kind: str, planned_on: Any, inspectors: Iterable[Any] = (),
               purpose: str = "", follow_up_of: Visit | None = None) -> Visit:
    checklist = current_checklist()
    visit = Visit(institute=institute, province=institute.province or institute, kind=kind,
                  planned_by=user if getattr(user, "pk", None) else None, follow_up_of=follow_up_of)
    policy.require(user, "add", visit)
    people = list(dict.fromkeys(inspectors))
    _check_plan(visit, planned_on, people, follow_up_of)
    if checklist is None:
        raise ValidationError(_("هیچ نسخه منتشرشده‌ای از چک‌لیست نظارت نیست؛ ستاد باید آن را منتشر کند."))
    visit.planned_on, visit.checklist = planned_on, checklist
    visit.purpose = rules.clean_public(purpose, field="purpose", label=_("هدف بازدید"), limit=rules.NOTE_MAX,
                                       multiline=True)
    if kind == VisitKind.SCHEDULED:
        visit.disclosed_to = institute  # announced: the institute sees the date (an unannounced one, only after)

    def persist() -> Visit:
        save_numbered(visit, "number", lambda: next_number(Visit, "number", prefix("V", institute, planned_on)),
                      visit.save)
        visit.inspectors.set(people)
        return visit

    saved = writes.save_record(user=user, instance=visit, persist=persist)
    notices.visit_planned(saved)
    return saved


# ------------------------------------------------------------------------------------------------- results
@dataclass
class AnswerData:
    result: Any = ""
    note: Any = ""
    fix: FindingData = field(default_factory=FindingData)  # a failed item's corrective action


@dataclass
class Results:
    visited_on: Any = None
    answers: Mapping[int, AnswerData] = field(default_factory=dict)  # by checklist item id
    free: list[FindingData] = field(default_factory=list)  # findings outside the checklist (blank rows skipped)
    summary: Any = ""
    internal_note: Any = ""


def _visited_on(value: Any) -> dt.date:
    day = rules.check_day(value, field="visited_on", label=_("تاریخ انجام"))
    today = timezone.localdate()
    if day > today:
        raise ValidationError({"visited_on": _("تاریخ انجام بازدید نمی‌تواند بعد از امروز باشد.")})
    if day < today - rules.VISIT_BACKDATE:
        raise ValidationError({"visited_on": _("نتیجه بازدید حداکثر تا دو ماه پس از آن ثبت می‌شود.")})
    return day


def _score(earned: int, possible: int) -> Decimal:
    return (Decimal(100 * earned) / Decimal(possible)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _checked(visit: Visit, results: Results) -> tuple[dt.date, list[tuple[Any, str, str]], list[dict[str, Any]],
                                                   dict[str, str]]:
    """Every part of the results checked at once; one ValidationError naming each field at fault."""
    errors: dict[str, list[str]] = {}
    try:
        day = _visited_on(results.visited_on)
    except ValidationError as exc:
        rules.collect(errors, exc)
        day = timezone.localdate()
    answers: list[tuple[Any, str, str]] = []
    terms: list[dict[str, Any]] = []
    for item in visit.checklist.items.order_by("order", "pk"):
        given = results.answers.get(item.pk) or AnswerData()
        if given.result not in Result.values:
            errors.setdefault(f"result_{item.pk}", []).append(_("نتیجه بند «{item}» را انتخاب کنید.").format(item=item))
            continue
        try:
            note = rules.clean_public(given.note, field=f"note_{item.pk}", label=_("توضیح"), limit=rules.ACTION_MAX)
        except ValidationError as exc:
            rules.collect(errors, exc)
            continue
        answers.append((item, given.result, note))
        if given.result == Result.FAIL:
            fix = FindingData(title=item.text, action_plan=given.fix.action_plan, working_days=given.fix.working_days,
                              severity=given.fix.severity or item.severity, article=item.article, area=item.area)
            cleaned = findings.check(fix, Keys.prefixed("", f"_{item.pk}"), day, errors)
            if cleaned is not None:
                terms.append({**cleaned, "item": item})
    for i, row in enumerate(results.free, start=1):
        if not any(str(v or "").strip() for v in (row.title, row.action_plan)):
            continue  # a blank row of the form
        cleaned = findings.check(row, Keys.prefixed("free_", f"_{i}"), day, errors)
        if cleaned is not None:
            terms.append({**cleaned, "item": None})
    every_item_answered = len(answers) == visit.checklist.items.count()
    if answers and every_item_answered and all(result == Result.NA for _item, result, _note in answers):
        errors.setdefault("__all__", []).append(_("دست‌کم یک بند باید قابل ارزیابی باشد؛ همه «موضوعیت ندارد» است."))
    texts: dict[str, str] = {}
    for name, label, limit in (("summary", _("گزارش بازدید"), rules.NOTE_MAX),
                               ("internal_note", _("یادداشت داخلی بازرسان"), rules.NOTE_MAX)):
        try:
            texts[name] = rules.clean_public(getattr(results, name), field=name, label=label, limit=limit,
                                             multiline=True)
        except ValidationError as exc:
            rules.collect(errors, exc)
    if errors:
        raise ValidationError(errors)
    return day, answers, terms, texts


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().select_related("institute", "province", "checklist").get(pk=visit.pk)


@transaction.atomic
def complete_visit(user: Any, visit: Visit, results: Results) -> Visit:
    """The visit took place: its answers, its score, a finding per failed item (and the free ones), and for each
    finding a follow-up item owed by the institute, all or nothing."""
    current = _locked(visit)
    _permission(user, "change", current, "complete", (VisitStatus.PLANNED,))
    day, answers, terms, texts = _checked(current, results)
    Answer.objects.bulk_create([Answer(visit=current, item=item, result=result, note=note)
                                for item, result, note in answers])
    applicable = [(item, result) for item, result, _note in answers if result != Result.NA]
    possible = sum(item.weight for item, _result in applicable)
    earned = sum(item.weight for item, result in applicable if result == Result.PASS)
    done = workflow.perform(current, "complete", user=user, visited_on=day, earned=earned, possible=possible,
                            score=_score(earned, possible), **texts)
    log(action=AuditAction.UPDATE, instance=done, unit=done.province, user=user,
        new={"answers": {str(item.pk): result for item, result, _note in answers}, "score": str(done.score)})
    for seq, term in enumerate(terms, start=1):
        finding = Finding.objects.create(visit=done, seq=seq, created_by=user, **term)
        log(action=AuditAction.CREATE, instance=finding, new=snapshot(finding), unit=done.province, user=user)
        findings.raise_followup(user, finding, day)
    notices.visit_done(done)
    return done


@transaction.atomic
def add_finding(user: Any, visit: Visit, data: FindingData) -> Finding:
    """A finding recorded after the visit (a document checked at the office); its deadline runs from today."""
    current = _locked(visit)
    if policy.can(user, "view", current) and current.status != VisitStatus.DONE:
        raise ValidationError(_("یافته تازه فقط به بازدید انجام‌شده‌ای افزوده می‌شود که پرونده‌اش بسته نشده است."))
    _permission(user, "change", current, "complete", (VisitStatus.DONE,))
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    cleaned = findings.check(data, Keys(), today, errors)
    if cleaned is None:
        raise ValidationError(errors)
    seq = (current.findings.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    finding = Finding(visit=current, seq=seq, created_by=user, item=None, **cleaned)

    def persist() -> Finding:
        finding.save()
        return finding

    saved = writes.save_record(user=user, instance=finding, persist=persist)
    return findings.raise_followup(user, saved, today)


# ----------------------------------------------------------------------------------------- close and cancel
@transaction.atomic
def close_visit(user: Any, visit: Visit, note: str = "") -> Visit:
    current = _locked(visit)
    _permission(user, "close", current, "close", (VisitStatus.DONE,))
    note = rules.clean_public(note, field="note", label=_("توضیح"), limit=rules.ACTION_MAX, multiline=True)
    if current.status == VisitStatus.DONE:
        waiting = [f.seq for f in current.findings.select_related("followup")
                   if f.followup is not None and f.followup.status in ACTIVE]
        if waiting:
            raise ValidationError(_("پیگیری یافته‌های {rows} هنوز باز است؛ پرونده پس از بسته یا لغو شدن آن‌ها بسته "
                                    "می‌شود.").format(rows=_("، ").join(localize_digits(n) for n in waiting)))
    return workflow.perform(current, "close", user=user, reason=note)


@transaction.atomic
def cancel_visit(user: Any, visit: Visit, reason: str) -> Visit:
    current = _locked(visit)
    _permission(user, "cancel", current, "cancel", (VisitStatus.PLANNED,))
    reason = rules.clean_public(reason, field="reason", label=_("دلیل لغو"), limit=rules.ACTION_MAX, required=True,
                                multiline=True)
    done = workflow.perform(current, "cancel", user=user, reason=reason)
    notices.visit_cancelled(done)
    return done
