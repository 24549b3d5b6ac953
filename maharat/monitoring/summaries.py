"""Keeping the summary tables exact: a full rebuild, and incremental refresh of what a write touched.

Both use the same SQL (MEASURES_SQL below), so there is one definition of every measure. A write marks
the slices it touched, a slice being (unit, Jalali year, Jalali month) of a course run's end; the slice is
recomputed from the raw records and the difference is added to the unit's ancestors. Trainee attribution
(who is counted where, see plans/indicators.py) is recomputed for each (trainee, year) touched.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F

from maharat.common import jalali
from maharat.common.bulk import chunks, copy_rows, in_list
from maharat.org.models import Unit, sector_of, sector_sql
from maharat.plans.indicators import MEASURES
from maharat.training.figures import PERSON_HOURS_FIELD

from .models import Fact, GroupFact, NodeMonth, StaleSlice, TraineeYear, UnitMonth

Slice = tuple[int, int, int]  # unit id, Jalali year, Jalali month
TraineeKey = tuple[int, int]  # trainee id, Jalali year

SECTOR_SQL = sector_sql("u.kind")  # the unit's sector (org.models: a free institute is private)
JOINS_SQL = """
    FROM training_enrollment e
    JOIN training_courserun r ON r.id = e.course_run_id
    JOIN org_unit u ON u.id = r.unit_id
    JOIN people_trainee t ON t.id = e.trainee_id
    JOIN monitoring_calendarday c ON c.day = r.end_date
"""
# The measures computed from raw enrollments; "trainees" and the assessment measures come separately.
ENROLLMENT_MEASURES = ("enrollments", "completed", "dropped", "person_hours", "women", "rural_nomad", "low_decile",
                       "workplace_person_hours", "workshop_person_hours")
MEASURES_SQL = f"""
    COUNT(*),
    SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END),
    SUM(CASE WHEN e.status = 'dropped' THEN 1 ELSE 0 END),
    SUM(e.{PERSON_HOURS_FIELD}),
    SUM(CASE WHEN t.sex = 'F' THEN 1 ELSE 0 END),
    SUM(CASE WHEN t.residence IN ('rural', 'nomad') THEN 1 ELSE 0 END),
    SUM(CASE WHEN t.income_decile <= 3 THEN 1 ELSE 0 END),
    SUM(CASE WHEN r.mode = 'workplace' THEN e.{PERSON_HOURS_FIELD} ELSE 0 END),
    SUM(CASE WHEN r.workshop_id IS NOT NULL THEN e.{PERSON_HOURS_FIELD} ELSE 0 END)
"""
DECILE_BAND_SQL = "CASE WHEN t.income_decile IS NULL THEN 'unknown' WHEN t.income_decile <= 3 THEN 'low' ELSE 'other' END"
FACT_DIMS_SQL = f"{SECTOR_SQL}, t.sex, r.mode, s.cluster, t.residence, {DECILE_BAND_SQL}"
FACT_MEASURES_SQL = f"COUNT(*), SUM(CASE WHEN e.status = 'completed' THEN 1 ELSE 0 END), SUM(e.{PERSON_HOURS_FIELD})"
BREAKDOWN_TABLES = ("monitoring_fact", "monitoring_groupfact")


def insert_breakdowns(where: str = "", params: Iterable[object] = (), *,
                      into: tuple[str, str] = BREAKDOWN_TABLES) -> None:
    """The breakdown rows (Fact, then GroupFact) of the enrollments `where` selects, from the raw records:
    the one definition that the rebuild, the refresh of a slice and check-summaries (into its temporary
    tables) all run."""
    fact, group_fact = into
    params = list(params)
    _execute(
        f"INSERT INTO {fact} (unit_id, year, month, sector, sex, mode, cluster, residence, decile_band, "
        f"enrollments, completed, person_hours) SELECT r.unit_id, c.jyear, c.jmonth, {FACT_DIMS_SQL}, {FACT_MEASURES_SQL} "
        f"{JOINS_SQL} JOIN catalog_standard s ON s.id = r.standard_id {where} "
        f"GROUP BY r.unit_id, c.jyear, c.jmonth, {FACT_DIMS_SQL}", params)
    _execute(
        f"INSERT INTO {group_fact} (unit_id, year, month, group_id, enrollments, person_hours) "
        f"SELECT r.unit_id, c.jyear, c.jmonth, g.targetgroup_id, COUNT(*), SUM(e.{PERSON_HOURS_FIELD}) {JOINS_SQL} "
        f"JOIN people_trainee_target_groups g ON g.trainee_id = t.id {where} "
        "GROUP BY r.unit_id, c.jyear, c.jmonth, g.targetgroup_id", params)

# Assessment figures: certificates count where the holder was trained (or assessed, for prior learning),
# in the month of issue; test results in the month of the test.
CERTIFICATES_SQL = """
    SELECT c.training_unit_id, cal.jyear, cal.jmonth, COUNT(*)
    FROM assessment_certificate c JOIN monitoring_calendarday cal ON cal.day = c.issued_on
    {where} GROUP BY c.training_unit_id, cal.jyear, cal.jmonth
"""
RESULTS_SQL = """
    SELECT COALESCE(r.unit_id, s.assessor_unit_id), cal.jyear, cal.jmonth,
           SUM(CASE WHEN k.result IN ('pass', 'fail') THEN 1 ELSE 0 END), SUM(CASE WHEN k.result = 'pass' THEN 1 ELSE 0 END)
    FROM assessment_candidate k JOIN assessment_testsession s ON s.id = k.session_id
    LEFT JOIN training_enrollment e ON e.id = k.enrollment_id LEFT JOIN training_courserun r ON r.id = e.course_run_id
    JOIN monitoring_calendarday cal ON cal.day = s.held_on
    {where} GROUP BY COALESCE(r.unit_id, s.assessor_unit_id), cal.jyear, cal.jmonth
"""


def assessment_measures(where: str = "", params: Iterable[object] = ()) -> dict[tuple[int, int, int], dict[str, int]]:
    out: dict[tuple[int, int, int], dict[str, int]] = defaultdict(lambda: {"certificates": 0, "assessed": 0, "passed": 0})
    params = list(params)
    cert_where = where.replace("{unit}", "c.training_unit_id").replace("{day}", "c.issued_on")
    for unit_id, year, month, n in _fetch(CERTIFICATES_SQL.format(where=cert_where), params):
        out[(unit_id, year, month)]["certificates"] = int(n)
    result_where = where.replace("{unit}", "COALESCE(r.unit_id, s.assessor_unit_id)").replace("{day}", "s.held_on")
    for unit_id, year, month, assessed, passed in _fetch(RESULTS_SQL.format(where=result_where), params):
        out[(unit_id, year, month)].update(assessed=int(assessed or 0), passed=int(passed or 0))
    return out


# Where each trainee counts in a year: the first course run they finish (no trainee columns needed, so
# no join to the trainee table, which every enrollment references anyway).
RANKED_SQL = f"""
    SELECT e.trainee_id, c.jyear, r.unit_id, c.jmonth, {SECTOR_SQL} AS sector,
           ROW_NUMBER() OVER (PARTITION BY e.trainee_id, c.jyear ORDER BY r.end_date, r.id) AS rn
    {JOINS_SQL.replace("JOIN people_trainee t ON t.id = e.trainee_id", "")}
"""


def _fetch(sql: str, params: Iterable[object] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _execute(sql: str, params: Iterable[object] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


# ---------------------------------------------------------------------------------------------- rebuild
@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recompute every summary table from the raw records."""
    for model in (NodeMonth, UnitMonth, Fact, GroupFact, TraineeYear, StaleSlice):
        model.objects.all().delete()
    _execute(
        "INSERT INTO monitoring_traineeyear (trainee_id, year, unit_id, month, sector) "
        f"SELECT trainee_id, jyear, unit_id, jmonth, sector FROM ({RANKED_SQL}) ranked WHERE rn = 1"
    )
    trainees = {(u, y, m): n for u, y, m, n in _fetch(
        "SELECT unit_id, year, month, COUNT(*) FROM monitoring_traineeyear GROUP BY unit_id, year, month")}
    own = _fetch(f"SELECT r.unit_id, c.jyear, c.jmonth, {SECTOR_SQL}, {MEASURES_SQL} {JOINS_SQL} "
                 "GROUP BY r.unit_id, c.jyear, c.jmonth, u.kind")
    by_key: dict[tuple[int, int, int], tuple[str, dict[str, int]]] = {}
    for unit_id, year, month, sector, *values in own:
        measures = dict(zip(ENROLLMENT_MEASURES, (int(v or 0) for v in values), strict=True))
        measures["trainees"] = trainees.get((unit_id, year, month), 0)
        by_key[(unit_id, year, month)] = (sector, measures)
    assessed = assessment_measures()
    kinds = dict(Unit.objects.filter(pk__in={k[0] for k in assessed}).values_list("pk", "kind"))
    for key, extra in assessed.items():
        if key not in by_key:
            by_key[key] = (sector_of(kinds.get(key[0], "")), {})
        by_key[key][1].update(extra)
    unit_rows = [(u, y, m, sector, measures) for (u, y, m), (sector, measures) in by_key.items()]
    copy_rows(UnitMonth, ("unit_id", "year", "month", "sector", *MEASURES),
              ((u, y, m, s, *(ms.get(k, 0) for k in MEASURES)) for u, y, m, s, ms in unit_rows))
    # Roll each unit's own figures up to every ancestor (the unit included).
    chains = _ancestor_chains({u for u, *_ in unit_rows})
    nodes: dict[tuple[int, int, int, str], list[int]] = defaultdict(lambda: [0] * len(MEASURES))
    for unit_id, year, month, sector, measures in unit_rows:
        for node_id in chains[unit_id]:
            acc = nodes[(node_id, year, month, sector)]
            for i, key in enumerate(MEASURES):
                acc[i] += measures.get(key, 0)
    copy_rows(NodeMonth, ("node_id", "year", "month", "sector", *MEASURES),
              ((n, y, m, s, *values) for (n, y, m, s), values in nodes.items()))
    insert_breakdowns()
    return {"unit_months": len(unit_rows), "node_months": len(nodes), "trainee_years": sum(trainees.values())}


def _ancestor_chains(unit_ids: set[int]) -> dict[int, list[int]]:
    """For each unit, its own id and its ancestors' ids (from the materialised path)."""
    units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    codes = {code for path in units.values() for code in path.strip("/").split("/")}
    id_of = dict(Unit.objects.filter(code__in=codes).values_list("code", "pk"))
    return {pk: [id_of[c] for c in path.strip("/").split("/") if c in id_of] for pk, path in units.items()}


# ------------------------------------------------------------------------------------ incremental refresh
@dataclass
class Pending:
    slices: set[Slice] = field(default_factory=set)
    trainee_years: set[TraineeKey] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.slices or self.trainee_years)


_deferred: ContextVar[Pending | None] = ContextVar("maharat_summaries_deferred", default=None)


@contextlib.contextmanager
def batch() -> Iterator[Pending]:
    """Collect what a bulk write touches and refresh it once at the end (imports, the demo, tests)."""
    outer = _deferred.get()
    if outer is not None:
        yield outer
        return
    pending = Pending()
    token = _deferred.set(pending)
    try:
        yield pending
    finally:
        _deferred.reset(token)
    refresh(pending)


def mark(slices: Iterable[Slice] = (), trainee_years: Iterable[TraineeKey] = ()) -> None:
    pending = Pending(set(slices), set(trainee_years))
    outer = _deferred.get()
    if outer is not None:
        outer.slices |= pending.slices
        outer.trainee_years |= pending.trainee_years
    else:
        refresh(pending)


# A catalogue edit touching more slices than this is recomputed by the background worker (tasks.py),
# not inside the request; the pages say the figures are being updated until it is done.
IN_REQUEST_SLICES = 300


def standard_changed(standard_id: int, reason: str = "") -> int:
    """A standard's cluster changed: every slice with one of its course runs counts it under the old cluster.
    Few slices are refreshed now, in the write's transaction; many are marked stale for the worker. Returns
    the number of slices concerned."""
    slices = {tuple(row) for row in _fetch(
        "SELECT DISTINCT r.unit_id, c.jyear, c.jmonth FROM training_courserun r "
        "JOIN monitoring_calendarday c ON c.day = r.end_date WHERE r.standard_id = %s", [standard_id])}
    if len(slices) <= IN_REQUEST_SLICES:
        mark(slices)  # type: ignore[arg-type]
    else:
        StaleSlice.objects.bulk_create([StaleSlice(unit_id=u, year=y, month=m, reason=reason[:200]) for u, y, m in slices],
                                       batch_size=2000, ignore_conflicts=True)
        transaction.on_commit(_queue_refresh)
    return len(slices)


def _queue_refresh() -> None:
    from .tasks import refresh_figures

    refresh_figures()


def refresh_stale(limit: int = 200) -> int:
    """Recompute up to `limit` stale slices (the worker calls this in its loop); returns how many it did."""
    with transaction.atomic():
        qs = StaleSlice.objects.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        rows = list(qs.values_list("pk", "unit_id", "year", "month")[:limit])
        if not rows:
            return 0
        refresh(Pending({(u, y, m) for _pk, u, y, m in rows}, set()))
        StaleSlice.objects.filter(pk__in=[r[0] for r in rows]).delete()
    return len(rows)


def updating() -> bool:
    """Are some figures waiting for the worker (refresh_stale)?"""
    return StaleSlice.objects.exists()


def slice_of(unit_id: int, end_date) -> Slice:  # type: ignore[no-untyped-def]
    j = jalali.from_gregorian(end_date)
    return (unit_id, j.year, j.month)


@transaction.atomic
def refresh(pending: Pending) -> None:
    if not pending:
        return
    slices = set(pending.slices)
    if len(pending.trainee_years) > 200:  # a bulk write: recompute attribution set-wise, not row by row
        slices |= _refresh_trainee_years_bulk(pending.trainee_years)
    else:
        for trainee_id, year in sorted(pending.trainee_years):
            slices |= _refresh_trainee_year(trainee_id, year)
    chains = _ancestor_chains({u for u, _, _ in slices})
    for unit_id, year, month in sorted(slices):
        if unit_id in chains:
            _refresh_slice(unit_id, year, month, chains[unit_id])


def _refresh_trainee_year(trainee_id: int, year: int) -> set[Slice]:
    rows = _fetch(
        f"SELECT r.unit_id, c.jmonth, {SECTOR_SQL} {JOINS_SQL} WHERE e.trainee_id = %s AND c.jyear = %s "
        "ORDER BY r.end_date, r.id LIMIT 1",
        [trainee_id, year],
    )
    current = TraineeYear.objects.filter(trainee_id=trainee_id, year=year).first()
    touched: set[Slice] = set()
    if current is not None:
        touched.add((current.unit_id, year, current.month))
    if not rows:
        if current is not None:
            current.delete()
        return touched
    unit_id, month, sector = rows[0]
    touched.add((unit_id, year, month))
    if current is None:
        TraineeYear.objects.create(trainee_id=trainee_id, year=year, unit_id=unit_id, month=month, sector=sector)
    elif (current.unit_id, current.month, current.sector) != (unit_id, month, sector):
        current.unit_id, current.month, current.sector = unit_id, month, sector
        current.save(update_fields=["unit", "month", "sector"])
    return touched


def _refresh_trainee_years_bulk(keys: set[TraineeKey]) -> set[Slice]:
    """The same attribution as _refresh_trainee_year (RANKED_SQL), for many trainees at once: per year, one
    DELETE and one INSERT … SELECT for all of them on PostgreSQL (chunks on SQLite), each returning the
    slices it touched."""
    touched: set[Slice] = set()
    by_year: dict[int, list[int]] = defaultdict(list)
    for trainee_id, year in keys:
        by_year[year].append(trainee_id)
    for year, trainees in by_year.items():
        for part in chunks(sorted(trainees)):
            condition, params = in_list("trainee_id", part)
            touched |= {(u, year, m) for u, m in _fetch(
                f"DELETE FROM monitoring_traineeyear WHERE year = %s AND {condition} RETURNING unit_id, month",
                [year, *params])}
            condition, params = in_list("e.trainee_id", part)
            touched |= {(u, year, m) for u, m in _fetch(
                "INSERT INTO monitoring_traineeyear (trainee_id, year, unit_id, month, sector) "
                f"SELECT trainee_id, jyear, unit_id, jmonth, sector FROM ({RANKED_SQL} "
                f"WHERE {condition} AND c.jyear = %s) ranked WHERE rn = 1 RETURNING unit_id, month",
                [*params, year])}
    return touched


def _slice_measures(unit_id: int, year: int, month: int) -> tuple[str | None, dict[str, int]]:
    first = jalali.to_gregorian(year, month, 1)
    last = jalali.to_gregorian(year, month, jalali.month_length(year, month))
    rows = _fetch(f"SELECT {SECTOR_SQL}, {MEASURES_SQL} {JOINS_SQL} "
                  "WHERE r.unit_id = %s AND r.end_date BETWEEN %s AND %s GROUP BY u.kind", [unit_id, first, last])
    measures = {k: 0 for k in MEASURES}
    sector = None
    if rows:
        sector, *values = rows[0]
        measures.update(zip(ENROLLMENT_MEASURES, (int(v or 0) for v in values), strict=True))
    measures["trainees"] = TraineeYear.objects.filter(unit_id=unit_id, year=year, month=month).count()
    extra = assessment_measures("WHERE {unit} = %s AND {day} BETWEEN %s AND %s", [unit_id, first, last])
    measures.update(extra.get((unit_id, year, month), {}))
    return sector, measures


def _refresh_slice(unit_id: int, year: int, month: int, chain: list[int]) -> None:
    sector, new = _slice_measures(unit_id, year, month)
    stored = {row.sector: row for row in UnitMonth.objects.filter(unit_id=unit_id, year=year, month=month)}
    if sector is None:
        sector = next(iter(stored), None) or Unit.objects.get(pk=unit_id).sector
    deltas: dict[str, dict[str, int]] = {}
    for s in set(stored) | {sector}:
        old_row = stored.get(s)
        target = new if s == sector else {k: 0 for k in MEASURES}
        delta = {k: target[k] - (getattr(old_row, k) if old_row else 0) for k in MEASURES}
        if any(delta.values()):
            deltas[s] = delta
    for s, delta in deltas.items():
        _add(UnitMonth, {"unit_id": unit_id, "year": year, "month": month, "sector": s}, delta)
        for node_id in chain:
            _add(NodeMonth, {"node_id": node_id, "year": year, "month": month, "sector": s}, delta)
    _refresh_facts(unit_id, year, month)


def _add(model: type[UnitMonth] | type[NodeMonth], key: dict[str, object], delta: dict[str, int]) -> None:
    changes = {k: F(k) + v for k, v in delta.items() if v}
    if not model.objects.filter(**key).update(**changes):
        model.objects.create(**key, **{k: v for k, v in delta.items()})
    # Rows that fall back to zero are removed, as a rebuild would never create them.
    model.objects.filter(**key, **{k: 0 for k in MEASURES}).delete()


def _refresh_facts(unit_id: int, year: int, month: int) -> None:
    first = jalali.to_gregorian(year, month, 1)
    last = jalali.to_gregorian(year, month, jalali.month_length(year, month))
    Fact.objects.filter(unit_id=unit_id, year=year, month=month).delete()
    GroupFact.objects.filter(unit_id=unit_id, year=year, month=month).delete()
    insert_breakdowns("WHERE r.unit_id = %s AND r.end_date BETWEEN %s AND %s", [unit_id, first, last])


@transaction.atomic
def unit_moved(unit: Unit, old_path: str) -> None:
    """A unit and its subtree changed parent: move their figures from the old ancestors to the new ones."""
    old_codes = old_path.strip("/").split("/")[:-1]
    new_codes = unit.path.strip("/").split("/")[:-1]
    lost = [c for c in old_codes if c not in new_codes]
    gained = [c for c in new_codes if c not in old_codes]
    if not lost and not gained:
        return
    ids = dict(Unit.objects.filter(code__in=lost + gained).values_list("code", "pk"))
    subtree_ids = list(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    totals: dict[tuple[int, int, str], dict[str, int]] = defaultdict(lambda: {k: 0 for k in MEASURES})
    for row in UnitMonth.objects.filter(unit_id__in=subtree_ids).values("year", "month", "sector", *MEASURES):
        acc = totals[(row["year"], row["month"], row["sector"])]
        for k in MEASURES:
            acc[k] += row[k]
    for (year, month, sector), measures in totals.items():
        for code, sign in [(c, -1) for c in lost] + [(c, 1) for c in gained]:
            _add(NodeMonth, {"node_id": ids[code], "year": year, "month": month, "sector": sector},
                 {k: sign * v for k, v in measures.items()})
