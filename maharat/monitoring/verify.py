"""Checking the summary tables against the raw records (`maharat check-summaries`), and repairing them.

The recomputation is the rebuild's own SQL (summaries.py: MEASURES_SQL, RANKED_SQL, FACT_DIMS_SQL, the
assessment queries), run set-wise into temporary tables instead of the live ones. Each temporary table is
then compared with its live table in one statement (a FULL OUTER JOIN on PostgreSQL; two LEFT JOINs on
SQLite) whose differing keys go into a second temporary table. Only those differences ever reach Python,
and at most `limit` of them: a national check reads no table into memory.

Rows whose measures are all zero count as absent on both sides: the incremental refresh deletes them
(summaries._add) while a rebuild keeps one for a month whose only candidates were absent or pending.

A repair rewrites exactly the differing rows from the recomputation, in the same transaction as the
comparison. It does not go through summaries.refresh(): that refresh recomputes a unit's own month and adds
the *difference* from the stored UnitMonth row to every ancestor's NodeMonth, which presumes the two are
consistent. After a corruption they are not: a damaged UnitMonth row would carry its error into every
ancestor, and a damaged NodeMonth row would never be corrected.

On PostgreSQL the check runs in one REPEATABLE READ snapshot (when it opens the transaction itself), so
writes committed meanwhile cannot show up as differences; a repair also takes SHARE ROW EXCLUSIVE locks on
the five summary tables first, so no write can update them between the comparison and the rewrite.

Here: the check itself and its audit entry. verify_tables.py holds the tables compared and the report,
verify_sql.py the recomputation, comparison and repair in SQL.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction

from maharat.org.models import Unit

from .verify_sql import (
    Scope,
    compare,
    create_temporary,
    differences,
    drop_temporary,
    execute,
    fetch,
    recompute,
    rewrite,
)
from .verify_tables import BY_NAME, TABLES, Difference, Report, Table

__all__ = ["BY_NAME", "TABLES", "Difference", "Report", "Table", "check"]


# ------------------------------------------------------------------------------------------- the check
def check(*, year: int | None = None, unit: Unit | None = None, repair: bool = False, limit: int = 100,
          user: Any = None) -> Report:
    """Compare every summary table with a recomputation from the raw records (within `year` and the
    subtree of `unit` when given); with `repair`, rewrite the differing rows and log one audit entry.
    The report lists up to `limit` differences per table and counts all of them."""
    started = time.monotonic()
    report = Report(year=year, unit=unit)
    outermost = not connection.in_atomic_block
    with transaction.atomic():  # on failure the rollback takes the temporary tables with it
        if connection.vendor == "postgresql":
            if outermost:  # one snapshot for every statement below, and room to group in memory
                execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                execute("SET LOCAL work_mem = '128MB'")
            if repair:
                execute("LOCK TABLE " + ", ".join(t.db_table for t in TABLES) + " IN SHARE ROW EXCLUSIVE MODE")
        scope = Scope(year, unit)
        drop_temporary()
        create_temporary()
        scope.prepare()
        recompute(scope)
        for table in TABLES:
            report.checked[table.name] = fetch(f"SELECT COUNT(*) FROM chk_exp_{table.name}")[0][0]
            report.counts[table.name] = compare(table, scope)
            if report.counts[table.name]:
                report.differences += differences(table, limit)
        report.stale = scope.stale()
        if repair and report.total:
            for table in TABLES:
                if report.counts[table.name]:
                    rewrite(table)
            report.repaired = report.total
            _audit(report, user)
        drop_temporary()
    report.seconds = time.monotonic() - started
    return report


def _audit(report: Report, user: Any) -> None:
    from maharat.audit.models import AuditAction
    from maharat.audit.services import log

    per_table = ", ".join(f"{k} {v}" for k, v in report.counts.items() if v)
    where = []
    if report.year:
        where.append(f"year {report.year}")
    if report.unit is not None:
        where.append(f"unit {report.unit.code}")
    note = f"check-summaries repaired {report.total} slices ({per_table})" + (f"; {', '.join(where)}" if where else "")
    log(action=AuditAction.UPDATE, unit=report.unit, user=user, note=note, object_repr="summary tables")
