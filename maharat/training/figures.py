"""The one definition of person-hours (نفر ساعت), the organisation's main volume measure.

Person-hours = the sum, over enrollments, of the hours each trainee actually attended. Every enrollment
counts, whatever its status: hours a trainee attended before dropping out were still trained. Pages,
reports, exports, the demo loader and its tests all use these two names and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

# For annotate()/aggregate() over Enrollment rows, or over related rows with a prefix.
PERSON_HOURS_FIELD = "hours_attended"


def person_hours_expr(prefix: str = "") -> Coalesce:
    return Coalesce(Sum(f"{prefix}{PERSON_HOURS_FIELD}"), 0)


class _Attended(Protocol):
    hours_attended: int


def person_hours(enrollments: QuerySet | Iterable[_Attended]) -> int:
    """Person-hours of a queryset of enrollments (in the database) or of enrollment objects (in memory)."""
    if isinstance(enrollments, QuerySet):
        return int(enrollments.aggregate(value=person_hours_expr())["value"])
    return sum(e.hours_attended for e in enrollments)
