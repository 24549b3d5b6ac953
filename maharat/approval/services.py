"""The approval workflow: submit → approve (province) → accept (HQ), or return with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.org.models import Unit

from .locks import Period
from .models import ClosedPeriod, PeriodException, PeriodReport, PeriodStatus


def _require(user: Any, action: str, unit: Unit) -> None:
    policy.require_in_scope(user, action, "period", unit)


def _report(unit: Unit, year: int, month: int) -> PeriodReport:
    report, _created = PeriodReport.objects.select_for_update().get_or_create(unit=unit, year=year, month=month)
    return report


def _move(report: PeriodReport, *, user: Any, action: str, allowed_from: tuple[str, ...], to: str, note: str = "") -> PeriodReport:
    if report.status not in allowed_from:
        raise ValidationError(
            _("گزارش این ماه در وضعیت «{status}» است و این کار روی آن ممکن نیست.").format(status=report.get_status_display())
        )
    old = {"status": report.status}
    report.status = to
    report.save()
    log(action=action, instance=report, old=old, new={"status": to}, unit=report.unit, note=note, user=user)
    return report


def check_month_ended(year: int, month: int) -> None:
    """A month is reported once it is over: not a month to come, nor the current one before its last day ends."""
    period = Period(year, month)
    if timezone.localdate() <= period.last_day():
        raise ValidationError(_("ماه {period} هنوز به پایان نرسیده است؛ گزارش هر ماه پس از پایان آن ارسال می‌شود.").format(
            period=period.label()))


@transaction.atomic
def submit(*, user: Any, unit: Unit, year: int, month: int) -> PeriodReport:
    _require(user, "submit", unit)
    check_month_ended(year, month)
    report = _report(unit, year, month)
    report.submitted_at, report.submitted_by = timezone.now(), user
    return _move(report, user=user, action=AuditAction.SUBMIT,
                 allowed_from=(PeriodStatus.OPEN, PeriodStatus.RETURNED), to=PeriodStatus.SUBMITTED)


@transaction.atomic
def approve(*, user: Any, unit: Unit, year: int, month: int) -> PeriodReport:
    _require(user, "approve", unit)
    report = _report(unit, year, month)
    report.approved_at, report.approved_by, report.return_reason = timezone.now(), user, ""
    return _move(report, user=user, action=AuditAction.APPROVE, allowed_from=(PeriodStatus.SUBMITTED,),
                 to=PeriodStatus.APPROVED)


@transaction.atomic
def accept(*, user: Any, unit: Unit, year: int, month: int) -> PeriodReport:
    _require(user, "accept", unit)
    report = _report(unit, year, month)
    report.accepted_at, report.accepted_by = timezone.now(), user
    return _move(report, user=user, action=AuditAction.ACCEPT, allowed_from=(PeriodStatus.APPROVED,),
                 to=PeriodStatus.ACCEPTED)


@transaction.atomic
def return_for_correction(*, user: Any, unit: Unit, year: int, month: int, reason: str) -> PeriodReport:
    if not reason.strip():
        raise ValidationError({"reason": _("دلیل برگشت را بنویسید.")})
    _require(user, "return", unit)
    report = _report(unit, year, month)
    report.return_reason = reason.strip()
    # A returned month is no longer sent: whether it was sent on time is decided by its next submission (the
    # first one stays in the audit trail).
    report.submitted_at = None
    return _move(report, user=user, action=AuditAction.RETURN,
                 allowed_from=(PeriodStatus.SUBMITTED, PeriodStatus.APPROVED), to=PeriodStatus.RETURNED, note=reason)


@transaction.atomic
def grant_exception(*, user: Any, unit: Unit, year: int, month: int, until: dt.datetime, reason: str) -> PeriodException:
    _require(user, "grant", unit)
    if not reason.strip():
        raise ValidationError({"reason": _("دلیل اجازه ویرایش را بنویسید.")})
    if until <= timezone.now():
        raise ValidationError({"until": _("مهلت باید در آینده باشد.")})
    if until > timezone.now() + dt.timedelta(days=31):
        raise ValidationError({"until": _("اجازه ویرایش موقت حداکثر یک ماه است.")})
    exc = PeriodException.objects.create(unit=unit, year=year, month=month, until=until, reason=reason.strip(), granted_by=user)
    log(action=AuditAction.GRANT, instance=exc, new={"until": until.isoformat(), "reason": reason}, unit=unit, user=user)
    return exc


@transaction.atomic
def close_period(*, user: Any, year: int, month: int) -> ClosedPeriod:
    if not policy.may(user, "close", "period"):
        raise PermissionDenied(_("نقش شما اجازه این کار را ندارد."))
    closed, _created = ClosedPeriod.objects.get_or_create(year=year, month=month, defaults={"closed_by": user})
    log(action=AuditAction.CLOSE, instance=closed, new={"year": year, "month": month}, user=user)
    return closed
