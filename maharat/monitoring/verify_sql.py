"""check-summaries in SQL: the recomputation into temporary tables, the comparison with the live tables and
the repair (monitoring/verify.py says why it works this way). Nothing here reads a table into Python but the
differences, at most `limit` per table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from maharat.org.models import Unit
from maharat.org.selectors import subtree_q
from maharat.plans.indicators import MEASURES

from . import summaries
from .models import StaleSlice
from .summaries import (
    CERTIFICATES_SQL,
    ENROLLMENT_MEASURES,
    JOINS_SQL,
    MEASURES_SQL,
    RANKED_SQL,
    RESULTS_SQL,
    SECTOR_SQL,
)
from .verify_tables import TABLES, Difference, Table, column_type


# ------------------------------------------------------------------------------------------------ scope
class Scope:
    """The --year and --unit filters as SQL conditions, one set per source table."""

    def __init__(self, year: int | None, unit: Unit | None) -> None:
        self.year, self.unit = year, unit

    def prepare(self) -> None:
        if self.unit is None:
            return
        sql, params = Unit.objects.filter(subtree_q(self.unit)).values("pk").query.sql_with_params()
        execute(f"INSERT INTO chk_scope (unit_id) {sql}", params)
        # Who is counted where depends on all of a trainee's courses of the year, inside the subtree or not:
        # the trainee-years concerned are those with a course in the subtree or counted in it today.
        year_e, year_p = ("AND c.jyear = %s", [self.year]) if self.year else ("", [])
        year_t = "AND year = %s" if self.year else ""
        execute(
            "INSERT INTO chk_scope_ty (trainee_id, year) "
            "SELECT e.trainee_id, c.jyear FROM training_enrollment e JOIN training_courserun r ON r.id = e.course_run_id "
            "JOIN monitoring_calendarday c ON c.day = r.end_date "
            f"WHERE r.unit_id IN (SELECT unit_id FROM chk_scope) {year_e} "
            f"UNION SELECT trainee_id, year FROM monitoring_traineeyear WHERE unit_id IN (SELECT unit_id FROM chk_scope) {year_t}",
            [*year_p, *year_p])
        _analyze("chk_scope", "chk_scope_ty")

    def stale(self) -> int:
        """Slices a catalogue edit has left for the worker (summaries.refresh_stale), in scope."""
        qs = StaleSlice.objects.all()
        if self.year:
            qs = qs.filter(year=self.year)
        if self.unit is not None:
            qs = qs.filter(unit_id__in=Unit.objects.filter(subtree_q(self.unit)).values("pk"))
        return qs.count()

    def where(self, year_col: str | None, unit_col: str | None, *extra: str) -> tuple[str, list[Any]]:
        conds, params = list(extra), []
        if self.year and year_col:
            conds.append(f"{year_col} = %s")
            params.append(self.year)
        if self.unit is not None and unit_col:
            conds.append(f"{unit_col} IN (SELECT unit_id FROM chk_scope)")
        return ("WHERE " + " AND ".join(conds)) if conds else "", params

    def live(self, table: Table) -> tuple[str, list[Any]]:
        """The live rows in scope, zero rows left out (summed per key where keys repeat)."""
        keys, values = ", ".join(table.keys), table.values
        if table.name == "trainee_year":
            join = "JOIN chk_scope_ty k ON k.trainee_id = x.trainee_id AND k.year = x.year" if self.unit else ""
            where, params = self.where("x.year", None)
            cols = ", ".join(f"x.{c}" for c in (*table.keys, *values))
            return f"SELECT {cols} FROM {table.db_table} x {join} {where}", params
        where, params = self.where("year", table.unit_column)
        if table.summed:
            sums = ", ".join(f"SUM({v}) AS {v}" for v in values)
            nonzero = " OR ".join(f"SUM({v}) <> 0" for v in values)
            return f"SELECT {keys}, {sums} FROM {table.db_table} {where} GROUP BY {keys} HAVING {nonzero}", params
        nonzero = "(" + " OR ".join(f"{v} <> 0" for v in values) + ")"
        where = f"{where} AND {nonzero}" if where else f"WHERE {nonzero}"
        return f"SELECT {keys}, {', '.join(values)} FROM {table.db_table} {where}", params


# ------------------------------------------------------------------------------------- temporary tables
_EXTRA_TEMPORARY = {"chk_scope": "unit_id bigint PRIMARY KEY",
                    "chk_scope_ty": "trainee_id bigint, year integer, PRIMARY KEY (trainee_id, year)",
                    "chk_chain": "unit_id bigint, node_id bigint"}


def _temporary() -> dict[str, str]:
    tables = dict(_EXTRA_TEMPORARY)
    for t in TABLES:
        tables[f"chk_exp_{t.name}"] = ", ".join(f"{c} {column_type(c)}" for c in (*t.keys, *t.values))
        tables[f"chk_diff_{t.name}"] = ", ".join(
            [f"{c} {column_type(c)}" for c in t.keys] + [f"live_{c} {column_type(c)}" for c in t.values]
            + [f"exp_{c} {column_type(c)}" for c in t.values] + ["in_live integer", "in_exp integer"])
    return tables


def create_temporary() -> None:
    for name, columns in _temporary().items():
        execute(f"CREATE TEMPORARY TABLE {name} ({columns})")


def drop_temporary() -> None:
    for name in _temporary():
        execute(f"DROP TABLE IF EXISTS {name}")


def _analyze(*tables: str) -> None:
    """Temporary tables get no statistics unless asked (autovacuum never sees them); below 10,000 rows any
    plan is fast, and a check of a small database (the differential test runs one per step) skips it."""
    if connection.vendor == "postgresql":
        for t in tables:
            if fetch(f"SELECT COUNT(*) FROM (SELECT 1 FROM {t} LIMIT 10000) x")[0][0] >= 10000:
                execute(f"ANALYZE {t}")


# ------------------------------------------------------------------------------------- recomputation
def recompute(scope: Scope) -> None:
    """The rebuild's queries (summaries.rebuild), into chk_exp_* instead of the live tables."""
    # Who is counted where: RANKED_SQL, as in the rebuild (only the trainee-years in scope).
    join_ty = " JOIN chk_scope_ty k ON k.trainee_id = e.trainee_id AND k.year = c.jyear" if scope.unit else ""
    where, params = scope.where("c.jyear", None)
    execute(
        "INSERT INTO chk_exp_trainee_year (trainee_id, year, unit_id, month, sector) "
        f"SELECT trainee_id, jyear, unit_id, jmonth, sector FROM ({RANKED_SQL}{join_ty} {where}) ranked WHERE rn = 1",
        params)

    # Each unit's own month: enrollment measures, trainees, certificates and test results, one row per key.
    own_where, own_p = scope.where("c.jyear", "r.unit_id")
    ty_where, ty_p = scope.where(None, "unit_id")
    cert_where, cert_p = scope.where("cal.jyear", "c.training_unit_id")
    res_where, res_p = scope.where("cal.jyear", "COALESCE(r.unit_id, s.assessor_unit_id)")
    zeros = {name: "0" for name in MEASURES}

    def branch(source: str, columns: dict[str, str]) -> str:
        return f"SELECT unit_id, year, month, {', '.join(columns.get(m, zeros[m]) for m in MEASURES)} FROM {source}"

    measures_list = ", ".join(MEASURES)
    execute(
        f"WITH own(unit_id, year, month, {', '.join(ENROLLMENT_MEASURES)}) AS ("
        f"  SELECT r.unit_id, c.jyear, c.jmonth, {MEASURES_SQL} {JOINS_SQL} {own_where} GROUP BY r.unit_id, c.jyear, c.jmonth),"
        " tr(unit_id, year, month, trainees) AS ("
        f"  SELECT unit_id, year, month, COUNT(*) FROM chk_exp_trainee_year {ty_where} GROUP BY unit_id, year, month),"
        f" cert(unit_id, year, month, certificates) AS ({CERTIFICATES_SQL.format(where=cert_where)}),"
        f" res(unit_id, year, month, assessed, passed) AS ({RESULTS_SQL.format(where=res_where)}),"
        f" allrows(unit_id, year, month, {measures_list}) AS ("
        + " UNION ALL ".join([
            branch("own", {m: m for m in ENROLLMENT_MEASURES}),
            branch("tr", {"trainees": "trainees"}),
            branch("cert", {"certificates": "certificates"}),
            branch("res", {"assessed": "assessed", "passed": "passed"}),
        ]) + ") "
        f"INSERT INTO chk_exp_unit_month (unit_id, year, month, sector, {measures_list}) "
        f"SELECT a.unit_id, a.year, a.month, {SECTOR_SQL}, {', '.join(f'SUM(a.{m})' for m in MEASURES)} "
        "FROM allrows a JOIN org_unit u ON u.id = a.unit_id GROUP BY a.unit_id, a.year, a.month, u.kind "
        f"HAVING {' OR '.join(f'SUM(a.{m}) <> 0' for m in MEASURES)}",
        [*own_p, *ty_p, *cert_p, *res_p])
    _analyze("chk_exp_trainee_year", "chk_exp_unit_month")

    # Rolled up to every ancestor, by the materialised path (summaries._ancestor_chains, as the rebuild).
    unit_ids = {u for (u,) in fetch("SELECT DISTINCT unit_id FROM chk_exp_unit_month")}
    chains = summaries._ancestor_chains(unit_ids) if unit_ids else {}
    _insert_rows("chk_chain", ("unit_id", "node_id"), ((u, n) for u, chain in chains.items() for n in chain))
    _analyze("chk_chain")
    node_where, node_p = scope.where(None, "ch.node_id")
    execute(
        f"INSERT INTO chk_exp_node_month (node_id, year, month, sector, {measures_list}) "
        f"SELECT ch.node_id, x.year, x.month, x.sector, {', '.join(f'SUM(x.{m})' for m in MEASURES)} "
        f"FROM chk_exp_unit_month x JOIN chk_chain ch ON ch.unit_id = x.unit_id {node_where} "
        "GROUP BY ch.node_id, x.year, x.month, x.sector", node_p)

    # The breakdowns: the rebuild's own statements, into the temporary tables.
    summaries.insert_breakdowns(own_where, own_p, into=("chk_exp_fact", "chk_exp_group_fact"))
    # No ANALYZE for the last three: on the demo database the comparisons below were no slower without.


# ---------------------------------------------------------------------------------------- comparison
def compare(table: Table, scope: Scope) -> int:
    """Write the keys whose live and recomputed values differ into chk_diff_<table>; return their number."""
    live, params = scope.live(table)
    on = " AND ".join(f"e.{k} = l.{k}" for k in table.keys)
    differs = " OR ".join(f"e.{v} <> l.{v}" for v in table.values)
    first = table.keys[0]
    columns = ", ".join([*table.keys, *(f"live_{v}" for v in table.values), *(f"exp_{v}" for v in table.values),
                         "in_live", "in_exp"])
    live_values = ", ".join(f"l.{v}" for v in table.values)
    exp_values = ", ".join(f"e.{v}" for v in table.values)
    if connection.vendor == "postgresql":
        keys = ", ".join(f"COALESCE(e.{k}, l.{k})" for k in table.keys)
        sql = (f"INSERT INTO chk_diff_{table.name} ({columns}) "
               f"SELECT {keys}, {live_values}, {exp_values}, "
               f"CASE WHEN l.{first} IS NULL THEN 0 ELSE 1 END, CASE WHEN e.{first} IS NULL THEN 0 ELSE 1 END "
               f"FROM chk_exp_{table.name} e FULL OUTER JOIN ({live}) l ON {on} "
               f"WHERE e.{first} IS NULL OR l.{first} IS NULL OR {differs}")
    else:  # the same as two LEFT JOINs: rows recomputed (missing or different live), then live rows left over
        nulls = ", ".join("NULL" for _ in table.values)
        sql = (f"INSERT INTO chk_diff_{table.name} ({columns}) "
               f"SELECT {', '.join(f'e.{k}' for k in table.keys)}, {live_values}, {exp_values}, "
               f"CASE WHEN l.{first} IS NULL THEN 0 ELSE 1 END, 1 "
               f"FROM chk_exp_{table.name} e LEFT JOIN ({live}) l ON {on} WHERE l.{first} IS NULL OR {differs} "
               f"UNION ALL SELECT {', '.join(f'l.{k}' for k in table.keys)}, {live_values}, {nulls}, 1, 0 "
               f"FROM ({live}) l LEFT JOIN chk_exp_{table.name} e ON {on} WHERE e.{first} IS NULL")
        params = [*params, *params]
    execute(sql, params)
    return int(fetch(f"SELECT COUNT(*) FROM chk_diff_{table.name}")[0][0])


def differences(table: Table, limit: int) -> list[Difference]:
    cols = [*table.keys, *(f"live_{v}" for v in table.values), *(f"exp_{v}" for v in table.values), "in_live", "in_exp"]
    rows = fetch(f"SELECT {', '.join(cols)} FROM chk_diff_{table.name} ORDER BY {', '.join(table.keys)} LIMIT %s",
                  [limit])
    out = []
    n_keys, n_values = len(table.keys), len(table.values)
    for row in rows:
        key = dict(zip(table.keys, row[:n_keys], strict=True))
        live_values = row[n_keys:n_keys + n_values]
        exp_values = row[n_keys + n_values:n_keys + 2 * n_values]
        in_live, in_exp = row[-2], row[-1]
        out.append(Difference(
            table.name, {k: _plain(v) for k, v in key.items()},
            dict(zip(table.values, map(_plain, live_values), strict=True)) if in_live else None,
            dict(zip(table.values, map(_plain, exp_values), strict=True)) if in_exp else None))
    return out


def _plain(value: Any) -> Any:
    """Sums come back as Decimal on PostgreSQL: integers, as the summary columns are."""
    if value is None or isinstance(value, (int, str)):
        return value
    return int(value)


# -------------------------------------------------------------------------------------------- repair
def rewrite(table: Table) -> None:
    """Replace the live rows of every differing key by the recomputed row (none where the raw records give
    none)."""
    match = " AND ".join(f"d.{k} = {table.db_table}.{k}" for k in table.keys)
    execute(f"DELETE FROM {table.db_table} WHERE EXISTS (SELECT 1 FROM chk_diff_{table.name} d WHERE {match})")
    columns = ", ".join((*table.keys, *table.values))
    execute(f"INSERT INTO {table.db_table} ({columns}) "
             f"SELECT {', '.join((*table.keys, *(f'exp_{v}' for v in table.values)))} "
             f"FROM chk_diff_{table.name} WHERE in_exp = 1")


# ------------------------------------------------------------------------------------------- helpers
# Parameters are whatever the statement takes (ints, text, dates): Any, as the database driver accepts them.
def fetch(sql: str, params: Iterable[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def execute(sql: str, params: Iterable[Any] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def _insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY on PostgreSQL, executemany on SQLite (as common/bulk.copy_rows, for a temporary table)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                               list(rows))
