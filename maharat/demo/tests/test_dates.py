"""The demo builds on any day: at the start, in the middle and at the end of 1403, 1404 and 1405.

It once failed whenever today fell inside 1404: that year was built in full, courses starting after today got
a negative share of their hours and the enrollments' CHECK constraint refused them. One small province at a
tiny scale keeps each build under a second.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Max, Min

from maharat.approval.models import PeriodReport
from maharat.assessment.models import Certificate
from maharat.assessment.models import TestSession as Sitting
from maharat.common import jalali
from maharat.demo.builder import DemoBuilder
from maharat.factories import today_is
from maharat.monitoring import verify
from maharat.plans.models import Commitment
from maharat.training.models import CourseRun, Enrollment, EnrollmentStatus


def _days() -> list[dt.date]:
    days = []
    for year in (1403, 1404, 1405):
        first, last = jalali.year_bounds(year)
        days += [first, jalali.to_gregorian(year, 7, 1), last]
    return days


@pytest.mark.django_db
@pytest.mark.parametrize("day", _days(), ids=lambda d: jalali.format_date(d, persian_digits=False))
def test_the_demo_builds_on_any_day_and_nothing_lies_after_it(day: dt.date) -> None:
    today = day
    with today_is(today):
        report = DemoBuilder(seed=3, scale=0.001, provinces=["IR-20"], today=today).build()
    current = jalali.from_gregorian(today).year
    assert report.counts["enrollments"] > 0

    # Every year from 1400 to today's, none after it; the current one only up to today.
    ends = CourseRun.objects.aggregate(first=Min("end_date"), last=Max("end_date"), started=Max("start_date"))
    assert jalali.from_gregorian(ends["first"]).year == 1400
    assert ends["started"] <= today
    assert {jalali.from_gregorian(d).year for d in CourseRun.objects.values_list("end_date", flat=True)} == set(
        range(1400, current + 1))
    # A course still running today has its trainees enrolled with part of its hours; none has attended more.
    running = Enrollment.objects.filter(course_run__end_date__gt=today)
    assert not running.exclude(status=EnrollmentStatus.ENROLLED).exists()
    for hours, run_hours in running.values_list("hours_attended", "course_run__hours"):
        assert 0 <= hours < run_hours
    assert not Enrollment.objects.filter(hours_attended__lt=0).exists()
    # Tests, certificates and monthly reports all lie in the past.
    assert not Sitting.objects.filter(held_on__gt=today).exists()
    assert not Certificate.objects.filter(issued_on__gt=today).exists()
    assert all(timestamp.date() < today for timestamp in PeriodReport.objects.values_list("submitted_at", flat=True))

    # Commitments for every year built, the current one going by the year before (nothing reported yet).
    assert set(Commitment.objects.values_list("year", flat=True)) == set(range(1400, current + 1))
    assert not Commitment.objects.filter(year=current, section="exec_research").exclude(reported=None).exists()
    assert verify.check().ok  # the summary tables equal a recomputation from the raw records
