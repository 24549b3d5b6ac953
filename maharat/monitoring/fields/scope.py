"""What the fields page reads, for one node (HQ, a province or a county) and the areas under it.

Four grouped reads, each by (area, cluster, sector), none of them over enrollments:

- free institutes per cluster (org_unit; `institute_clusters`, the one line to switch to licensed clusters);
- workshops and their seats per cluster (training_workshop: a few thousand rows nationally);
- enrollments and person-hours per cluster (monitoring_fact, the summary the unit page's breakdowns read; the
  cluster is the course run's standard's);
- course runs and the seats they offered per cluster (training_courserun: one row per run, not per trainee).

"Area" is the level below the node that has areas of its own: provinces under HQ, counties under a province;
a county has none. A figure of a unit outside any area (a partner directly under a province) counts in the
node's total only. Every read is keyed `None` for "no area" and the area's id otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q, QuerySet, Sum

from maharat.common import jalali
from maharat.org.models import Unit, UnitKind, sector_of
from maharat.org.selectors import subtree_q
from maharat.training.models import CourseRun, Workshop

from ..models import Fact

AREA_LEVELS = (UnitKind.HQ.value, UnitKind.PROVINCE.value, UnitKind.COUNTY.value)
# The column of a unit that names its area, by the node's kind.
AREA_COLUMN = {UnitKind.HQ.value: "province_id", UnitKind.PROVINCE.value: "county_id"}

Key = tuple[int | None, str, str]  # area id (None: outside any area), cluster, sector
Figures = dict[Key, dict[str, int]]


@dataclass
class Scope:
    """The node, the year and the months counted (a running year up to its current month, as every page)."""

    node: Unit
    year: int
    until_month: int

    @property
    def column(self) -> str | None:
        return AREA_COLUMN.get(self.node.kind)

    @cached_property
    def areas(self) -> list[Unit]:
        kind = {UnitKind.HQ: UnitKind.PROVINCE, UnitKind.PROVINCE: UnitKind.COUNTY}.get(self.node.kind)  # type: ignore[call-overload]
        if kind is None:
            return []
        return list(Unit.objects.filter(subtree_q(self.node), kind=kind).order_by("code"))

    @property
    def days(self) -> tuple[dt.date, dt.date]:
        """The first and last day of the months counted: a course run counts in the month it ends."""
        first, _ = jalali.year_bounds(self.year)
        month = max(self.until_month, 1)
        last = jalali.to_gregorian(self.year, month, jalali.month_length(self.year, month))
        return first, last if self.until_month else first - dt.timedelta(days=1)

    def units(self, prefix: str = "") -> Q:
        """The node's subtree, by the units' own ids: every training unit of HQ, a province or a county."""
        if self.node.kind == UnitKind.HQ:
            return Q()
        return Q(**{f"{prefix}id__in": Unit.objects.filter(subtree_q(self.node)).values("pk")})

    def _area(self, prefix: str) -> list[str]:
        return [f"{prefix}{self.column}"] if self.column else []

    def _grouped(self, qs: QuerySet, prefix: str, cluster: str, sector: str | None, **sums: object) -> Figures:
        """Rows of `qs` summed by (area, cluster, sector); `sector` None: by the unit's kind (org's rule)."""
        area = self._area(prefix)
        group = [*area, cluster, sector or f"{prefix}kind"]
        out: Figures = defaultdict(lambda: defaultdict(int))
        for row in qs.values(*group).annotate(**sums).order_by():
            key = (row[area[0]] if area else None, row[cluster],
                   row[sector] if sector else sector_of(row[f"{prefix}kind"]))
            for name in sums:
                out[key][name] += int(row[name] or 0)
        return out

    @cached_property
    def institutes(self) -> Figures:
        return institute_clusters(self)

    @cached_property
    def workshops(self) -> Figures:
        qs = Workshop.objects.filter(self.units("unit__"), is_active=True)
        return self._grouped(qs, "unit__", "cluster", None, workshops=Count("id"), seats=Sum("seats"))

    @cached_property
    def facts(self) -> Figures:
        qs = Fact.objects.filter(self.units("unit__"), year=self.year, month__lte=self.until_month)
        return self._grouped(qs, "unit__", "cluster", "sector", enrollments=Sum("enrollments"),
                             person_hours=Sum("person_hours"))

    @cached_property
    def runs(self) -> Figures:
        first, last = self.days
        qs = CourseRun.objects.filter(self.units("unit__"), end_date__gte=first, end_date__lte=last)
        return self._grouped(qs, "unit__", "standard__cluster", None, runs=Count("id"), offered=Sum("capacity"))


def _from_units(scope: Scope) -> Figures:
    """Today: each free institute is a unit of kind free institute with one `cluster`; active ones count."""
    qs = Unit.objects.filter(scope.units(), kind=UnitKind.FREE_INSTITUTE, is_active=True).exclude(cluster="")
    return scope._grouped(qs, "", "cluster", None, institutes=Count("id"))


def _from_licences(scope: Scope) -> Figures:
    """Once licensing holds every institute's licence (maharat.institutes): the clusters of each institute's
    current licence that is in force (active), an institute licensed in two clusters counting in both."""
    from maharat.institutes.models import LicenceField, LicenceStatus

    qs = LicenceField.objects.filter(scope.units("licence__institute__unit__"), licence__is_current=True,
                                     licence__status=LicenceStatus.ACTIVE)
    return scope._grouped(qs, "licence__institute__unit__", "cluster", None,
                          institutes=Count("licence__institute", distinct=True))


# The clusters free institutes teach, per area: the one line to switch to licensed clusters is this one
# (institute_clusters = _from_licences), once every institute has its licence (docs/fields.md).
institute_clusters = _from_units
