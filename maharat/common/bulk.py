"""Fast bulk loading for generated and imported data.

Django's bulk_create compiles every value through the ORM, which costs more than the database itself
when loading hundreds of thousands of rows. Here ids are allocated up front and rows go in with COPY on
PostgreSQL and executemany on SQLite. Callers pass plain tuples in the column order they name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

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


def reset_sequences(*models: type[Model]) -> None:
    """After inserting explicit ids, move PostgreSQL's id sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
