"""Trigram indexes for searching trainees and trainers by a fragment of a Persian name (PostgreSQL only).

Django's icontains becomes UPPER(column) LIKE UPPER('%fragment%'), so the indexes are on UPPER(column).
SQLite, the embedded default, has no trigram indexes and simply scans.
"""

from django.db import migrations

INDEXES = [
    ("people_trainee", "first_name"), ("people_trainee", "last_name"),
    ("people_trainer", "first_name"), ("people_trainer", "last_name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0003_trainee_referred_by")]
    operations = [migrations.RunPython(create, drop)]
