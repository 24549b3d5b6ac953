"""Writes of licensing: applications and their steps, the board's decisions, appeals, and the licence's
standing that follows from them.

Every write asks the permission layer first (a refusal says nothing of the record), runs in one transaction,
and leaves an audit entry; the application's steps are its state machine's transitions (kit.workflow.perform).
A decision is never edited: an appeal that varies or annuls it adds a new version and takes the old one out
of force, and the licence's dates and status are recomputed from the versions that stand (rules.licence_state).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.access.records import tree
from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.catalog.models import Cluster
from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.common.text import clean_text
from maharat.common.validators import clean_mobile, clean_national_code
from maharat.kit import workflow
from maharat.org.models import Unit, UnitKind
from maharat.org.services import unit_create
from maharat.workdays.selectors import OutOfCalendar, add_working_days

from . import notices, rules
from .models import (
    OPEN_APPLICATION,
    PERIODIC,
    SANCTIONS,
    Appeal,
    AppealStatus,
    Application,
    ApplicationKind,
    ApplicationStatus,
    Board,
    BoardLevel,
    Decision,
    DecisionKind,
    FounderKind,
    Institute,
    Licence,
    LicenceField,
    LicenceStatus,
    LicenceType,
)

MAX_CAPACITY = 2000  # trainees an institute can hold at once; a typo of 10**6 is refused, not stored
RENEWAL_WINDOW = dt.timedelta(days=180)  # a renewal is applied for in the last six months of the term, or after
BACKDATE = dt.timedelta(days=60)  # how far back a board's decision may be recorded (minutes typed in late)


# ------------------------------------------------------------------------------------------ boards, numbers
def board_for(unit: Unit, level: str = BoardLevel.PROVINCIAL) -> Board:
    """The province's board (or the central board at HQ) for a unit anywhere below it."""
    if level == BoardLevel.CENTRAL:
        hq = tree().root()
        with translation.override("fa"):  # a board's name is stored in Persian, whatever page created it
            name = _("هیأت نظارت مرکزی")
        board, _created = Board.objects.get_or_create(unit=hq, level=level, defaults={"name": name})
        return board
    province = unit if unit.kind == UnitKind.PROVINCE else unit.province
    if province is None:
        raise ValidationError(_("این واحد زیر هیچ استانی نیست."))
    with translation.override("fa"):
        name = _("هیأت نظارت آموزشگاه‌های آزاد {province}").format(province=province.name)
    board, _created = Board.objects.get_or_create(unit=province, level=level, defaults={"name": name})
    return board


def _province_digits(unit: Unit) -> str:
    province = unit if unit.kind == UnitKind.PROVINCE else unit.province
    return (province.code.split("-")[-1] if province is not None else "00")


def _next(model: type[models.Model], field: str, prefix: str) -> str:
    last = (model._default_manager.filter(**{f"{field}__startswith": prefix}).order_by(f"-{field}")
            .values_list(field, flat=True).first())
    seq = int(str(last).rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def number_for(model: type[models.Model], field: str, letter: str, unit: Unit, day: dt.date) -> str:
    """<letter>-<province>-<Jalali year>-<sequence>: readable on the phone, the same in every script."""
    return _next(model, field, f"{letter}-{_province_digits(unit)}-{jalali.year_of(day)}-")


def _saved_with_number(instance: models.Model, field: str, make: Any) -> None:
    """Save with a fresh number; two desks numbering at once: the loser takes the next one."""
    for attempt in range(5):
        setattr(instance, field, make())
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            if attempt == 4:
                raise


# ------------------------------------------------------------------------------------------ applications
@dataclass
class ApplicationData:
    proposed_name: Any = ""
    founder_kind: Any = FounderKind.NATURAL
    founder_name: Any = ""
    founder_code: Any = ""
    founder_mobile: Any = ""
    manager_name: Any = ""
    manager_national_code: Any = ""
    licence_type: Any = ""
    clusters: Any = ()
    address: Any = ""
    postal_code: Any = ""
    capacity: Any = None


def _collect(errors: dict[str, list[str]], exc: ValidationError) -> None:
    for field, messages in exc.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def _founder_code(kind: str, value: Any) -> str:
    text = str(value or "").strip()
    if kind == FounderKind.LEGAL:
        from maharat.common.persian import normalize_digits

        digits = normalize_digits(text)
        if not (len(digits) == 11 and digits.isdigit()):
            raise ValidationError({"founder_code": _("شناسه ملی شخص حقوقی ۱۱ رقم است.")})
        return digits
    try:
        return clean_national_code(text)
    except ValidationError as exc:
        raise ValidationError({"founder_code": exc.messages}) from None


def clean_application(data: ApplicationData) -> dict[str, Any]:
    """Every field of an application checked at once: one ValidationError naming each field at fault."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def check(name: str, run: Any) -> None:
        try:
            out[name] = run()
        except ValidationError as exc:
            _collect(errors, exc)

    check("proposed_name", lambda: clean_text(data.proposed_name, field="proposed_name", label=_("نام پیشنهادی"),
                                              limit=rules.NAME_MAX, required=True))
    kind = data.founder_kind if data.founder_kind in FounderKind.values else None
    if kind is None:
        errors.setdefault("founder_kind", []).append(_("نوع مؤسس را انتخاب کنید."))
    out["founder_kind"] = kind or FounderKind.NATURAL
    check("founder_name", lambda: clean_text(data.founder_name, field="founder_name", label=_("نام مؤسس"),
                                             limit=rules.NAME_MAX, required=True))
    check("founder_code", lambda: _founder_code(out["founder_kind"], data.founder_code))
    check("founder_mobile", lambda: _mobile(data.founder_mobile))
    check("manager_name", lambda: clean_text(data.manager_name, field="manager_name", label=_("نام مدیر"),
                                             limit=rules.NAME_MAX, required=True))
    check("manager_national_code", lambda: _national(data.manager_national_code, "manager_national_code"))
    if data.licence_type not in LicenceType.values:
        errors.setdefault("licence_type", []).append(_("نوع آموزشگاه («الف» تا «د») را انتخاب کنید."))
    out["licence_type"] = data.licence_type
    clusters = [c for c in dict.fromkeys(data.clusters or ()) if c]
    if not clusters:
        errors.setdefault("clusters", []).append(_("دست‌کم یک رشته (خوشه) را انتخاب کنید."))
    elif any(c not in Cluster.values for c in clusters):
        errors.setdefault("clusters", []).append(_("رشته انتخاب‌شده معتبر نیست."))
    out["clusters"] = clusters
    check("address", lambda: clean_text(data.address, field="address", label=_("نشانی"), limit=rules.ADDRESS_MAX,
                                        required=True))
    check("postal_code", lambda: _postal(data.postal_code))
    capacity = data.capacity
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        errors.setdefault("capacity", []).append(_("ظرفیت باید عددی بین ۱ و {max} نفر باشد.").format(
            max=localize_digits(MAX_CAPACITY)))
    out["capacity"] = capacity
    if errors:
        raise ValidationError(errors)
    return out


def _mobile(value: Any) -> str:
    if not str(value or "").strip():
        return ""
    try:
        return clean_mobile(str(value))
    except ValidationError as exc:
        raise ValidationError({"founder_mobile": exc.messages}) from None


def _national(value: Any, field: str) -> str:
    try:
        return clean_national_code(str(value or ""))
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _postal(value: Any) -> str:
    from maharat.common.persian import normalize_digits

    text = normalize_digits(str(value or "").strip())
    if text and not (len(text) == 10 and text.isdigit()):
        raise ValidationError({"postal_code": _("کد پستی ۱۰ رقم است.")})
    return text


def _unit_for(user: Any) -> Unit:
    unit = policy.actor_of(user).unit
    if unit is None:
        raise PermissionDenied(_("حساب شما به واحدی وابسته نیست."))
    return unit


@transaction.atomic
def apply_new(user: Any, *, county: Unit, data: ApplicationData, submitted_on: dt.date | None = None) -> Application:
    """A founder's application for a new institute in `county`, entered by provincial staff."""
    app = Application(kind=ApplicationKind.NEW, unit=county, submitted_on=submitted_on or timezone.localdate(),
                      entered_by=user if getattr(user, "pk", None) else None)
    policy.require(user, "add", app)
    if county.kind != UnitKind.COUNTY:
        raise ValidationError({"county": _("آموزشگاه جدید در یک شهرستان تأسیس می‌شود؛ شهرستان را انتخاب کنید.")})
    for name, value in clean_application(data).items():
        setattr(app, name, value)
    _saved_with_number(app, "tracking_code", lambda: number_for(Application, "tracking_code", "A", county,
                                                                 app.submitted_on))
    log(action=AuditAction.CREATE, instance=app, new=snapshot(app), unit=county, user=user)
    notices.application_received(app)
    return app


def renewal_defaults(institute: Institute) -> ApplicationData:
    """A renewal form filled in from what is on record (institutes licensed before the platform have no founder
    on record yet: the renewal is where it is entered)."""
    licence = Licence.objects.filter(institute=institute, is_current=True).first()
    return ApplicationData(
        proposed_name=institute.unit.name, founder_kind=institute.founder_kind, founder_name=institute.founder_name,
        founder_code=institute.founder_code, manager_name=institute.manager_name,
        manager_national_code=institute.manager_national_code,
        licence_type=licence.licence_type if licence else "", clusters=licence.clusters if licence else [],
        address=institute.unit.address, postal_code=institute.postal_code,
        capacity=(licence.capacity or None) if licence else None)


@transaction.atomic
def apply_renewal(user: Any, *, institute: Institute, data: ApplicationData | None = None) -> Application:
    """The institute's application to renew its current licence."""
    licence = Licence.objects.filter(institute=institute, is_current=True).first()
    app = Application(kind=ApplicationKind.RENEWAL, unit=institute.unit, institute=institute,
                      submitted_on=timezone.localdate(), entered_by=user if getattr(user, "pk", None) else None)
    policy.require(user, "add", app)
    if licence is None or licence.status in (LicenceStatus.REVOKED, LicenceStatus.CLOSED):
        raise ValidationError(_("این آموزشگاه پروانه‌ای برای تمدید ندارد؛ درخواست تأسیس ثبت شود."))
    if licence.expires_on - app.submitted_on > RENEWAL_WINDOW:
        raise ValidationError(_("درخواست تمدید از شش ماه پیش از انقضای پروانه ({day}) پذیرفته می‌شود.").format(
            day=rules.shown_date(licence.expires_on)))
    if Application.objects.filter(institute=institute, kind=ApplicationKind.RENEWAL, status__in=OPEN_APPLICATION).exists():
        raise ValidationError(_("درخواست تمدید این آموزشگاه در جریان است."))
    cleaned = clean_application(data or renewal_defaults(institute))
    cleaned["proposed_name"] = institute.unit.name  # a renewal keeps the name; a new name is a new licence
    for name, value in cleaned.items():
        setattr(app, name, value)
    _saved_with_number(app, "tracking_code", lambda: number_for(Application, "tracking_code", "A", institute.unit,
                                                                 app.submitted_on))
    log(action=AuditAction.CREATE, instance=app, new=snapshot(app), unit=institute.unit, user=user)
    notices.application_received(app)
    return app



@transaction.atomic
def update_application(user: Any, app: Application, data: ApplicationData) -> Application:
    """A returned application corrected (by the staff who entered it), before it is sent again."""
    current = Application.objects.select_for_update(of=("self",)).get(pk=app.pk)
    policy.require(user, "change", current)
    if current.status != ApplicationStatus.RETURNED:
        raise ValidationError(_("فقط درخواستی که برای اصلاح برگشته ویرایش می‌شود."))
    old = snapshot(current)
    for name, value in clean_application(data).items():
        setattr(current, name, value)
    current.save()
    log(action=AuditAction.UPDATE, instance=current, old=old, new=snapshot(current), unit=current.unit, user=user)
    return current


STEP_NOTES = {"return_for_correction": True, "refuse": True, "accept_documents": False, "resubmit": False,
              "record_inspection": True, "withdraw": False}


@transaction.atomic
def step(user: Any, app: Application, name: str, *, note: str = "", **kwargs: Any) -> Application:
    """One step of the application's path (not the grant, which issues the licence: `grant`)."""
    if name not in STEP_NOTES:
        raise ValidationError(_("این گام تعریف نشده است."))
    current = Application.objects.select_for_update(of=("self",)).get(pk=app.pk)
    action = workflow._permission_action(current, name)
    if workflow.acting_as(user, action, current) is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این رکورد ندارید.").format(
            action=workflow.label(current, name)))
    note = clean_text(note, field="note", label=_("توضیح"), limit=rules.NOTE_MAX, required=STEP_NOTES[name],
                      multiline=True)
    if name == "record_inspection":
        day = kwargs.get("day") or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError({"day": _("تاریخ بازدید نمی‌تواند بعد از امروز باشد.")})
    if name == "refuse":
        return refuse(user, current, reason=note)
    done = workflow.perform(current, name, user=user, reason=note, **kwargs)
    notices.application_step(done, name)
    return done


def _decided_on(day: dt.date | None) -> dt.date:
    today = timezone.localdate()
    day = day or today
    if not jalali.supported_date(day):
        raise ValidationError({"decided_on": _(jalali.YEAR_RANGE_MESSAGE)})
    if day > today:
        raise ValidationError({"decided_on": _("تاریخ تصمیم نمی‌تواند بعد از امروز باشد.")})
    if day < today - BACKDATE:
        raise ValidationError({"decided_on": _("تاریخ تصمیم حداکثر {n} روز پیش از امروز است.").format(
            n=localize_digits(BACKDATE.days))})
    return day


def _appeal_until(day: dt.date) -> dt.date:
    try:
        return add_working_days(day, rules.appeal_working_days())
    except OutOfCalendar:
        return day + dt.timedelta(days=rules.appeal_working_days() * 7 // 5 + 2)


def _new_decision(user: Any, *, kind: str, unit: Unit, board: Board, reason: str, decided_on: dt.date,
                  licence: Licence | None = None, application: Application | None = None, **fields: Any) -> Decision:
    decision = Decision(kind=kind, unit=unit, licence=licence, application=application, board=board, reason=reason,
                        decided_on=decided_on, effective_from=fields.pop("effective_from", None) or decided_on,
                        appeal_until=_appeal_until(decided_on), decided_by=user if getattr(user, "pk", None) else None,
                        **fields)
    _saved_with_number(decision, "number", lambda: number_for(Decision, "number", "D", unit, decided_on))
    log(action=AuditAction.DECIDE, instance=decision, new=snapshot(decision), unit=unit, user=user, note=reason)
    return decision


@transaction.atomic
def grant(user: Any, app: Application, *, reason: str, decided_on: dt.date | None = None, grade: int = 2,
          standards: list[Any] | None = None) -> Licence:
    """The board's grant: a new institute and its licence, or the renewal of the current licence for five
    more years from its expiry."""
    current = Application.objects.select_for_update(of=("self",)).select_related("unit", "institute__unit").get(pk=app.pk)
    if workflow.acting_as(user, "decide", current) is None:
        raise PermissionDenied(_("شما اجازه «صدور پروانه» را روی این رکورد ندارید."))
    reason = clean_text(reason, field="reason", label=_("دلیل و مستند"), limit=rules.NOTE_MAX, required=True,
                        multiline=True)
    day = _decided_on(decided_on)
    if current.status == ApplicationStatus.INSPECTED and current.inspection_passed is False:
        raise ValidationError(_("بازدید فضا و تجهیزات را تأیید نکرده است؛ پروانه صادر نمی‌شود."))
    if grade not in (1, 2, 3):
        raise ValidationError({"grade": _("درجه را انتخاب کنید.")})
    workflow.perform(current, "grant", user=user, reason=reason)
    board = board_for(current.unit)
    if current.kind == ApplicationKind.NEW:
        institute = _found(current)
        licence = Licence(institute=institute, licence_type=current.licence_type, grade=grade, issued_on=day,
                          expires_on=rules.term_end(day), capacity=current.capacity)
        Licence.objects.filter(institute=institute, is_current=True).update(is_current=False)
        _saved_with_number(licence, "number", lambda: number_for(Licence, "number", "L", institute.unit, day))
        _set_fields(licence, current.clusters)
        if standards:
            licence.standards.set(standards)
        _new_decision(user, kind=DecisionKind.GRANT, unit=institute.unit, board=board, reason=reason, decided_on=day,
                      licence=licence, application=current, new_expiry=licence.expires_on)
        current.institute = institute
        current.save(update_fields=["institute"])
    else:
        licence = Licence.objects.select_for_update(of=("self",)).get(institute=current.institute, is_current=True)
        base = max(licence.expires_on, day - dt.timedelta(days=1))
        new_expiry = rules.term_end(base + dt.timedelta(days=1))
        licence.capacity, licence.grade, licence.licence_type = current.capacity, grade, current.licence_type
        licence.save(update_fields=["capacity", "grade", "licence_type"])
        _update_institute(current)
        _set_fields(licence, current.clusters)
        _new_decision(user, kind=DecisionKind.RENEW, unit=licence.institute.unit, board=board, reason=reason,
                      decided_on=day, licence=licence, application=current, new_expiry=new_expiry)
    recompute(licence)
    notices.decided(licence.decisions.order_by("-pk").first())
    return licence


def _found(app: Application) -> Institute:
    """The new institute as a unit of the tree (under its county) and its licensing record."""
    unit = unit_create(kind=UnitKind.FREE_INSTITUTE, name=app.proposed_name, parent=app.unit,
                       cluster=app.clusters[0], address=app.address, established_on=timezone.localdate())
    return Institute.objects.create(unit=unit, founder_kind=app.founder_kind, founder_name=app.founder_name,
                                    founder_code=app.founder_code, manager_name=app.manager_name,
                                    manager_national_code=app.manager_national_code, postal_code=app.postal_code)


def _update_institute(app: Application) -> None:
    """What a renewal application says of founder and manager becomes the institute's record."""
    Institute.objects.filter(pk=app.institute_id).update(
        founder_kind=app.founder_kind, founder_name=app.founder_name, founder_code=app.founder_code,
        manager_name=app.manager_name, manager_national_code=app.manager_national_code, postal_code=app.postal_code)


def _set_fields(licence: Licence, clusters: list[str]) -> None:
    licence.fields.exclude(cluster__in=clusters).delete()
    have = set(licence.fields.values_list("cluster", flat=True))
    LicenceField.objects.bulk_create([LicenceField(licence=licence, cluster=c) for c in clusters if c not in have])


@transaction.atomic
def refuse(user: Any, app: Application, *, reason: str, decided_on: dt.date | None = None) -> Application:
    current = Application.objects.select_for_update(of=("self",)).select_related("unit").get(pk=app.pk)
    if workflow.acting_as(user, "decide", current) is None:
        raise PermissionDenied(_("شما اجازه «رد درخواست» را روی این رکورد ندارید."))
    reason = clean_text(reason, field="reason", label=_("دلیل و مستند"), limit=rules.NOTE_MAX, required=True,
                        multiline=True)
    day = _decided_on(decided_on)
    done = workflow.perform(current, "refuse", user=user, reason=reason)
    licence = Licence.objects.filter(institute=current.institute, is_current=True).first() if current.institute else None
    decision = _new_decision(user, kind=DecisionKind.REFUSE, unit=current.unit, board=board_for(current.unit),
                             reason=reason, decided_on=day, licence=licence, application=current)
    notices.decided(decision)
    return done


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
