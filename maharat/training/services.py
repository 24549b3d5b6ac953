"""Writes of course runs and enrollments: derived values (codes, default hours) are filled here."""

from __future__ import annotations

from django.db import transaction

from maharat.common import jalali

from .models import CourseRun


def next_course_code(unit_code: str, start_date) -> str:  # type: ignore[no-untyped-def]
    """<unit code>-<Jalali year>-<sequence>: readable, stable and unique."""
    prefix = f"{unit_code}-{jalali.year_of(start_date)}-"
    last = (
        CourseRun.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    )
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def course_run_prepare(run: CourseRun) -> CourseRun:
    if run.hours is None and run.standard_id:  # an empty box; 0 is refused by the model's bounds
        run.hours = run.standard.total_hours
    if not run.code and run.unit_id and run.start_date:
        run.code = next_course_code(run.unit.code, run.start_date)
    return run


@transaction.atomic
def course_run_save(run: CourseRun) -> CourseRun:
    course_run_prepare(run)
    run.full_clean()
    run.save()
    return run
