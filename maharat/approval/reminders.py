"""The daily reminders of the monthly reports: the day before a month's entry deadline, every reporting unit that
has not sent it is told; the day after, those that still have not are told it has passed. Run by the worker
each morning (tasks.py); the key of each message makes a second run of the same day send nothing again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.org.models import TRAINING_KINDS, Unit

from .locks import Period
from .models import PeriodReport, PeriodStatus


@dataclass(frozen=True)
class Sent:
    due: int  # messages for a deadline coming due
    passed: int  # for a deadline passed


def _previous(period: Period) -> Period:
    return Period(period.year - 1, 12) if period.month == 1 else Period(period.year, period.month - 1)


def _periods_around(today: dt.date) -> list[Period]:
    this = Period.of(today)
    return [_previous(_previous(this)), _previous(this), this]


def run(today: dt.date | None = None) -> Sent:
    from maharat.notify.services import notify

    today = today or timezone.localdate()
    due = passed = 0
    for period in _periods_around(today):
        deadline = period.deadline()
        if deadline == today + dt.timedelta(days=1):
            state = "due"
        elif deadline == today - dt.timedelta(days=1):
            state = "passed"
        else:
            continue
        sent = PeriodReport.objects.filter(year=period.year, month=period.month).exclude(
            status__in=(PeriodStatus.OPEN, PeriodStatus.RETURNED)).values("unit_id")
        late = Unit.objects.filter(kind__in=TRAINING_KINDS, is_active=True).exclude(pk__in=sent)
        for unit in late.prefetch_related("accounts__user").iterator(chunk_size=1000):
            url = reverse("period_list", args=[unit.code]) + f"?year={period.year}"
            for account in unit.accounts.all():
                user = account.user
                if not user.is_active or not policy.may(user, "submit", "period"):
                    continue
                if state == "due":
                    title = _("مهلت ارسال گزارش {period} فردا به پایان می‌رسد").format(period=period.label())
                    body = _("گزارش ماهانه {unit} هنوز ارسال نشده است.").format(unit=unit.name)
                else:
                    title = _("مهلت ارسال گزارش {period} گذشت").format(period=period.label())
                    body = _("گزارش ماهانه {unit} ارسال نشد؛ برای ویرایش به اجازه استان نیاز است.").format(unit=unit.name)
                outcome = notify(user, topic=f"period_deadline_{state}", title=title, body=body, url=url,
                                 key=f"period-deadline:{unit.pk}:{period.year}-{period.month}:{state}")
                if outcome.created:
                    due, passed = (due + 1, passed) if state == "due" else (due, passed + 1)
    return Sent(due, passed)
