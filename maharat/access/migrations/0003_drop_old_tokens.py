"""The old DRF tokens (rest_framework.authtoken) kept their keys in plain text and skipped two-step sign-in;
access.tokens replaced them. Their table is dropped so that no old key survives in a database or a backup."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("access", "0002_apitoken")]

    operations = [migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop)]
