"""The public holidays of the Jalali years 1405 and 1406 (data/holidays.csv), so that every install counts
working days from its first day. HQ corrects and confirms them on the calendar page; this never overwrites a
day that is already there."""

import csv
import datetime as dt
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "holidays.csv"
TOKEN_KEY = "workdays:holidays:token"  # table.TOKEN_KEY: every process reads the table again


def rows() -> list[dict[str, str]]:
    import jdatetime

    with DATA.open(encoding="utf-8") as fh:
        found = list(csv.DictReader(fh))
    for row in found:
        year, month, day = (int(part) for part in row["jalali_date"].split("/"))
        if jdatetime.date(year, month, day).togregorian() != dt.date.fromisoformat(row["gregorian_date"]):
            raise ValueError(f"holidays.csv: {row['jalali_date']} is not {row['gregorian_date']}")
    return found


def load(apps, schema_editor):
    from django.core.cache import cache

    from maharat.common.persian import normalize

    Holiday = apps.get_model("workdays", "Holiday")
    for row in rows():
        Holiday.objects.get_or_create(date=dt.date.fromisoformat(row["gregorian_date"]), defaults={
            "title": normalize(row["title"]), "title_en": row["title_en"], "kind": row["kind"],
            "confirmed": row["confirmed"] == "yes"})
    cache.delete(TOKEN_KEY)


def unload(apps, schema_editor):
    from django.core.cache import cache

    Holiday = apps.get_model("workdays", "Holiday")
    Holiday.objects.filter(date__in=[dt.date.fromisoformat(row["gregorian_date"]) for row in rows()]).delete()
    cache.delete(TOKEN_KEY)


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
