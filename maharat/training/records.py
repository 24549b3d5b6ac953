"""Workshops, course runs and enrollments: where each belongs, which month locks it, who may do what."""

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from maharat.access.records import ADD, CHANGE, CRUD, VIEW, Via, kind, menu, record, seen_through
from maharat.access.roles import Role
from maharat.kit.sections import section
from maharat.people.models import Trainee

from .models import CourseRun, Enrollment, Workshop

WRITERS = (Role.HQ_PLANNER, Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_EXPERT, Role.CENTER_HEAD, Role.INSTITUTE_MANAGER)

kind("workshop", _("کارگاه"), roles={**{role: CRUD for role in WRITERS}, Role.HQ_VIEWER: {VIEW}, Role.TRAINER: {VIEW}})
kind("courserun", _("دوره آموزشی"), roles={
    **{role: CRUD for role in WRITERS}, Role.HQ_VIEWER: {VIEW}, Role.TRAINER: {VIEW}, Role.ASSESSOR: {VIEW},
    Role.PARTNER_VIEWER: {VIEW},
})
kind("enrollment", _("ثبت‌نام"), roles={
    **{role: CRUD for role in WRITERS}, Role.HQ_VIEWER: {VIEW}, Role.TRAINER: {VIEW, CHANGE}, Role.ASSESSOR: {VIEW},
    Role.PARTNER_VIEWER: {VIEW},
})


def _trainee_reachable(user: Any, enrollment: Model, action: str) -> bool:
    """Enrolling someone needs them inside one's scope, or their identity confirmed by the enrolling desk
    (people.selectors.trainee_at_desk: national code and birth date together); otherwise enrolling a
    stranger's code would open their personal record to the enrolling unit."""
    from maharat.access import policy

    if action != ADD or getattr(enrollment, "identity_confirmed", False):
        return True
    trainee_id = enrollment.trainee_id  # type: ignore[attr-defined]
    if trainee_id is None:
        return True  # asked before anyone is named (may this desk enrol into this run at all?)
    return policy.scope(user, Trainee.objects.filter(pk=trainee_id)).exists()


record(Workshop, kind="workshop", unit="unit")
# A course run's month is the month it ends in; partners see the runs their referred trainees took.
record(CourseRun, kind="courserun", unit="unit", lock_day="end_date",
       referred=Via(Enrollment, "course_run", "trainee__referred_by"))
record(Enrollment, kind="enrollment", unit="course_run__unit", lock_day="course_run__end_date",
       referred="trainee__referred_by", write_check=_trainee_reachable)
seen_through(Trainee, Via(Enrollment, "trainee", "course_run__unit"))


def _trainee_courses(user: Any, trainee: Model) -> dict[str, Any]:
    from maharat.access import policy

    from .figures import person_hours

    enrollments = policy.scope(user, Enrollment.objects.filter(trainee=trainee).select_related(
        "course_run__standard", "course_run__unit"))
    return {"enrollments": enrollments, "person_hours": person_hours(enrollments.all())}


# A trainee's page lists the course runs the viewer may see, with their person-hours.
section(Trainee, template="training/partials/trainee_courses.html", context=_trainee_courses)

menu(_("کارگاه‌ها"), "workshop_list", kind="workshop", group="records", order=40)
menu(_("دوره‌ها"), "courserun_list", kind="courserun", group="records", order=50)
menu(_("ثبت‌نام‌ها"), "enrollment_list", kind="enrollment", group="records", order=60)
