"""Writes of fees: the federation's maximums and the state tariff (HQ), a course run's fee (its unit), an
early closure and its refunds. Each asks the permission layer first, runs in one transaction and is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.catalog.models import Cluster, Standard
from maharat.common import jalali
from maharat.common.persian import format_number, localize_digits
from maharat.common.text import clean_text
from maharat.org.models import UnitKind

from . import rules
from .models import CourseFee, EarlyClosure, Refund, Tariff, TuitionCap


def _amount(value: Any, field: str, label: str, *, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= rules.AMOUNT_MAX:
        raise ValidationError({field: _("«{label}» باید عددی بین {low} و {high} ریال باشد.").format(
            label=label, low=localize_digits(low), high=format_number(rules.AMOUNT_MAX))})
    return value


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not jalali.supported_year(value):
        raise ValidationError({"year": _(jalali.YEAR_RANGE_MESSAGE)})
    return value


@transaction.atomic
def set_cap(user: Any, *, year: int, cluster: str, level: int, per_hour: int) -> TuitionCap:
    """Enter (or correct) one cell of the federation's table."""
    probe = TuitionCap(year=0, cluster=Cluster.SERVICES, level=1, per_hour=0)
    policy.require(user, "add", probe)
    errors: dict[str, list[str]] = {}
    for check in (lambda: _year(year), lambda: _amount(per_hour, "per_hour", _("حداکثر شهریه هر ساعت"), low=1)):
        try:
            check()
        except ValidationError as exc:
            for f, m in exc.message_dict.items():
                errors.setdefault(f, []).extend(m)
    if cluster not in Cluster.values:
        errors["cluster"] = [_("خوشه را انتخاب کنید.")]
    if level not in Standard.Level.values:
        errors["level"] = [_("سطح مهارت را انتخاب کنید.")]
    if errors:
        raise ValidationError(errors)
    cap = TuitionCap.objects.filter(year=year, cluster=cluster, level=level).first()
    old = snapshot(cap) if cap else None
    if cap is None:
        cap = TuitionCap(year=year, cluster=cluster, level=level)
    cap.per_hour, cap.entered_by, cap.entered_at = per_hour, user, timezone.now()
    cap.save()
    log(action=AuditAction.UPDATE if old else AuditAction.CREATE, instance=cap, old=old, new=snapshot(cap), user=user)
    return cap


@transaction.atomic
def set_tariff(user: Any, *, year: int, per_hour: int, exempt_deciles: int = 5) -> Tariff:
    probe = Tariff(year=0, per_hour=0)
    policy.require(user, "add", probe)
    _year(year)
    _amount(per_hour, "per_hour", _("تعرفه هر ساعت"))
    if isinstance(exempt_deciles, bool) or not isinstance(exempt_deciles, int) or not 0 <= exempt_deciles <= 10:
        raise ValidationError({"exempt_deciles": _("دهک‌های معاف عددی بین ۰ و ۱۰ است.")})
    tariff, created = Tariff.objects.update_or_create(year=year, defaults={"per_hour": per_hour,
                                                                          "exempt_deciles": exempt_deciles})
    log(action=AuditAction.CREATE if created else AuditAction.UPDATE, instance=tariff, new=snapshot(tariff), user=user)
    return tariff


def fee_errors(run: Any, per_trainee: int) -> dict[str, str]:
    """The fee against the run's maximum (the cap per hour × the run's hours)."""
    cap = rules.cap_for(run)
    most = rules.max_fee(run, cap)
    if most is not None and per_trainee > most:
        return {"per_trainee": _("شهریه {fee} ریال از سقف مصوب این دوره ({most} ریال = {hours} ساعت × {cap} ریال) "
                                 "بیشتر است.").format(fee=format_number(per_trainee), most=format_number(most),
                                                       hours=localize_digits(run.hours),
                                                       cap=format_number(cap.per_hour if cap else 0))}
    return {}


@transaction.atomic
def set_fee(user: Any, run: Any, per_trainee: Any) -> CourseFee:
    """An institute's tuition for a run of its own, refused above the federation's maximum for its year."""
    policy.require(user, "change", run)
    if run.unit.kind != UnitKind.FREE_INSTITUTE:
        raise ValidationError({"per_trainee": _("شهریه فقط برای دوره‌های آموزشگاه‌های آزاد ثبت می‌شود؛ دوره‌های "
                                                "مراکز دولتی تعرفه آموزشی دارند.")})
    amount = _amount(per_trainee, "per_trainee", _("شهریه هر کارآموز"))
    if errors := fee_errors(run, amount):
        raise ValidationError(errors)
    fee = CourseFee.objects.filter(course_run=run).first()
    old = snapshot(fee) if fee else None
    cap = rules.cap_for(run)
    fee = fee or CourseFee(course_run=run)
    fee.per_trainee, fee.cap_per_hour, fee.set_by, fee.set_at = amount, cap.per_hour if cap else None, user, timezone.now()
    fee.save()
    log(action=AuditAction.UPDATE if old else AuditAction.CREATE, instance=fee, old=old, new=snapshot(fee), user=user,
        unit=run.unit)
    return fee


def _refund_amount(enrollment: Any, fee: CourseFee | None, tariff: Tariff | None) -> int:
    if fee is not None:
        return fee.per_trainee
    return rules.tariff_due(enrollment, tariff) or 0


@transaction.atomic
def close_early(user: Any, run: Any, *, closed_on: dt.date, reason: str, consent_documented: bool) -> EarlyClosure:
    """Close a running course before its end: only with the trainees' written consent, and every trainee is
    owed a full refund of what they paid (the fee, or the tariff of a public course), recorded one by one."""
    policy.require(user, "change", run)
    reason = clean_text(reason, field="reason", label=_("دلیل"), limit=2000, required=True, multiline=True)
    errors: dict[str, str] = {}
    if not consent_documented:
        errors["consent_documented"] = _("تعطیلی زودهنگام دوره بدون رضایت کتبی کارآموزان مجاز نیست (ماده ۴۱).")
    if not isinstance(closed_on, dt.date) or not run.start_date <= closed_on < run.end_date:
        errors["closed_on"] = _("تاریخ تعطیلی باید میان آغاز ({start}) و پیش از پایان دوره ({end}) باشد.").format(
            start=jalali.format_date(run.start_date), end=jalali.format_date(run.end_date))
    elif closed_on > timezone.localdate():
        errors["closed_on"] = _("تاریخ تعطیلی نمی‌تواند بعد از امروز باشد.")
    if EarlyClosure.objects.filter(course_run=run).exists():
        errors["closed_on"] = _("تعطیلی این دوره پیش‌تر ثبت شده است.")
    if errors:
        raise ValidationError(errors)
    closure = EarlyClosure.objects.create(course_run=run, closed_on=closed_on, reason=reason,
                                          consent_documented=True, recorded_by=user)
    fee = CourseFee.objects.filter(course_run=run).first()
    tariff = rules.tariff_for(run)
    enrollments = run.enrollments.select_related("trainee", "course_run__unit")
    Refund.objects.bulk_create([Refund(closure=closure, enrollment=e, amount=_refund_amount(e, fee, tariff))
                                for e in enrollments])
    log(action=AuditAction.CREATE, instance=closure, new=snapshot(closure), user=user, unit=run.unit, note=reason)
    return closure


@transaction.atomic
def pay_refund(user: Any, refund: Refund, *, paid_on: dt.date, reference: str) -> Refund:
    current = Refund.objects.select_for_update().select_related("closure__course_run__unit").get(pk=refund.pk)
    run = current.closure.course_run
    if not policy.can(user, "change", run):
        raise PermissionDenied(_("شما اجازه ثبت بازپرداخت این دوره را ندارید."))
    reference = clean_text(reference, field="reference", label=_("شماره پیگیری پرداخت"), limit=40, required=True)
    if current.paid_on is not None:
        raise ValidationError(_("بازپرداخت این کارآموز پیش‌تر ثبت شده است."))
    if not isinstance(paid_on, dt.date) or not current.closure.closed_on <= paid_on <= timezone.localdate():
        raise ValidationError({"paid_on": _("تاریخ پرداخت باید میان تاریخ تعطیلی و امروز باشد.")})
    old = snapshot(current)
    current.paid_on, current.reference = paid_on, reference
    current.save(update_fields=["paid_on", "reference"])
    log(action=AuditAction.UPDATE, instance=current, old=old, new=snapshot(current), user=user, unit=run.unit)
    return current
