"""Commitments handed down for every year and the units' monthly reports: what the scorecards measure
the figures against, and what the completeness report counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from maharat.common.bulk import copy_objects, copy_rows
from maharat.org.models import Unit, UnitKind

from .base import BuilderBase
from .figures import QAZVIN


class ReportingSteps(BuilderBase):
    def build_commitments(self) -> None:
        """Commitments HQ handed down for every year, spread to counties and units by last year's share.

        Each year's province commitment is what the province achieved (last year's figure for the current
        year) with some ambition or slack; Qazvin's person-hours target is its published 4 million for
        1401 and 1402."""
        from maharat.monitoring.selectors import monitored_children, node_measures
        from maharat.plans import spread as spreading
        from maharat.plans.indicators import INDICATORS, compute
        from maharat.plans.models import EXEC_INDICATORS, Commitment, section_applies, sectors_of

        rng = self.rng
        provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code"))
        if self.only:
            provinces = [p for p in provinces if p.code in self.only]
        all_ids = list(Unit.objects.values_list("pk", flat=True))
        children_of: dict[int, list[Unit]] = {}

        def children(node: Unit, section: str) -> list[Unit]:
            if node.pk not in children_of:
                children_of[node.pk] = list(monitored_children(node))
            return [c for c in children_of[node.pk] if section_applies(c, section)]

        measures: dict[tuple[int, str], dict[int, dict[str, float]]] = {}

        def achieved(year: int, section: str) -> dict[int, dict[str, float]]:
            if (year, section) not in measures:
                measures[(year, section)] = node_measures(all_ids, year, sectors=sectors_of(section))
            return measures[(year, section)]

        rows: list[Commitment] = []

        def spread(node: Unit, year: int, indicator: str, section: str, target: Decimal) -> None:
            kids = children(node, section)
            if not kids:
                return
            # By last year's share, as the commitments page spreads it (plans.spread: the one formula, fed the
            # figures monitoring.commitments.last_year gives, here from one query per year and section for the
            # whole country); the first year goes by its own figures, having no year before it.
            basis = achieved(year - 1 if year - 1 in self.years else year, section)
            parts = spreading.spread(target, {k.pk: compute(INDICATORS[indicator], basis[k.pk]) for k in kids})
            for kid in kids:
                part = parts[kid.pk]
                rows.append(Commitment(year=year, unit=kid, indicator=indicator, section=section, target=part))
                if kid.kind == UnitKind.COUNTY:
                    spread(kid, year, indicator, section, part)

        for year in self.years:
            basis_year, growth = (year - 1, 1.06) if year == self.current_year else (year, 1.0)
            for province in provinces:
                public, private = achieved(basis_year, "public")[province.pk], achieved(basis_year, "private")[province.pk]
                for indicator in ("person_hours", "trainees", "enrollments", "completed"):
                    for section, m in (("public", public), ("private", private)):
                        value = m[indicator] * growth * rng.uniform(0.92, 1.12)
                        if province.code == QAZVIN and indicator == "person_hours" and year in (1401, 1402):
                            value = 4_000_000 * m[indicator] / ((public[indicator] + private[indicator]) or 1)
                        target = Decimal(round(value, -2 if indicator == "person_hours" else 0))
                        rows.append(Commitment(year=year, unit=province, indicator=indicator, section=section, target=target))
                        spread(province, year, indicator, section, target)
                for key in EXEC_INDICATORS:
                    target = Decimal(rng.choice([5, 8, 12, 20, 40, 120, 300]))
                    reported = None if year == self.current_year else (target * Decimal(str(round(rng.uniform(0.7, 1.2), 2)))).quantize(Decimal(1))
                    rows.append(Commitment(year=year, unit=province, indicator=key, section="exec_research",
                                           target=target, reported=reported))
        # HQ's hand-over target (issue 18): 80% of training at free institutes, held by every province and county.
        from maharat.monitoring.handover import hq_commitments

        rows += hq_commitments(self.years)
        copy_objects(Commitment, rows)
        self.report.counts["commitments"] += len(rows)

    def build_periods(self) -> None:
        """Monthly reports of every training unit for 1400–1404: most on time and accepted, some late,
        the last months of 1404 still under review and a few never sent (for the completeness report)."""
        from maharat.approval.locks import Period
        from maharat.approval.models import PeriodReport, PeriodStatus
        from maharat.org.models import TRAINING_KINDS

        rng = self.rng
        rows: list[tuple[object, ...]] = []
        unit_ids = list(Unit.objects.filter(kind__in=TRAINING_KINDS).order_by("id").values_list("id", flat=True))
        if self.only:
            unit_ids = list(Unit.objects.filter(kind__in=TRAINING_KINDS, province__code__in=self.only)
                            .order_by("id").values_list("id", flat=True))
        tz = timezone.get_current_timezone()
        # Each month's last day, for the months already due: worked out once, not once per unit.
        due = {(year, month): (period.last_day(), period.deadline()) for year in self.years for month in range(1, 13)
               if (period := Period(year, month)).deadline() < self.today}
        for unit_id in unit_ids:
            for year in self.years:
                for month in range(1, 13):
                    if (year, month) not in due:
                        continue  # not due yet
                    recent = (year == self.years[-1] and month >= 10) or year == self.current_year
                    roll = rng.random()
                    if recent and roll < 0.08:
                        continue  # never sent
                    late = roll > 0.88
                    last, deadline = due[(year, month)]
                    # On time: a day up to the deadline (working days, so more calendar days than N); late: after it.
                    day = (deadline + dt.timedelta(days=rng.randint(1, 12)) if late
                           else last + dt.timedelta(days=rng.randint(1, max(1, (deadline - last).days))))
                    day = min(day, self.today - dt.timedelta(days=1))
                    submitted = dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz)
                    if recent:
                        status = PeriodStatus.SUBMITTED if roll < 0.5 else PeriodStatus.APPROVED
                    else:
                        status = PeriodStatus.ACCEPTED
                    approved = submitted + dt.timedelta(days=3) if status != PeriodStatus.SUBMITTED else None
                    accepted = submitted + dt.timedelta(days=9) if status == PeriodStatus.ACCEPTED else None
                    rows.append((unit_id, year, month, status, utc(submitted), utc(approved), utc(accepted), ""))
        # Plain rows, not model instances: some 70,000 of them in the small demo.
        copy_rows(PeriodReport, ("unit_id", "year", "month", "status", "submitted_at", "approved_at", "accepted_at",
                                 "return_reason"), rows)
        self.report.counts["period_reports"] += len(rows)


def utc(moment: dt.datetime | None) -> dt.datetime | None:
    """In UTC, as the ORM stores it: copy_rows writes a datetime to SQLite as it is, dropping its time zone.
    Converted after the arithmetic above, which is in Tehran's wall-clock time (it kept summer time until 1401)."""
    return moment.astimezone(dt.UTC) if moment is not None else None
