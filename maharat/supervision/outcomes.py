"""The outcomes the risk score reads, through one declared input (kit/inputs.py: "institute_outcomes").

Until graduate tracing provides employment, the default answers what the platform knows: the completion rate
of each institute's enrollments in course runs that ended in the window (completed ÷ completed or dropped;
those still enrolled are not counted). A provider later answers the same shape with more rates
({"completion": 0.8, "employment": 0.55}); the risk formula takes the mean of the rates it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q

from maharat.training.models import Enrollment, EnrollmentStatus

INPUT = "institute_outcomes"
DESCRIPTION = ("Outcome rates of free institutes, between 0 and 1, over course runs ended in [since, until]: "
               "{unit id: {rate name: value}}; an institute with nothing to measure is left out")


def completion_rates(unit_ids: Iterable[int], since: dt.date, until: dt.date) -> dict[int, dict[str, float]]:
    ids = list(unit_ids)
    if not ids:
        return {}
    rows = (Enrollment.objects.filter(course_run__unit_id__in=ids, course_run__end_date__gte=since,
                                      course_run__end_date__lte=until,
                                      status__in=[EnrollmentStatus.COMPLETED, EnrollmentStatus.DROPPED])
            .values("course_run__unit_id").order_by()
            .annotate(done=Count("pk", filter=Q(status=EnrollmentStatus.COMPLETED)), ended=Count("pk")))
    return {r["course_run__unit_id"]: {"completion": r["done"] / r["ended"]} for r in rows if r["ended"]}
