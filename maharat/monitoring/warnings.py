"""Early warning: the units behind pace on their commitment, and how the page groups them by province."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import subtree_q
from maharat.plans.indicators import INDICATORS
from maharat.plans.models import commitment_sections

from .selectors import Progress, _score, _sectors, commitments, node_measures


@dataclass
class Warning:
    unit: Unit
    commitment: float
    achieved: float
    expected: float
    behind: float  # percentage points below where the unit should be by today

    @property
    def area(self) -> Unit | None:
        """The province the warning is grouped under (the unit itself for a province)."""
        return self.unit if self.unit.kind == UnitKind.PROVINCE else self.unit.province


def early_warning(root: Unit, year: int, indicator_key: str = "person_hours", section: str = "total", *,
                  margin: float | None = None, today: dt.date | None = None, visible: QuerySet[Unit] | None = None) -> list[Warning]:
    """Units under `root` with a commitment that are behind pace by more than `margin` percent."""
    margin = settings.MAHARAT_WARNING_MARGIN if margin is None else margin
    indicator = INDICATORS[indicator_key]
    progress = Progress.of(year, today)
    if progress.fraction == 0:
        return []
    units_qs = Unit.objects.filter(subtree_q(root), commitments__year=year, commitments__indicator=indicator.key,
                                   commitments__section__in=commitment_sections(section)).distinct()
    if visible is not None:
        units_qs = units_qs.filter(pk__in=visible.values("pk"))
    units = list(units_qs.exclude(pk=root.pk).select_related("province"))
    measures = node_measures([u.pk for u in units], year, sectors=_sectors(section), until_month=progress.until_month)
    targets = commitments(units, year, indicator.key, section)
    out = []
    for u in units:
        row = _score(u, indicator, measures[u.pk], targets[u.pk], progress)
        if row.pace is not None and row.expected and 100 - row.pace > margin:
            out.append(Warning(u, row.commitment or 0, row.achieved, row.expected, 100 - row.pace))
    return sorted(out, key=lambda w: -w.behind)


@dataclass
class ProvinceWarnings:
    """One province's line of the early-warning page: how many of its units are behind, the worst of them."""

    province: Unit | None
    count: int
    worst: float


def warnings_by_province(warnings: list[Warning]) -> list[ProvinceWarnings]:
    """The warnings counted per province (most first): the head of the early-warning page, which at national
    volume lists thousands of units (908 already at demo scale) and is paged below it."""
    groups: dict[int | None, ProvinceWarnings] = {}
    for w in warnings:
        area = w.area
        key = area.pk if area else None
        if key not in groups:
            groups[key] = ProvinceWarnings(area, 0, 0.0)
        g = groups[key]
        g.count += 1
        g.worst = max(g.worst, w.behind)
    return sorted(groups.values(), key=lambda g: (-g.count, g.province.code if g.province else ""))


def in_province_order(warnings: list[Warning]) -> list[Warning]:
    """Province by province (by code), most behind first within each: the order of the paged list."""
    return sorted(warnings, key=lambda w: (w.area.code if w.area else "", w.unit.kind != UnitKind.PROVINCE, -w.behind))
