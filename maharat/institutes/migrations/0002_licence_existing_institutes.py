"""Licences for the institutes recorded before licensing existed, covering the dates of their past course runs
(institutes/backfill.py), so that the course-run rule finds every past run licensed."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    from maharat.institutes import backfill

    backfill.run(apps.get_model, timezone.localdate())


class Migration(migrations.Migration):
    dependencies = [
        ("institutes", "0001_initial"),
        ("training", "0002_register_order"),
        ("org", "0004_unit_parent_kind"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
