"""The fixed top of the tree: national HQ and the 31 provincial directorates (data/provinces.csv)."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"


def load(apps, schema_editor):
    Unit = apps.get_model("org", "Unit")
    hq, _ = Unit.objects.get_or_create(
        code="IR",
        defaults={"name": "ستاد سازمان آموزش فنی و حرفه‌ای کشور", "name_en": "TVTO National Headquarters",
                  "kind": "hq", "path": "IR/", "depth": 0},
    )
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Unit.objects.get_or_create(
                code=row["iso_code"],
                defaults={
                    "name": row["name_fa"],
                    "name_en": row["name_en"], "kind": "province", "parent": hq,
                    "path": f"IR/{row['iso_code']}/", "depth": 1, "coast": row["coast"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
