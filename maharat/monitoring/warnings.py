"""Early warning: the units behind pace on their commitment, and how the page groups them by province."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet, Sum

from maharat.org.models import Unit, UnitKind
from maharat.org.selectors import subtree_q
from maharat.plans.indicators import INDICATORS, compute
from maharat.plans.models import Commitment, commitment_sections

from . import handover
from .selectors import Progress, _sectors, node_measures, pace


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


@dataclass(frozen=True)
class Behind:
    """A unit behind pace, before its record is read: the page counts, groups and orders thousands of these
    nationally (24,000 institutes carry commitments) and reads the units of the page it shows only."""

    unit_id: int
    kind: str
    province_id: int | None
    commitment: float
    achieved: float
    expected: float
    behind: float

    @property
    def area_id(self) -> int | None:
        return self.unit_id if self.kind == UnitKind.PROVINCE else self.province_id


def behind_units(root: Unit, year: int, indicator_key: str = "person_hours", section: str = "total", *,
                 margin: float | None = None, today: dt.date | None = None,
                 visible: QuerySet[Unit] | None = None) -> list[Behind]:
    """Units under `root` with a commitment that are behind pace by more than `margin` percent, most behind
    first: the commitments summed per unit and the unit's kind and province in one query, its measures in
    another (node_measures), scored as the scorecard scores them (selectors.pace)."""
    margin = settings.MAHARAT_WARNING_MARGIN if margin is None else margin
    indicator = INDICATORS[indicator_key]
    section = handover.section_for(indicator_key, section)
    progress = Progress.of(year, today)
    if progress.fraction == 0:
        return []
    under = Unit.objects.filter(subtree_q(root)).exclude(pk=root.pk)
    if visible is not None:
        under = under.filter(pk__in=visible.values("pk"))
    targets = list(Commitment.objects.filter(year=year, indicator=indicator.key, section__in=commitment_sections(section),
                                             unit__in=under.values("pk"))
                   .values_list("unit_id", "unit__kind", "unit__province_id").annotate(target=Sum("target")).order_by())
    if indicator.is_ratio:  # a share's target holds for the areas below that have none of their own (handover.py)
        have = {t[0] for t in targets}
        areas = [u for u in under.filter(kind__in=handover.AREA_KINDS) if u.pk not in have]
        held = handover.inherited(areas, {}, year, indicator.key, commitment_sections(section))
        targets += [(u.pk, u.kind, u.province_id, held[u.pk]) for u in areas if u.pk in held]
    measures = node_measures([t[0] for t in targets], year, sectors=_sectors(section), until_month=progress.until_month)
    out = []
    for unit_id, kind, province_id, target in targets:
        achieved = compute(indicator, measures[unit_id])
        expected, at = pace(indicator, achieved, float(target), progress)
        if at is not None and expected and 100 - at > margin:
            out.append(Behind(unit_id, kind, province_id, float(target), achieved, expected, 100 - at))
    return sorted(out, key=lambda b: (-b.behind, b.unit_id))


def as_warnings(rows: list[Behind], chunk: int = 2000) -> list[Warning]:
    """The rows with their units (and each unit's province), in the rows' order, a chunk of ids a query."""
    units: dict[int, Unit] = {}
    for i in range(0, len(rows), chunk):
        ids = [r.unit_id for r in rows[i:i + chunk]]
        units.update((u.pk, u) for u in Unit.objects.filter(pk__in=ids).select_related("province"))
    return [Warning(units[r.unit_id], r.commitment, r.achieved, r.expected, r.behind) for r in rows]


def early_warning(root: Unit, year: int, indicator_key: str = "person_hours", section: str = "total", *,
                  margin: float | None = None, today: dt.date | None = None, visible: QuerySet[Unit] | None = None) -> list[Warning]:
    """Units under `root` with a commitment that are behind pace by more than `margin` percent (the export's
    rows: every one, with its unit)."""
    return as_warnings(behind_units(root, year, indicator_key, section, margin=margin, today=today, visible=visible))


@dataclass
class ProvinceWarnings:
    """One province's line of the early-warning page: how many of its units are behind, the worst of them."""

    province: Unit | None
    count: int
    worst: float


def _provinces() -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.filter(kind=UnitKind.PROVINCE)}


def warnings_by_province(rows: list[Behind]) -> list[ProvinceWarnings]:
    """The warnings counted per province (most first): the head of the early-warning page, which at national
    volume lists thousands of units (908 already at demo scale) and is paged below it."""
    provinces = _provinces()
    groups: dict[int | None, ProvinceWarnings] = {}
    for r in rows:
        key = r.area_id
        if key not in groups:
            groups[key] = ProvinceWarnings(provinces.get(key) if key is not None else None, 0, 0.0)
        g = groups[key]
        g.count += 1
        g.worst = max(g.worst, r.behind)
    return sorted(groups.values(), key=lambda g: (-g.count, g.province.code if g.province else ""))


def in_province_order(rows: list[Behind]) -> list[Behind]:
    """Province by province (by code), most behind first within each: the order of the paged list."""
    codes = {pk: u.code for pk, u in _provinces().items()}
    return sorted(rows, key=lambda r: (codes.get(r.area_id, "") if r.area_id else "", r.kind != UnitKind.PROVINCE,
                                       -r.behind))
