"""Benchmark (not a test): import 100,000 enrollment rows from CSV and from xlsx; print rows per second.

Runs in a throw-away database: SQLite under /tmp by default, or PostgreSQL when BENCH_DATABASE_URL is set
(e.g. postgres://postgres@127.0.0.1:5432/maharat_bench, created if missing).
    .venv/bin/python bench/import_enrollments.py [ROWS] [--json]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
ROWS = int(ARGS[0]) if ARGS else 100_000
AS_JSON = "--json" in sys.argv  # one JSON line, for bench/run.py
url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
os.environ["DATABASE_URL"] = url
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maharat.config.settings.base")
os.environ["DEBUG"] = "false"
os.environ.setdefault("MAHARAT_DEV_SIGNING_KEY", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def main() -> None:
    if connection.vendor == "postgresql":  # a dedicated bench database: start from nothing, then migrate
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    from maharat.catalog.models import Standard
    from maharat.common.bulk import allocate_ids, copy_rows
    from maharat.common.validators import national_code_check_digit
    from maharat.exchange.services import start_import  # noqa: F401  (same engine as the pages)
    from maharat.org.models import Unit, UnitKind
    from maharat.org.services import unit_create
    from maharat.people.models import Trainee
    from maharat.training.importers import EnrollmentImporter
    from maharat.training.models import CourseRun

    province = Unit.objects.get(code="IR-26")
    county = unit_create(kind=UnitKind.COUNTY, name="قزوین", parent=province)
    center = unit_create(kind=UnitKind.FIXED_CENTER, name="مرکز ۱", parent=county)
    standard = Standard.objects.order_by("code").first()
    today = dt.date.today()
    runs = ROWS // 20
    run_ids = allocate_ids(CourseRun, runs)
    copy_rows(CourseRun, ("id", "code", "unit_id", "standard_id", "mode", "start_date", "end_date", "hours", "capacity"),
              ((pk, f"B-{pk:07d}", center.pk, standard.pk, "fixed_center", today - dt.timedelta(days=30), today, 200, 20)
               for pk in run_ids))
    codes = []
    for i in range(ROWS):
        first = f"{(i * 7919 + 12345) % 10**9:09d}"
        codes.append(first + str(national_code_check_digit(first)))
    copy_rows(Trainee, ("national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
                        "nationality", "has_disability", "mobile", "registered_unit_id", "created_at"),
              ((c, "زهرا", "احمدی", "", "F", dt.date(1995, 1, 1), "urban", "iranian", False, "", center.pk,
                dt.datetime.now(dt.UTC)) for c in codes))
    header = ["کد دوره", "کد ملی کارآموز", "ساعت حضور", "وضعیت"]
    rows = [[f"B-{run_ids[i // 20]:07d}", codes[i], "180", "پایان دوره"] for i in range(ROWS)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    csv_bytes = buffer.getvalue().encode("utf-8")
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(header)
    for r in rows:
        ws.append([r[0], r[1], 180, r[3]])
    out = io.BytesIO()
    wb.save(out)
    xlsx_bytes = out.getvalue()

    # A provincial expert of Qazvin: every row goes through the permission layer and the period locks.
    from django.contrib.auth import get_user_model

    from maharat.access.models import Account

    user = get_user_model().objects.create_user("bench_importer", password="x")
    Account.objects.create(user=user, role="provincial_expert", unit=province)
    results = []
    for label, data, name in (("csv", csv_bytes, "e.csv"), ("xlsx", xlsx_bytes, "e.xlsx")):
        from maharat.training.models import Enrollment

        qs = Enrollment.objects.all()
        qs._raw_delete(qs.db)  # between runs only: no per-row signals
        started = time.perf_counter()
        outcome = EnrollmentImporter().run(data=data, file_name=name, user=user, dry_run=False)
        seconds = time.perf_counter() - started
        assert not outcome.problems, outcome.problems[:3]
        assert Enrollment.objects.count() == ROWS
        results.append((label, ROWS, seconds, ROWS / seconds))
    if AS_JSON:
        import json

        print(json.dumps([{"source": label, "rows": n, "seconds": sec, "rate": rate} for label, n, sec, rate in results]))
        return
    print(f"database: {connection.vendor}; rows: {ROWS:,}")
    print("| source | rows | seconds | rows/s |")
    print("|---|---:|---:|---:|")
    for label, n, seconds, rate in results:
        print(f"| {label} | {n:,} | {seconds:.1f} | {rate:,.0f} |")


if __name__ == "__main__":
    main()
