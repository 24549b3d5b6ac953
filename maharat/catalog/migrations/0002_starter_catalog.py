"""Load the starter catalog of occupational standards (data/standards.csv) into a new installation."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "standards.csv"


def load(apps, schema_editor):
    Standard = apps.get_model("catalog", "Standard")
    with DATA.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    Standard.objects.bulk_create(
        [
            Standard(
                code=r["code"], title=r["title"], title_en=r["title_en"], cluster=r["cluster"],
                isco_code=r["isco_code"], theory_hours=int(r["theory_hours"]),
                practice_hours=int(r["practice_hours"]), level=int(r["level"]),
            )
            for r in rows
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
