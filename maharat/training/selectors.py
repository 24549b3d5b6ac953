"""Reads of training records."""

from __future__ import annotations

from django.db.models import Count

from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import subtree_q
from maharat.people.models import Trainer

from .models import CourseRun, Workshop


def unit_counts(within: Unit) -> dict[str, int]:
    """How many units, people and course runs lie under a unit (HQ: the whole country)."""
    kinds = dict(
        Unit.objects.filter(subtree_q(within)).values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return {
        "provinces": kinds.get(UnitKind.PROVINCE, 0),
        "counties": kinds.get(UnitKind.COUNTY, 0),
        "public_centers": kinds.get(UnitKind.FIXED_CENTER, 0) + kinds.get(UnitKind.URBAN_BRANCH, 0),
        "workplace_centers": kinds.get(UnitKind.WORKPLACE_CENTER, 0),
        "free_institutes": kinds.get(UnitKind.FREE_INSTITUTE, 0),
        "trainers": Trainer.objects.filter(subtree_q(within, "home_unit__")).count(),
        "workshops": Workshop.objects.filter(subtree_q(within, "unit__")).count(),
        "course_runs": CourseRun.objects.filter(subtree_q(within, "unit__")).count(),
    }
