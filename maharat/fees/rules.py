"""The fee rules, each once: which maximum applies to a course run, what a trainee owes as the state tariff,
and when the federation's table for a year is due."""

from __future__ import annotations

import datetime as dt
from typing import Any

from maharat.common import jalali

from .models import Tariff, TuitionCap

AMOUNT_MAX = 10**12  # Rials: a typo of many zeros is refused, not stored
CAP_DUE = (12, 20)  # 20 Esfand of the year before (bylaw, Art. 68)


def cap_due(year: int) -> dt.date:
    """The day the federation's maximum tuition for `year` is due: 20 Esfand of the year before."""
    return jalali.to_gregorian(year - 1, *CAP_DUE)


def year_of_run(run: Any) -> int:
    return jalali.year_of(run.start_date)


def cap_for(run: Any) -> TuitionCap | None:
    """The maximum per hour for the run's year, cluster and skill level (the standard's)."""
    return TuitionCap.objects.filter(year=year_of_run(run), cluster=run.standard.cluster,
                                     level=run.standard.level).first()


def max_fee(run: Any, cap: TuitionCap | None) -> int | None:
    return cap.per_hour * run.hours if cap is not None else None


def tariff_for(run: Any) -> Tariff | None:
    return Tariff.objects.filter(year=year_of_run(run)).first()


def tariff_due(enrollment: Any, tariff: Tariff | None) -> int | None:
    """What a trainee of a public course owes as the state tariff: nothing in the lowest deciles, the hours of
    the run times the tariff otherwise; None when no tariff applies (an institute's run, a year without one,
    or a trainee whose decile was never assessed: the desk must assess it first)."""
    run = enrollment.course_run
    if tariff is None or run.unit.sector != "public":
        return None
    decile = enrollment.trainee.income_decile
    if decile is None:
        return None
    return 0 if decile <= tariff.exempt_deciles else tariff.per_hour * run.hours
