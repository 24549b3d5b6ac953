"""The approval workflow: submit → approve (province) → accept (HQ), or return with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit.models import AuditAction, AuditEntry
from maharat.audit.services import log
from maharat.kit import workflow
from maharat.org.models import Unit

from .locks import Period
from .models import ClosedPeriod, PeriodException, PeriodReport


def _require(user: Any, action: str, unit: Unit) -> None:
    policy.require_in_scope(user, action, "period", unit)


def _report(unit: Unit, year: int, month: int) -> PeriodReport:
    report, _created = PeriodReport.objects.select_for_update().get_or_create(unit=unit, year=year, month=month)
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
    return workflow.perform(_report(unit, year, month), "submit", user=user)


@transaction.atomic
def approve(*, user: Any, unit: Unit, year: int, month: int) -> PeriodReport:
    report = workflow.perform(_report(unit, year, month), "approve", user=user)
    _tell_unit(report, returned=False)
    return report


@transaction.atomic
def accept(*, user: Any, unit: Unit, year: int, month: int) -> PeriodReport:
    return workflow.perform(_report(unit, year, month), "accept", user=user)


@transaction.atomic
def return_for_correction(*, user: Any, unit: Unit, year: int, month: int, reason: str) -> PeriodReport:
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ValidationError({"reason": _("دلیل برگشت را بنویسید.")})
    report = workflow.perform(_report(unit, year, month), "send_back", user=user, reason=reason)
    _tell_unit(report, returned=True)
    return report


def _tell_unit(report: PeriodReport, *, returned: bool) -> None:
    """The unit's own accounts hear of its month approved or returned, once per decision (the audit entry's id
    makes the key: a month returned twice is told twice)."""
    from django.urls import reverse

    from maharat.notify.services import notify

    decision = AuditEntry.objects.filter(content_type__model="periodreport", object_id=str(report.pk)).order_by("-pk").first()
    period = Period(report.year, report.month).label()
    if returned:
        title = _("گزارش {period} برگشت خورد").format(period=period)
        body = _("دلیل: {reason}").format(reason=report.return_reason)
    else:
        title, body = _("گزارش {period} تأیید شد").format(period=period), ""
    url = reverse("period_list", args=[report.unit.code]) + f"?year={report.year}"
    for account in report.unit.accounts.select_related("user").filter(user__is_active=True):
        notify(account.user, topic="period_returned" if returned else "period_approved", title=title, body=body,
               url=url, key=f"period:{report.pk}:{decision.pk if decision else report.status}")


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


BULK_ACTIONS = ("approve", "accept", "return")
BULK_LIMIT = 500


def bulk(*, user: Any, ids: list[int], action: str, reason: str = "") -> list[PeriodReport]:
    """One decision on many months from the inbox, all or nothing: if one of them cannot be decided (changed
    meanwhile, outside the user's scope), none is, and every refusal is listed by month."""
    if action not in BULK_ACTIONS:
        raise ValidationError(_("این کار روی گزارش‌ها ممکن نیست."))
    if not ids:
        raise ValidationError(_("هیچ گزارشی انتخاب نشده است."))
    if len(ids) > BULK_LIMIT:
        raise ValidationError(_("در هر بار حداکثر {n} گزارش را می‌توان تصمیم گرفت.").format(n=BULK_LIMIT))
    if action == "return" and not (reason or "").strip():
        raise ValidationError({"reason": _("دلیل برگشت را بنویسید.")})
    errors: list[str] = []
    done: list[PeriodReport] = []
    with transaction.atomic():
        found = {r.pk: r for r in PeriodReport.objects.filter(pk__in=ids).select_related("unit")}
        for pk in dict.fromkeys(ids):
            report = found.get(pk)
            if report is None:
                errors.append(_("گزارش شماره {pk} پیدا نشد.").format(pk=pk))
                continue
            where = f"{report.unit} — {Period(report.year, report.month).label()}"
            try:
                with transaction.atomic():
                    if action == "return":
                        done.append(return_for_correction(user=user, unit=report.unit, year=report.year,
                                                          month=report.month, reason=reason))
                    else:
                        step = approve if action == "approve" else accept
                        done.append(step(user=user, unit=report.unit, year=report.year, month=report.month))
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                errors.extend(f"{where}: {text}" for text in messages)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError(errors)
    return done
