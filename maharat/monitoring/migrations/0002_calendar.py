from django.db import migrations


def fill(apps, schema_editor):
    from maharat.monitoring.calendar import fill as fill_calendar

    fill_calendar(apps)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
