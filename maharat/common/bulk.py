"""Fast bulk loading for generated and imported data.

Django's bulk_create compiles every value through the ORM, which costs more than the database itself
when loading hundreds of thousands of rows. Here ids are allocated up front and rows go in with COPY on
PostgreSQL and executemany on SQLite. Callers pass plain tuples in the column order they name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, Model


def allocate_ids(model: type[Model], count: int) -> range:
    start = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    return range(start, start + count)


def _sqlite_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")  # Django keeps UTC without offset in SQLite
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def copy_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert rows into model's table; `columns` are database column names. Returns the row count."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            batch: list[tuple[object, ...]] = []
            for row in rows:
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) == 5000:
                    cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", batch)
                count += len(batch)
    return count


def copy_objects(model: type[Model], objects: Iterable[Model]) -> int:
    """copy_rows for unsaved model instances whose ids the database assigns: every concrete field but the
    primary key, prepared the way save() prepares it (defaults, auto_now_add)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return copy_rows(model, [f.column for f in fields], (
        [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields] for obj in objects
    ))


def in_list(column: str, values: Sequence[object]) -> tuple[str, list[object]]:
    """A WHERE condition `column` IN values: one array parameter on PostgreSQL (a list of 100,000 values
    costs nothing to send or plan), placeholders on SQLite (callers pass chunks of at most CHUNK)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


CHUNK = 900  # SQLite's historical limit on parameters is 999


def chunks(values: Sequence[object]) -> Iterator[Sequence[object]]:
    """The values in one piece on PostgreSQL (see in_list), in pieces of CHUNK on SQLite."""
    size = len(values) if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(values), max(size, 1)):
        yield values[start:start + size]


def rows_by_key(model: type[Model], key: str, keys: Iterable[object], columns: Sequence[str]) -> dict[object, tuple]:
    """{key: (columns...)} for the rows whose `key` column is among `keys`, as plain tuples: for imports,
    which look up tens of thousands of records by a natural key and need only a few of their columns."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in (key, *columns))
    out: dict[object, tuple] = {}
    with connection.cursor() as cursor:
        for part in chunks(sorted(set(keys))):  # type: ignore[type-var]
            condition, params = in_list(connection.ops.quote_name(key), part)
            cursor.execute(f"SELECT {cols} FROM {table} WHERE {condition}", params)
            out.update((row[0], tuple(row[1:])) for row in cursor.fetchall())
    return out


def reset_sequences(*models: type[Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@dataclass
class BulkLoad:
    phases: dict[str, float] = field(default_factory=dict)  # seconds spent restoring indexes and keys


@contextlib.contextmanager
def bulk_load(tables: Sequence[str]) -> Iterator[BulkLoad]:
    """Load many rows into `tables` the way pg_restore does: set their secondary indexes and foreign keys
    aside, let the caller COPY, then rebuild the indexes in one pass each and put the foreign keys back,
    which checks every row set-wise (an anti-join) instead of with one trigger call per row.

    Primary keys and unique constraints stay: they guard the load itself. On SQLite this does nothing.
    If the load fails, the indexes and keys are still put back (on what was committed)."""
    state = BulkLoad()
    if connection.vendor != "postgresql":
        yield state
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(%s) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)", [list(tables)])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY(%s) AND c.contype = 'f'", [list(tables)])
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield state
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            started = time.monotonic()
            for _name, definition in indexes:
                cursor.execute(definition)
            state.phases["indexes"] = time.monotonic() - started
            started = time.monotonic()
            for table, name, definition in keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            state.phases["foreign_keys"] = time.monotonic() - started
            cursor.execute("RESET maintenance_work_mem")
