"""Keep the summary tables in step with every write to training records.

Monitoring listens to the records below it (training, people, org); those apps never import monitoring.
Handlers only work out *which* slices a write touched; summaries.py recomputes them from raw records,
inside the same transaction as the write, so a scorecard read after the commit already includes it.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from maharat.assessment.models import Candidate, Certificate, TestSession
from maharat.catalog.models import Standard
from maharat.org.signals import unit_moved
from maharat.people.models import Trainee
from maharat.training.models import CourseRun, Enrollment

from . import summaries


def _test_slices(**enrollment_filter: Any) -> set:
    """Test results count at the training unit, or at the assessing unit once the enrollment is gone:
    both slices are refreshed when an enrollment or its course run changes."""
    rows = Candidate.objects.filter(**{f"enrollment__{k}": v for k, v in enrollment_filter.items()}).values_list(
        "session__held_on", "session__assessor_unit_id", "enrollment__course_run__unit_id")
    out = set()
    for held_on, assessor_id, unit_id in rows:
        out.add(summaries.slice_of(assessor_id, held_on))
        if unit_id:
            out.add(summaries.slice_of(unit_id, held_on))
    return out


def _enrollment_keys(course_run_id: int | None, trainee_id: int | None, enrollment_id: int | None = None) -> tuple[set, set]:
    if course_run_id is None:
        return set(), set()
    run = CourseRun.objects.filter(pk=course_run_id).values("unit_id", "end_date").first()
    if run is None:
        return set(), set()
    slice_ = summaries.slice_of(run["unit_id"], run["end_date"])
    tests = _test_slices(pk=enrollment_id) if enrollment_id else set()
    return {slice_} | tests, ({(trainee_id, slice_[1])} if trainee_id else set())


@receiver(pre_save, sender=Enrollment)
def _enrollment_before(sender: Any, instance: Enrollment, **kwargs: Any) -> None:
    old = Enrollment.objects.filter(pk=instance.pk).values("course_run_id", "trainee_id").first() if instance.pk else None
    instance._summary_old = _enrollment_keys(old["course_run_id"], old["trainee_id"], instance.pk) if old else (set(), set())  # type: ignore[attr-defined]


@receiver(post_save, sender=Enrollment)
def _enrollment_saved(sender: Any, instance: Enrollment, **kwargs: Any) -> None:
    old_slices, old_trainees = getattr(instance, "_summary_old", (set(), set()))
    new_slices, new_trainees = _enrollment_keys(instance.course_run_id, instance.trainee_id, instance.pk)
    summaries.mark(old_slices | new_slices, old_trainees | new_trainees)


@receiver(pre_delete, sender=Enrollment)
def _enrollment_deleting(sender: Any, instance: Enrollment, **kwargs: Any) -> None:
    instance._summary_old = _enrollment_keys(instance.course_run_id, instance.trainee_id, instance.pk)  # type: ignore[attr-defined]


@receiver(post_delete, sender=Enrollment)
def _enrollment_deleted(sender: Any, instance: Enrollment, **kwargs: Any) -> None:
    slices, trainees = getattr(instance, "_summary_old", (set(), set()))
    summaries.mark(slices, trainees)


def run_keys(unit_id: int, end_date: Any, run_id: int) -> tuple[set, set]:
    """Every slice and (trainee, year) a course run's figures live in: its own month, its trainees' test
    results, its trainees' attribution. The signals and the importers both ask this, before and after a write."""
    slice_ = summaries.slice_of(unit_id, end_date)
    trainees = set(Enrollment.objects.filter(course_run_id=run_id).values_list("trainee_id", flat=True))
    return {slice_} | _test_slices(course_run_id=run_id), {(t, slice_[1]) for t in trainees}


@receiver(pre_save, sender=CourseRun)
def _run_before(sender: Any, instance: CourseRun, **kwargs: Any) -> None:
    old = CourseRun.objects.filter(pk=instance.pk).values("unit_id", "end_date").first() if instance.pk else None
    instance._summary_old = run_keys(old["unit_id"], old["end_date"], instance.pk) if old else (set(), set())  # type: ignore[attr-defined]


@receiver(post_save, sender=CourseRun)
def _run_saved(sender: Any, instance: CourseRun, created: bool, **kwargs: Any) -> None:
    if created:
        return  # a new run has no enrollments yet
    old_slices, old_trainees = getattr(instance, "_summary_old", (set(), set()))
    new_slices, new_trainees = run_keys(instance.unit_id, instance.end_date, instance.pk)
    summaries.mark(old_slices | new_slices, old_trainees | new_trainees)


def trainee_slices(trainee_id: int) -> set:
    """The slices a trainee's personal details (sex, residence, decile, groups) are counted in."""
    rows = Enrollment.objects.filter(trainee_id=trainee_id).values_list("course_run__unit_id", "course_run__end_date")
    return {summaries.slice_of(unit_id, end) for unit_id, end in rows}


@receiver(post_save, sender=Trainee)
def _trainee_saved(sender: Any, instance: Trainee, created: bool, **kwargs: Any) -> None:
    if not created:  # sex, residence or decile may have changed: every breakdown they appear in
        summaries.mark(trainee_slices(instance.pk))


@receiver(m2m_changed, sender=Trainee.target_groups.through)
def _groups_changed(sender: Any, instance: Any, action: str, pk_set: Any, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        if isinstance(instance, Trainee):
            summaries.mark(trainee_slices(instance.pk))
        else:  # changed from the target group's side
            for trainee_id in pk_set or ():
                summaries.mark(trainee_slices(trainee_id))


def _candidate_slice(candidate_id: int | None = None, **values: Any) -> set:
    row = values or Candidate.objects.filter(pk=candidate_id).values(
        "session__held_on", "session__assessor_unit_id", "enrollment__course_run__unit_id").first()
    if not row:
        return set()
    unit_id = row["enrollment__course_run__unit_id"] or row["session__assessor_unit_id"]
    return {summaries.slice_of(unit_id, row["session__held_on"])}


@receiver(pre_save, sender=Candidate)
@receiver(pre_delete, sender=Candidate)
def _candidate_before(sender: Any, instance: Candidate, **kwargs: Any) -> None:
    instance._summary_old = _candidate_slice(instance.pk) if instance.pk else set()  # type: ignore[attr-defined]


@receiver(post_save, sender=Candidate)
@receiver(post_delete, sender=Candidate)
def _candidate_after(sender: Any, instance: Candidate, **kwargs: Any) -> None:
    new = _candidate_slice(instance.pk) if Candidate.objects.filter(pk=instance.pk).exists() else set()
    summaries.mark(getattr(instance, "_summary_old", set()) | new)


@receiver(pre_save, sender=Certificate)
@receiver(pre_delete, sender=Certificate)
def _certificate_before(sender: Any, instance: Certificate, **kwargs: Any) -> None:
    old = Certificate.objects.filter(pk=instance.pk).values("training_unit_id", "issued_on").first() if instance.pk else None
    instance._summary_old = {summaries.slice_of(old["training_unit_id"], old["issued_on"])} if old else set()  # type: ignore[attr-defined]


@receiver(post_save, sender=Certificate)
@receiver(post_delete, sender=Certificate)
def _certificate_after(sender: Any, instance: Certificate, **kwargs: Any) -> None:
    new = {summaries.slice_of(instance.training_unit_id, instance.issued_on)} if instance.training_unit_id else set()
    summaries.mark(getattr(instance, "_summary_old", set()) | new)


@receiver(pre_save, sender=TestSession)
def _session_before(sender: Any, instance: TestSession, **kwargs: Any) -> None:
    ids = list(Candidate.objects.filter(session_id=instance.pk).values_list("pk", flat=True)) if instance.pk else []
    instance._summary_old = set().union(*(_candidate_slice(i) for i in ids)) if ids else set()  # type: ignore[attr-defined]


@receiver(post_save, sender=TestSession)
def _session_after(sender: Any, instance: TestSession, created: bool, **kwargs: Any) -> None:
    if created:
        return
    ids = list(Candidate.objects.filter(session_id=instance.pk).values_list("pk", flat=True))
    new = set().union(*(_candidate_slice(i) for i in ids)) if ids else set()
    summaries.mark(getattr(instance, "_summary_old", set()) | new)


@receiver(unit_moved)
def _unit_moved(sender: Any, unit: Any, old_path: str, **kwargs: Any) -> None:
    summaries.unit_moved(unit, old_path)



@receiver(pre_save, sender=Standard)
def _standard_before(sender: Any, instance: Standard, **kwargs: Any) -> None:
    instance._old_cluster = (  # type: ignore[attr-defined]
        Standard.objects.filter(pk=instance.pk).values_list("cluster", flat=True).first() if instance.pk else None)


@receiver(post_save, sender=Standard)
def _standard_saved(sender: Any, instance: Standard, created: bool, **kwargs: Any) -> None:
    old = getattr(instance, "_old_cluster", None)
    if not created and old is not None and old != instance.cluster:  # the breakdown by cluster moves with it
        summaries.standard_changed(instance.pk, reason=f"standard {instance.code}: cluster {old} -> {instance.cluster}")
