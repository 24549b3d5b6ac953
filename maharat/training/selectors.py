"""Reads of training records."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import subtree_q
from maharat.people.models import Trainer

from .models import CourseRun, Workshop


# The one definition of "the trainers" and "the workshops" wherever a figure counts them (the home page, the
# per-trainer and utilisation indicators, the annual report): active ones. An inactive trainer has left or is
# suspended and an inactive workshop is closed; the registers keep both, the figures do not.
def counted_trainers() -> QuerySet[Trainer]:
    return Trainer.objects.filter(is_active=True)


def counted_workshops() -> QuerySet[Workshop]:
    return Workshop.objects.filter(is_active=True)


def trainers_under(unit: Unit) -> QuerySet[Trainer]:
    """The counted trainers whose home unit is `unit` or lies under it."""
    return counted_trainers().filter(subtree_q(unit, "home_unit__"))


def workshops_under(unit: Unit) -> QuerySet[Workshop]:
    """The counted workshops of `unit` and of the units under it."""
    return counted_workshops().filter(subtree_q(unit, "unit__"))


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
        "trainers": trainers_under(within).count(),
        "workshops": workshops_under(within).count(),
        "course_runs": CourseRun.objects.filter(subtree_q(within, "unit__")).count(),
    }
