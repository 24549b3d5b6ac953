"""Whether a unit's month may still be edited, and if not, which of the three reasons applies."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.workdays.selectors import add_working_days

from .models import LOCKED_STATUSES, ClosedPeriod, PeriodException, PeriodReport


class LockReason:
    DEADLINE = "deadline"
    CLOSED = "closed"
    APPROVED = "approved"


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Period:
        j = jalali.from_gregorian(day)
        return cls(j.year, j.month)

    def label(self) -> str:
        return localize_digits(f"{jalali.month_name(self.month)} {self.year}")

    def last_day(self) -> dt.date:
        return jalali.to_gregorian(self.year, self.month, jalali.month_length(self.year, self.month))

    def deadline(self) -> dt.date:
        """The last day entries for this month are accepted: N working days into the next month (Fridays and
        the official holidays of the calendar HQ keeps are not counted: maharat/workdays), or N calendar days
        where MAHARAT_ENTRY_DEADLINE_WORKING is off. Every deadline of the monthly reports is this one: the
        lock, "on time", completeness, the reminders."""
        if settings.MAHARAT_ENTRY_DEADLINE_WORKING:
            return add_working_days(self.last_day(), settings.MAHARAT_ENTRY_DEADLINE_DAYS)
        return self.last_day() + dt.timedelta(days=settings.MAHARAT_ENTRY_DEADLINE_DAYS)


class PeriodLocked(ValidationError):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message, code=f"period_{reason}")
        self.reason = reason


def lock_reason(unit_id: int, period: Period, *, now: dt.datetime | None = None) -> str | None:
    now = now or timezone.now()
    if PeriodException.objects.filter(unit_id=unit_id, year=period.year, month=period.month, until__gt=now).exists():
        return None
    status = (
        PeriodReport.objects.filter(unit_id=unit_id, year=period.year, month=period.month)
        .values_list("status", flat=True).first()
    )
    if status in LOCKED_STATUSES:
        return LockReason.APPROVED
    if ClosedPeriod.objects.filter(year=period.year, month=period.month).exists():
        return LockReason.CLOSED
    if timezone.localdate(now) > period.deadline():
        return LockReason.DEADLINE
    return None


def message(reason: str, period: Period) -> str:
    label = period.label()
    if reason == LockReason.APPROVED:
        return _("داده‌های {period} این واحد تأیید شده و قفل است؛ برای اصلاح، از تأییدکننده اجازه ویرایش موقت بگیرید.").format(period=label)
    if reason == LockReason.CLOSED:
        return _("دوره {period} از سوی ستاد بسته شده است و دیگر ویرایش نمی‌پذیرد.").format(period=label)
    return _("مهلت ثبت اطلاعات {period} ({deadline}) گذشته است؛ برای ثبت دیرهنگام اجازه ویرایش موقت بگیرید.").format(
        period=label, deadline=localize_digits(jalali.format_date(period.deadline(), persian_digits=False)))


def hold(unit_id: int, period: Period) -> None:
    """Inside a transaction, lock the unit's report row for this month until the commit. Approval moves a
    month through the same row, locked (services._report), so a write that has found the month editable
    is committed before the month can be approved, accepted or returned, and not after.

    Outside a transaction there is nothing to hold. On SQLite a transaction takes the database's one write
    lock when it begins (settings: transaction_mode IMMEDIATE), which already keeps approval out. A month
    without a report row has not been submitted, so cannot be approved at once; the import engine asks the
    lock again just before its commit (kit/importing/periods.py) for a month submitted and approved meanwhile.
    """
    if not connection.in_atomic_block or not connection.features.has_select_for_update:
        return
    rows = PeriodReport.objects.select_for_update().filter(unit_id=unit_id, year=period.year, month=period.month)
    list(rows.values_list("pk", flat=True))


def ensure_editable(unit_id: int, day: dt.date) -> None:
    """Raise PeriodLocked if the unit's month of `day` is locked; inside a transaction, hold it (hold())."""
    period = Period.of(day)
    hold(unit_id, period)
    reason = lock_reason(unit_id, period)
    if reason:
        raise PeriodLocked(reason, message(reason, period))
