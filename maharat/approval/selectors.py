"""Reads for the approval pages: a unit's months, and who submitted on time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from maharat.access import policy
from maharat.org.models import TRAINING_KINDS, Unit
from maharat.org.selectors import subtree_q

from .locks import Period, lock_reason
from .models import PeriodReport, PeriodStatus


@dataclass
class MonthRow:
    period: Period
    report: PeriodReport | None
    lock: str | None

    @property
    def status(self) -> str:
        return self.report.status if self.report else PeriodStatus.OPEN

    @property
    def status_label(self) -> str:
        return self.report.get_status_display() if self.report else str(PeriodStatus.OPEN.label)

    @property
    def timeliness(self) -> str:
        return timeliness(self.report, self.period)


def timeliness(report: PeriodReport | None, period: Period) -> str:
    """'on_time', 'late', 'missing' (deadline passed, nothing sent) or 'pending' (not yet due)."""
    if report is None or report.submitted_at is None:
        return "missing" if timezone.localdate() > period.deadline() else "pending"
    return "on_time" if timezone.localdate(report.submitted_at) <= period.deadline() else "late"


def unit_months(unit: Unit, year: int) -> list[MonthRow]:
    reports = {r.month: r for r in PeriodReport.objects.filter(unit=unit, year=year)}
    return [MonthRow(Period(year, m), reports.get(m), lock_reason(unit.pk, Period(year, m))) for m in range(1, 13)]


def reporting_units(user: Any, root: Unit) -> QuerySet[Unit]:
    """The training units under `root` that report monthly, within what the user may see."""
    units = Unit.objects.filter(subtree_q(root), kind__in=TRAINING_KINDS, is_active=True).order_by("path")
    return policy.scope(user, units)


@dataclass
class CompletenessRow:
    unit: Unit
    cells: list[str]  # a timeliness value per month


def completeness_totals(units: QuerySet[Unit], year: int) -> list[dict[str, int]]:
    """Per month, how many of `units` sent on time, late, or not (missing once the deadline passed, pending
    before): what `timeliness` says of each unit, counted in the database. HQ's page covers every reporting
    unit of the country (24,000 at national volume); reading their 290,000 reports to count them took 7-11 s."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    # Sent on time: on or before the deadline's day, in local time, as timeliness() reads submitted_at.
    cutoffs = {m: dt.datetime.combine(Period(year, m).deadline() + dt.timedelta(days=1), dt.time(), tzinfo=tz)
               for m in range(1, 13)}
    on_time = Q()
    for m, cutoff in cutoffs.items():
        on_time |= Q(month=m, submitted_at__lt=cutoff)
    sent = (PeriodReport.objects.filter(unit__in=units.order_by().values("pk"), year=year, submitted_at__isnull=False)
            .values("month").annotate(sent=Count("pk"), on_time=Count("pk", filter=on_time)))
    by_month = {r["month"]: r for r in sent}
    count = units.order_by().count()
    totals = []
    for m in range(1, 13):
        row = by_month.get(m, {"sent": 0, "on_time": 0})
        unsent = count - row["sent"]
        overdue = today > Period(year, m).deadline()
        totals.append({"on_time": row["on_time"], "late": row["sent"] - row["on_time"],
                       "missing": unsent if overdue else 0, "pending": 0 if overdue else unsent})
    return totals


def completeness(units: Iterable[Unit], year: int) -> tuple[list[CompletenessRow], list[dict[str, int]]]:
    """Per unit and month: submitted on time, late, missing or pending; and per-month totals (of these rows
    only: completeness_totals counts a whole subtree without reading it)."""
    unit_list = list(units)
    reports: dict[tuple[int, int], PeriodReport] = {
        (r.unit_id, r.month): r
        for r in PeriodReport.objects.filter(unit__in=[u.pk for u in unit_list], year=year).only(
            "unit_id", "month", "submitted_at", "status")
    }
    rows = []
    totals = [{"on_time": 0, "late": 0, "missing": 0, "pending": 0} for _ in range(12)]
    for unit in unit_list:
        cells = []
        for m in range(1, 13):
            value = timeliness(reports.get((unit.pk, m)), Period(year, m))
            totals[m - 1][value] += 1
            cells.append(value)
        rows.append(CompletenessRow(unit, cells))
    return rows, totals


@dataclass(frozen=True)
class Waiting:
    """A month that waits for the user: what they may do with it, and for whom (themselves or a delegator)."""

    report: PeriodReport
    action: str  # "approve" or "accept"
    for_whom: Any  # the user, or the colleague they stand in for


# What waits for whom: a month sent by its unit waits for the province's approval, one approved by the
# province for HQ's acceptance.
WAITING_FOR = (("approve", PeriodStatus.SUBMITTED), ("accept", PeriodStatus.APPROVED))
INBOX_LIMIT = 500


def inbox(user: Any) -> list[Waiting]:
    """The months waiting for the user's decision, in their own scope and in the scope of every colleague who
    has handed them their approvals (access/delegation.py), oldest month first; at most INBOX_LIMIT."""
    from maharat.access.delegation import active_for

    found: dict[int, Waiting] = {}
    for who in [user, *active_for(user)]:
        for action, status in WAITING_FOR:
            if not policy.may(who, action, "period"):
                continue
            qs = policy.scope(who, PeriodReport.objects.filter(status=status)).select_related("unit")
            for report in qs.order_by("year", "month", "unit__path")[:INBOX_LIMIT]:
                found.setdefault(report.pk, Waiting(report, action, who))
    rows = sorted(found.values(), key=lambda w: (w.report.year, w.report.month, w.report.unit.path))
    return rows[:INBOX_LIMIT]
