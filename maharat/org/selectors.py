"""Reads of the organisation tree."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import Unit, UnitKind


def subtree_q(unit: Unit, prefix: str = "") -> Q:
    """A filter for `unit` and everything under it, on any model that reaches Unit through `prefix`.

    `prefix` is the lookup path to the unit, e.g. "course_run__unit__" for enrollments.
    Each branch is a single indexed condition: no recursion, no list of ids.
    """
    if unit.kind == UnitKind.HQ:
        return Q()
    if unit.kind == UnitKind.PROVINCE:
        return Q(**{f"{prefix}province_id": unit.pk}) | Q(**{f"{prefix}pk": unit.pk})
    if unit.kind == UnitKind.COUNTY:
        return Q(**{f"{prefix}county_id": unit.pk}) | Q(**{f"{prefix}pk": unit.pk})
    return Q(**{f"{prefix}path__startswith": unit.path})


def subtree(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(subtree_q(unit))


def ancestors(unit: Unit) -> list[Unit]:
    """Root first, the unit itself excluded: for breadcrumbs. One query."""
    codes = unit.ancestor_codes()
    by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def visible_ancestors(user: Any, unit: Unit) -> list[Unit]:
    """The unit's ancestors the user may open, root first: breadcrumbs link only those (a center's head gets no
    404 from its province's page)."""
    from maharat.access import policy

    above = ancestors(unit)
    visible = set(policy.scope(user, Unit.objects.filter(pk__in=[u.pk for u in above])).values_list("pk", flat=True))
    return [u for u in above if u.pk in visible]


def hq() -> Unit:
    return Unit.objects.get(kind=UnitKind.HQ)


def province_by_iso(iso_code: str) -> Unit:
    return Unit.objects.get(kind=UnitKind.PROVINCE, code=iso_code.upper())


def unit_list(*, within: Unit | None = None, kind: str = "", query: str = "") -> QuerySet[Unit]:
    qs = Unit.objects.select_related("parent", "province")
    if within is not None:
        qs = qs.filter(subtree_q(within))
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query.upper()) | Q(name_en__icontains=query))
    return qs


def subtree_counts(unit: Unit) -> dict[str, int]:
    """How many units of each kind lie under `unit` (itself excluded): one grouped query."""
    from django.db.models import Count

    rows = subtree(unit).exclude(pk=unit.pk).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}
