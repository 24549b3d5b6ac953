"""Applications and their steps up to the board's grant or refusal (new institutes and renewals)."""

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
from maharat.catalog.models import Cluster
from maharat.common.persian import localize_digits
from maharat.common.text import clean_text
from maharat.common.validators import clean_mobile, clean_national_code
from maharat.kit import workflow
from maharat.org.models import Unit, UnitKind
from maharat.org.services import unit_create

from .. import notices, rules
from ..models import (
    OPEN_APPLICATION,
    Application,
    ApplicationKind,
    ApplicationStatus,
    DecisionKind,
    FounderKind,
    Institute,
    Licence,
    LicenceField,
    LicenceStatus,
    LicenceType,
)
from .common import (
    MAX_CAPACITY,
    RENEWAL_WINDOW,
    _collect,
    _decided_on,
    _new_decision,
    _saved_with_number,
    board_for,
    number_for,
)
from .decisions import recompute


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


