"""Skill tests, candidates and certificates."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from maharat.access.records import ADD, CHANGE, VIEW, kind, menu, record
from maharat.access.roles import Role
from maharat.jobs.exports import allow as background_downloads
from maharat.kit.sections import section
from maharat.training.models import CourseRun

from .models import Candidate, Certificate, TestSession

FULL = {VIEW, ADD, CHANGE, "revoke"}
kind("assessment", _("آزمون و گواهینامه"), roles={
    Role.HQ_PLANNER: FULL, Role.HQ_VIEWER: {VIEW}, Role.PROVINCIAL_MANAGER: FULL,
    Role.PROVINCIAL_EXPERT: {VIEW, ADD, CHANGE}, Role.CENTER_HEAD: {VIEW, ADD, CHANGE}, Role.ASSESSOR: FULL,
})
record(TestSession, kind="assessment", unit="assessor_unit")
record(Candidate, kind="assessment", unit="session__assessor_unit")
# A certificate is seen where it was issued and where its holder was trained.
record(Certificate, kind="assessment", unit="issuing_unit", seen_at=["training_unit"])

menu(_("آزمون‌های مهارت"), "testsession_list", kind="assessment", group="records", order=110)
menu(_("گواهینامه‌ها"), "certificate_list", kind="assessment", group="records", order=120)


def _run_certificates(user: Any, run: CourseRun) -> dict[str, Any]:
    from maharat.access import policy

    if not policy.may(user, VIEW, "assessment"):
        return {"count": 0}
    visible = policy.scope(user, Certificate.objects.filter(candidate__enrollment__course_run=run))
    return {"run": run, "count": visible.count()}


# A course run's page offers its certificates as one PDF, only when it has some the viewer may see.
section(CourseRun, template="assessment/partials/run_certificates.html", context=_run_certificates)  # type: ignore[arg-type]

# A session's or a course run's certificates in one PDF can take a while for a large one: the worker may
# prepare them (jobs/exports.py replays the address as the user who asked).
background_downloads("testsession_pdf")
background_downloads("courserun_certificates_pdf")
