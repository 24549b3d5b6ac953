"""The summary tables kept exact through imports, which write in bulk and so send no model signals.

The import engine (kit/importing) sends before_write / after_write inside the write's transaction; these
receivers mark the same keys the model signals mark for a page's save (monitoring/signals.py), so that the
kinds themselves (people, training) need not know monitoring. Found with the kinds, by
kit.importing.discover(). Test results are imported through save(), whose own signals keep them.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from maharat.kit.importing.signals import after_write, before_write
from maharat.people.models import Trainee
from maharat.training.models import CourseRun, Enrollment

from . import summaries
from .signals import run_keys, trainee_slices


@receiver(after_write, sender=Trainee)
def _trainees_written(sender: Any, updates: list[Trainee], **kwargs: Any) -> None:
    # A changed trainee (sex, residence, decile, groups) moves every breakdown they are counted in; a new one
    # has no enrollment yet and is counted nowhere.
    slices: set = set()
    for t in updates:
        slices |= trainee_slices(t.pk)
    summaries.mark(slices)


@receiver(before_write, sender=CourseRun)
def _runs_before(sender: Any, updates: list[CourseRun], state: dict[str, Any], **kwargs: Any) -> None:
    """Where the changed runs' figures are now (their stored unit and end date), before the write moves them."""
    slices: set = set()
    trainees: set = set()
    stored = CourseRun.objects.filter(pk__in=[r.pk for r in updates]).values_list("pk", "unit_id", "end_date")
    for pk, unit_id, end in stored:
        old_slices, old_trainees = run_keys(unit_id, end, pk)
        slices |= old_slices
        trainees |= old_trainees
    state["monitoring"] = (slices, trainees)


@receiver(after_write, sender=CourseRun)
def _runs_written(sender: Any, updates: list[CourseRun], state: dict[str, Any], **kwargs: Any) -> None:
    # New runs have no enrollments yet; changed ones are counted where they were and where they are now.
    slices, trainees = state.get("monitoring", (set(), set()))
    for r in updates:
        new_slices, new_trainees = run_keys(r.unit_id, r.end_date, r.pk)
        slices, trainees = slices | new_slices, trainees | new_trainees
    summaries.mark(slices, trainees)


@receiver(after_write, sender=Enrollment)
def _enrollments_written(sender: Any, creates: list[Enrollment], updates: list[Enrollment], **kwargs: Any) -> None:
    of_run: dict[int, tuple[int, int, int]] = {}  # a file has many rows per course run
    trainee_years = set()
    for e in (*creates, *updates):
        s = of_run.get(e.course_run_id)
        if s is None:
            s = of_run[e.course_run_id] = summaries.slice_of(e.course_run.unit_id, e.course_run.end_date)
        trainee_years.add((e.trainee_id, s[1]))
    summaries.mark(set(of_run.values()), trainee_years)
