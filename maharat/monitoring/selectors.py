"""Reads for monitoring and evaluation: scorecards, trends, breakdowns and early warning.

Every figure comes from the summary tables (NodeMonth for totals, Fact/GroupFact for breakdowns) and
every indicator from plans/indicators.py; nothing here scans raw enrollments.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections, router
from django.db.models import Count, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from maharat.common import jalali
from maharat.common.bulk import chunks, in_list
from maharat.org.models import TRAINING_KINDS, Sector, Unit, UnitKind
from maharat.org.selectors import subtree_q
from maharat.plans.indicators import INDICATORS, MEASURES, WORKSHOP_HOURS_PER_SEAT_YEAR, Indicator, compute
from maharat.plans.models import TOTAL, Commitment, commitment_sections, sectors_of
from maharat.training.selectors import counted_trainers, counted_workshops

from . import handover
from .models import NodeMonth


@dataclass(frozen=True)
class Progress:
    """How far through the Jalali year we are: 1.0 for past years, 0 for future ones."""

    year: int
    fraction: float
    until_month: int

    @classmethod
    def of(cls, year: int, today: dt.date | None = None) -> Progress:
        today = today or timezone.localdate()
        first, last = jalali.year_bounds(year)
        if today > last:
            return cls(year, 1.0, 12)
        if today < first:
            return cls(year, 0.0, 0)
        elapsed = (today - first).days + 1
        return cls(year, elapsed / ((last - first).days + 1), jalali.from_gregorian(today).month)


def target_group_names() -> dict[str, str]:
    """Target groups by their stored (Persian) name, as the breakdowns give them (monitoring/breakdowns.py),
    to the name shown in the page's language (the English twin on English pages): one read of a dozen rows."""
    from maharat.people.models import TargetGroup

    return {g.name: str(g) for g in TargetGroup.objects.only("name", "name_en")}


def period_text(progress: Progress, node: Unit | None = None, section: str = TOTAL) -> str:
    """What a figure covers, in words, the same on every page that shows one (issue 15): the months counted
    (a course counts in the month it ends; a running year up to the end of the current month) and, given a
    node, the scope (the unit and everything under it) and the sector."""
    from django.utils.translation import gettext as _

    from maharat.common.persian import localize_digits
    from maharat.common.templatetags.persian import local_name

    year = localize_digits(progress.year)
    if progress.until_month >= 12:
        months = _("سال {year}، {first} تا {last}").format(year=year, first=jalali.month_name(1),
                                                        last=jalali.month_name(12))
    elif progress.until_month == 0:
        months = _("سال {year} (هنوز آغاز نشده)").format(year=year)
    else:
        months = _("سال {year}، از {first} تا پایان {month} (ماه جاری)").format(
            year=year, first=jalali.month_name(1), month=jalali.month_name(progress.until_month))
    parts = [months, _("هر دوره در ماه پایانش شمرده می‌شود")]
    if node is not None:
        parts.append(_("{unit} و همه واحدهای زیرمجموعه").format(unit=local_name(node)))
    parts.append({"public": _("بخش دولتی"), "private": _("بخش خصوصی")}.get(section, _("دولتی و خصوصی")))
    return _("؛ ").join(str(p) for p in parts)


def year_measures(node_ids: list[int], year: int, *, sectors: tuple[str, ...] = sectors_of(TOTAL),
                  today: dt.date | None = None) -> dict[int, dict[str, float]]:
    """The figures of a year as every page shows them: the months of `Progress.of(year)` (a running year up to
    its current month; courses ending later, still running today, are not counted yet). The one definition
    behind the home page, the scorecards, the reports and the API (issue 15)."""
    return node_measures(node_ids, year, sectors=sectors, until_month=Progress.of(year, today).until_month)


def monitored_children(parent: Unit) -> list[Unit]:
    """The rows of a scorecard: provinces under HQ, counties (and partners) under a province, training
    units under a county, branches under a center.

    A raw query with fixed text: every scorecard starts here, and compiling the equivalent queryset took
    twice as long as running it (0.32 of 0.65 ms, docs/performance.md)."""
    if parent.kind == UnitKind.HQ:
        return list(Unit.objects.raw(_CHILDREN_SQL["hq"], [UnitKind.PROVINCE]))
    kinds = (UnitKind.COUNTY, UnitKind.PARTNER) if parent.kind == UnitKind.PROVINCE else TRAINING_KINDS
    key = "province" if parent.kind == UnitKind.PROVINCE else "other"
    return list(Unit.objects.raw(_CHILDREN_SQL[key], [parent.pk, *kinds]))


_CHILDREN_SQL = {
    "hq": "SELECT * FROM org_unit WHERE kind = %s ORDER BY code",
    "province": "SELECT * FROM org_unit WHERE parent_id = %s AND kind IN (%s, %s) ORDER BY kind, code",
    "other": f"SELECT * FROM org_unit WHERE parent_id = %s AND kind IN ({', '.join(['%s'] * len(TRAINING_KINDS))}) "
             "ORDER BY kind, code",
}


def node_measures(node_ids: list[int], year: int, *, sectors: tuple[str, ...] = sectors_of(TOTAL),
                  until_month: int = 12) -> dict[int, dict[str, float]]:
    """Measures per node for the year up to a month, from NodeMonth only (one grouped query).

    In SQL rather than the ORM: every scorecard, unit page and report calls this, and building the query
    through the ORM cost more than running it (docs/performance.md)."""
    out: dict[int, dict[str, float]] = {n: _empty() for n in node_ids}
    sector_marks = ", ".join(["%s"] * len(sectors))
    # The router's choice (the replica for a report request, docs/deployment.md), as the ORM would make it.
    with connections[router.db_for_read(NodeMonth)].cursor() as cursor:
        for part in chunks(list(node_ids)):
            condition, params = in_list("node_id", part)
            cursor.execute(
                f"SELECT node_id, sector, {_SUMS} FROM monitoring_nodemonth WHERE {condition} AND year = %s "
                f"AND month <= %s AND sector IN ({sector_marks}) GROUP BY node_id, sector",
                [*params, year, until_month, *sectors])
            for node_id, sector, *values in cursor.fetchall():
                # SUM(bigint) is numeric on PostgreSQL: back to int, as the ORM's BigIntegerField would give.
                _add_row(out[node_id], {"sector": sector, **{k: int(v or 0) for k, v in zip(MEASURES, values, strict=True)}})
    return out


_SUMS = ", ".join(f"SUM({k})" for k in MEASURES)


def _empty() -> dict[str, float]:
    return dict.fromkeys((*MEASURES, "private_person_hours", "private_trainees"), 0)


def _add_row(acc: dict[str, float], row: dict[str, Any]) -> None:
    """Add one NodeMonth row (per sector) to the running measures; private person-hours and trainees kept
    apart (the private share and its companion, monitoring/handover.py)."""
    for k in MEASURES:
        acc[k] += row[k] or 0
    if row["sector"] == Sector.PRIVATE:
        acc["private_person_hours"] += row["person_hours"] or 0
        acc["private_trainees"] += row["trainees"] or 0


_LEVEL_COLUMN: dict[str, str] = {UnitKind.PROVINCE.value: "province_id", UnitKind.COUNTY.value: "county_id"}


def _per_child(children: list[Unit], qs: QuerySet, unit_prefix: str, value: Any = None) -> dict[int, float]:
    """Count (or sum `value`) of the records whose unit is each child or lies under it: the records of
    subtree_q(child, unit_prefix), in one grouped query for provinces and counties."""
    if not children:
        return {}
    agg = Sum(value) if value is not None else Count("pk")
    column = _LEVEL_COLUMN.get(children[0].kind)
    if column:
        ids = [c.pk for c in children]
        # A record of the child itself has no province (county) of its own: it counts under the child's id.
        child = Coalesce(f"{unit_prefix}{column}", f"{unit_prefix}pk", output_field=IntegerField())
        rows = (qs.filter(Q(**{f"{unit_prefix}{column}__in": ids}) | Q(**{f"{unit_prefix}pk__in": ids}))
                .annotate(child=child).values("child").annotate(n=agg))
        found = {r["child"]: r["n"] or 0 for r in rows}
        return {c.pk: found.get(c.pk, 0) for c in children}
    return {c.pk: qs.filter(subtree_q(c, unit_prefix)).aggregate(n=agg)["n"] or 0 for c in children}


def resources(units: list[Unit], progress: Progress) -> dict[int, dict[str, float]]:
    """Trainers and workshop capacity under each unit, for the per-trainer and utilisation indicators
    (the trainers and workshops training/selectors.py counts, as the home page does)."""
    trainers = counted_trainers()
    workshops = counted_workshops()
    by_kind: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by_kind[u.kind].append(u)
    out: dict[int, dict[str, float]] = {}
    for group in by_kind.values():
        if group[0].kind == UnitKind.HQ:
            t = {group[0].pk: trainers.count()}
            s = {group[0].pk: workshops.aggregate(n=Sum("seats"))["n"] or 0}
        else:
            t = _per_child(group, trainers, "home_unit__")
            s = _per_child(group, workshops, "unit__", "seats")
        for u in group:
            out[u.pk] = {
                "trainers": t.get(u.pk, 0),
                "workshop_capacity": s.get(u.pk, 0) * WORKSHOP_HOURS_PER_SEAT_YEAR * progress.until_month / 12,
            }
    return out


def commitments(units: list[Unit], year: int, indicator: str, section: str) -> dict[int, float | None]:
    found: dict[int, float] = {}
    sections = commitment_sections(section)
    with connections[router.db_for_read(Commitment)].cursor() as cursor:  # in SQL for the reason given in node_measures
        for part in chunks([u.pk for u in units]):
            condition, params = in_list("unit_id", part)
            cursor.execute(
                f"SELECT unit_id, SUM(target) FROM plans_commitment WHERE {condition} AND year = %s AND indicator = %s "
                f"AND section IN ({', '.join(['%s'] * len(sections))}) GROUP BY unit_id",
                [*params, year, indicator, *sections])
            found.update((unit_id, float(total)) for unit_id, total in cursor.fetchall())
    found.update(handover.inherited(units, found, year, indicator, sections))  # a share's target holds below
    return {u.pk: found.get(u.pk) for u in units}


@dataclass
class ScoreRow:
    unit: Unit
    achieved: float
    commitment: float | None
    percent: float | None = None
    expected: float | None = None
    projection: float | None = None
    pace: float | None = None  # achieved as % of where the unit should be by today
    light: str = "none"
    rank: int | None = None
    companion: float | None = None  # the indicator's companion figure (handover.COMPANIONS), same commitment
    companion_percent: float | None = None

    @property
    def deviation(self) -> float | None:
        """Achieved minus what was expected by today (the commitment itself once the year is over): the
        deviation the evaluation report shows, of the same sign as `pace` - 100, so its colour and its remark
        follow one rule (`standing`)."""
        return None if self.expected is None else self.achieved - self.expected

    @property
    def standing(self) -> Standing:
        return standing(self)


@dataclass(frozen=True)
class Standing:
    """Where a row stands against its commitment: the words and the colour, decided together."""

    text: str
    css: str  # "pos" (green) or "neg" (red); "" without a commitment


def standing(row: ScoreRow) -> Standing:
    """The one rule for the remark and the colour of a deviation (issue 15: "above commitment" was written
    beside a red negative deviation, the words going by pace and the colour by the year's whole commitment)."""
    from django.utils.translation import gettext as _

    from maharat.common.persian import localize_digits
    from maharat.common.templatetags.persian import num

    def gap(pace: float) -> str:  # 12.5 or 3, in the page's digits and decimal sign
        p = round(100 - pace, 1)
        return num(p, 1 if p % 1 else 0)

    if row.commitment is None:
        return Standing(_("تعهدی ابلاغ نشده است."), "")
    if row.pace is None:
        return Standing("", "")
    if row.achieved >= row.commitment:
        return Standing(_("بیش از تعهد") if row.achieved > row.commitment else _("تعهد محقق شد"), "pos")
    if row.pace >= 100:
        return Standing(_("جلوتر از برنامه"), "pos")
    if row.pace >= 95:
        return Standing(localize_digits(_("نزدیک به برنامه؛ {p}٪ کمتر از مورد انتظار").format(p=gap(row.pace))), "neg")
    return Standing(localize_digits(_("عقب از برنامه به میزان {p}٪").format(p=gap(row.pace))), "neg")


@dataclass
class Scorecard:
    parent: Unit
    year: int
    indicator: Indicator
    section: str
    progress: Progress
    rows: list[ScoreRow] = field(default_factory=list)
    total: ScoreRow | None = None

    @property
    def companion(self) -> Indicator | None:
        return handover.companion(self.indicator.key)


def light_for(pace: float | None) -> str:
    if pace is None:
        return "none"
    if pace >= settings.MAHARAT_LIGHT_GREEN:
        return "green"
    if pace >= settings.MAHARAT_LIGHT_AMBER:
        return "amber"
    return "red"


def _score(unit: Unit, indicator: Indicator, measures: dict[str, float], commitment: float | None,
           progress: Progress) -> ScoreRow:
    achieved = compute(indicator, measures)
    row = ScoreRow(unit=unit, achieved=achieved, commitment=commitment)
    if commitment:
        row.percent = achieved / commitment * 100
        row.expected, row.pace = pace(indicator, achieved, commitment, progress)
        if indicator.is_ratio:
            row.projection = achieved
        else:
            row.projection = achieved / progress.fraction if progress.fraction else None
        row.light = light_for(row.pace)
    row.companion = handover.companion_value(indicator.key, measures)
    if row.companion is not None and commitment:
        row.companion_percent = row.companion / commitment * 100
    return row


def pace(indicator: Indicator, achieved: float, commitment: float, progress: Progress) -> tuple[float, float | None]:
    """Where a unit should be by today (a ratio's commitment holds all year; a sum's grows with the year) and
    its achievement as a percentage of that: the scorecard's and the early warning's one rule."""
    expected = commitment if indicator.is_ratio else commitment * progress.fraction
    return expected, (achieved / expected * 100 if expected else None)


SORT_KEYS = {
    "name": lambda r: r.unit.code, "commitment": lambda r: r.commitment or -1, "achieved": lambda r: r.achieved,
    "percent": lambda r: r.percent if r.percent is not None else -1, "pace": lambda r: r.pace if r.pace is not None else -1,
    "projection": lambda r: r.projection or -1, "rank": lambda r: r.rank or 10**9,
    "expected": lambda r: r.expected or -1,
}


def scorecard(parent: Unit, year: int, indicator_key: str = "person_hours", section: str = "total", *,
              today: dt.date | None = None, sort: str = "rank", children: list[Unit] | None = None) -> Scorecard:
    indicator = INDICATORS[indicator_key]
    section = handover.section_for(indicator_key, section)
    progress = Progress.of(year, today)
    units = list(children if children is not None else monitored_children(parent))
    everyone = [*units, parent]
    measures = year_measures([u.pk for u in everyone], year, sectors=_sectors(section), today=today)
    if indicator.denominator in ("trainers", "workshop_capacity"):
        for pk, extra in resources(everyone, progress).items():
            measures[pk].update(extra)
    targets = commitments(everyone, year, indicator.key, section)
    if targets[parent.pk] is None and not indicator.is_ratio:
        # HQ holds no commitment of its own: the country's is what it handed to the provinces.
        handed = [targets[u.pk] for u in units if targets[u.pk] is not None]
        targets[parent.pk] = sum(handed) if handed else None
    card = Scorecard(parent, year, indicator, section, progress)
    card.rows = [_score(u, indicator, measures[u.pk], targets[u.pk], progress) for u in units]
    card.total = _score(parent, indicator, measures[parent.pk], targets[parent.pk], progress)
    ranked = sorted((r for r in card.rows if r.pace is not None), key=lambda r: -r.pace)  # type: ignore[operator]
    for i, r in enumerate(ranked, start=1):
        r.rank = i
    key = sort.lstrip("-")
    if key in SORT_KEYS:  # "percent" sorts ascending, "-percent" descending
        card.rows.sort(key=SORT_KEYS[key], reverse=sort.startswith("-"))
    return card


# monitoring/commitments.py imports this name; plans.models.sectors_of is the rule itself.
_sectors = sectors_of


# ------------------------------------------------------------------------------------------ unit page
def monthly_series(node: Unit, year: int, indicator_key: str = "person_hours", section: str = "total",
                   today: dt.date | None = None) -> dict[str, Any]:
    """Monthly and cumulative achievement against the pro-rata commitment line."""
    indicator = INDICATORS[indicator_key]
    section = handover.section_for(indicator_key, section)
    progress = Progress.of(year, today)
    rows = (NodeMonth.objects.filter(node=node, year=year, sector__in=_sectors(section))
            .values("month", "sector").annotate(**{k: Sum(k) for k in MEASURES}))
    per_month: dict[int, dict[str, float]] = {m: _empty() for m in range(1, 13)}
    for row in rows:
        _add_row(per_month[row["month"]], row)
    target = commitments([node], year, indicator.key, section)[node.pk]
    monthly, cumulative, line = [], [], []
    running = _empty()
    for m in range(1, 13):
        for k, v in per_month[m].items():
            running[k] += v
        future = m > progress.until_month
        monthly.append(None if future else compute(indicator, per_month[m]))
        cumulative.append(None if future else compute(indicator, running))
        if target is not None:
            line.append(target if indicator.is_ratio else round(target * _year_share_by_month(year, m), 2))
    return {"months": jalali.month_names(), "monthly": monthly, "cumulative": cumulative, "target_line": line,
            "target": target, "indicator": str(indicator.label), "ratio": indicator.is_ratio}


def _year_share_by_month(year: int, month: int) -> float:
    """Share of the year's days that have passed by the end of a month (the pro-rata commitment line)."""
    first, last = jalali.year_bounds(year)
    end = jalali.to_gregorian(year, month, jalali.month_length(year, month))
    return ((end - first).days + 1) / ((last - first).days + 1)


# ------------------------------------------------------------------------------------- evaluation report
def evaluation_units(province: Unit) -> list[Unit]:
    """The public centers a provincial evaluation meeting goes through (fixed centers)."""
    return list(Unit.objects.filter(province=province, kind=UnitKind.FIXED_CENTER).order_by("code"))

