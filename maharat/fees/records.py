"""Fees' records: the national tables (maximum tuition, state tariff) are HQ's to write and everyone's who
plans training to read; a course run's fee, early closure and refunds belong to the run and follow its
permission (who may change the run may set its fee and record its refunds)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.access.records import CRUD, VIEW, kind, menu, record
from maharat.access.roles import Role
from maharat.kit.sections import section
from maharat.org.models import UnitKind
from maharat.training import entry_rules
from maharat.training.models import CourseRun, Enrollment

from . import rules, services
from .models import CourseFee, EarlyClosure, Refund, Tariff, TuitionCap

kind("tuition", _("سقف شهریه و تعرفه آموزشی"), roles={
    Role.HQ_PLANNER: CRUD, Role.HQ_VIEWER: {VIEW}, Role.PROVINCIAL_MANAGER: {VIEW}, Role.PROVINCIAL_EXPERT: {VIEW},
    Role.CENTER_HEAD: {VIEW}, Role.INSTITUTE_MANAGER: {VIEW},
})
record(TuitionCap, kind="tuition", unit=None)
record(Tariff, kind="tuition", unit=None)
record(CourseFee, kind="courserun", unit="course_run__unit")
record(EarlyClosure, kind="courserun", unit="course_run__unit")
record(Refund, kind="courserun", unit="closure__course_run__unit")
menu(_("سقف شهریه و تعرفه"), "fees_caps", kind="tuition", group="institutes", order=90)


@entry_rules.course_run_rule
def fee_within_cap(run: Any) -> dict[str, str]:
    """A run whose hours or dates change keeps its fee within the maximum of its (new) year and hours."""
    if run.pk is None or run.unit.kind != UnitKind.FREE_INSTITUTE:
        return {}
    fee = CourseFee.objects.filter(course_run_id=run.pk).first()
    if fee is None:
        return {}
    errors = services.fee_errors(run, fee.per_trainee)
    return {"hours": errors["per_trainee"]} if errors else {}


def _run_fees(user: Any, run: Model) -> dict[str, Any]:
    assert isinstance(run, CourseRun)
    institute = run.unit.kind == UnitKind.FREE_INSTITUTE
    cap = rules.cap_for(run) if institute else None
    closure = EarlyClosure.objects.filter(course_run=run).first()
    refunds = (list(closure.refunds.select_related("enrollment__trainee").order_by("enrollment__trainee__last_name"))
               if closure else [])
    return {"count": 1, "run": run, "institute": institute, "fee": CourseFee.objects.filter(course_run=run).first(),
            "cap": cap, "max_fee": rules.max_fee(run, cap), "tariff": None if institute else rules.tariff_for(run),
            "closure": closure, "refunds": refunds, "unpaid": sum(1 for r in refunds if r.paid_on is None),
            "may_change": policy.can(user, "change", run)}


def _enrollment_tariff(user: Any, enrollment: Model) -> dict[str, Any]:
    assert isinstance(enrollment, Enrollment)
    if enrollment.course_run.unit.kind == UnitKind.FREE_INSTITUTE:
        return {"count": 0}
    tariff = rules.tariff_for(enrollment.course_run)
    if tariff is None:
        return {"count": 0}
    return {"count": 1, "tariff": tariff, "due": rules.tariff_due(enrollment, tariff),
            "decile": enrollment.trainee.income_decile}


section(CourseRun, template="fees/partials/run_fees.html", context=_run_fees, order=70)
section(Enrollment, template="fees/partials/enrollment_tariff.html", context=_enrollment_tariff)
