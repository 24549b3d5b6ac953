"""Reads of training records."""

from __future__ import annotations

from django.db.models import Count

from maharat.common import jalali
from maharat.org.models import Unit, UnitKind
from maharat.people.models import Trainee, Trainer

from .figures import person_hours
from .models import CourseRun, Enrollment, Workshop


def yearly_person_hours(years: list[int]) -> dict[int, int]:
    """Person-hours by Jalali year, a course run counting in the year it ends."""
    result = {}
    for year in years:
        first, last = jalali.year_bounds(year)
        result[year] = person_hours(Enrollment.objects.filter(course_run__end_date__range=(first, last)))
    return result


def national_counts() -> dict[str, int]:
    kinds = dict(Unit.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "provinces": kinds.get(UnitKind.PROVINCE, 0),
        "counties": kinds.get(UnitKind.COUNTY, 0),
        "public_centers": kinds.get(UnitKind.FIXED_CENTER, 0) + kinds.get(UnitKind.URBAN_BRANCH, 0),
        "workplace_centers": kinds.get(UnitKind.WORKPLACE_CENTER, 0),
        "free_institutes": kinds.get(UnitKind.FREE_INSTITUTE, 0),
        "trainees": Trainee.objects.count(),
        "trainers": Trainer.objects.count(),
        "workshops": Workshop.objects.count(),
        "course_runs": CourseRun.objects.count(),
    }
