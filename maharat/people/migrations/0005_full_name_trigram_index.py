"""One trigram index on the whole name instead of one per column (PostgreSQL only).

A search such as «زهرا احمدی» asks that each word appear in the first or the last name. Against two
indexes that is a bitmap per word and column, combined after the fact: at 8.5 million trainees the bitmaps
no longer fit in work_mem, turn lossy and the search rechecks a million rows (0.5 s, docs/performance.md).
A word without spaces lies in the first or the last name exactly when it lies in "first last", so one GIN
index on UPPER(first_name || ' ' || last_name) answers every word of the query in a single index scan.
people/selectors.py builds the same expression.
"""

from django.db import migrations

TABLES = ("people_trainee", "people_trainer")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_full_name_trgm ON {table} "
            "USING gin ((UPPER(first_name || ' ' || last_name)) gin_trgm_ops)"
        )
        for column in ("first_name", "last_name"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_full_name_trgm")
        for column in ("first_name", "last_name"):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
            )


class Migration(migrations.Migration):
    dependencies = [("people", "0004_name_trigram_index")]
    operations = [migrations.RunPython(create, drop)]
