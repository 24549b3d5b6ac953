"""`make bench`: the benchmark suite. Prints one table: p50 / p95 (or throughput) and the ratio to a baseline
measured in the same run. Not a test: nothing here asserts a time.

Dataset: a PostgreSQL database (BENCH_DATABASE_URL, default maharat_bench on 127.0.0.1) holding the demo
country at BENCH_SCALE (default 0.05 of national volume; Qazvin and East Azerbaijan at their published size),
built on first use.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL",
                                                     "postgres://postgres@127.0.0.1:5432/maharat_bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maharat.config.settings.base")
os.environ["DEBUG"] = "false"
os.environ.setdefault("MAHARAT_DEV_SIGNING_KEY", "true")  # the demo signs certificates with a throw-away key
SCALE = os.environ.get("BENCH_SCALE", "0.05")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def timed(fn, repeat: int = 30) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def baseline_group_by(year: int, province_id: int | None = None) -> None:
    """The same figures the hard way: a GROUP BY over the raw enrollment table."""
    from maharat.common import jalali

    first, last = jalali.year_bounds(year)
    where = "AND u.province_id = %s" if province_id else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(u.province_id, u.id), SUM(e.hours_attended), COUNT(*) FROM training_enrollment e "
            "JOIN training_courserun r ON r.id = e.course_run_id JOIN org_unit u ON u.id = r.unit_id "
            f"WHERE r.end_date BETWEEN %s AND %s {where} GROUP BY COALESCE(u.province_id, u.id)",
            [first, last, *([province_id] if province_id else [])],
        )
        cursor.fetchall()


def main() -> None:
    call_command("migrate", verbosity=0)
    from maharat.org.models import Unit as _Unit
    from maharat.training.models import CourseRun, Enrollment

    if CourseRun.objects.exists() and _Unit.objects.count() < 500:  # not the demo country: start again
        from importlib import import_module

        from django.apps import apps

        call_command("flush", "--noinput", verbosity=0)
    if not _Unit.objects.filter(kind="province").exists():  # a flushed database: put the reference data back
        from importlib import import_module

        from django.apps import apps

        for name in ("maharat.org.migrations.0002_hq_and_provinces", "maharat.people.migrations.0002_target_groups",
                     "maharat.catalog.migrations.0002_starter_catalog", "maharat.monitoring.migrations.0002_calendar"):
            import_module(name).load(apps, None) if hasattr(import_module(name), "load") else import_module(name).fill(apps, None)
    if not CourseRun.objects.exists():
        print(f"building the benchmark country (scale {SCALE}) ...", flush=True)
        started = time.perf_counter()
        call_command("demo", "--scale", SCALE, verbosity=0, stdout=open(os.devnull, "w"))
        print(f"  built in {time.perf_counter() - started:.0f}s", flush=True)
    from maharat.common import jalali
    from maharat.monitoring.selectors import monitored_children, monthly_series, scorecard
    from maharat.org.models import Unit
    from maharat.people.models import Trainee
    from maharat.people.selectors import person_search

    enrollments = Enrollment.objects.count()
    year = jalali.today().year - 1
    hq, qazvin = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-26")
    center = monitored_children(Unit.objects.get(code="IR-26-01")).filter(kind="fixed_center").first()
    code = Trainee.objects.order_by("pk").values_list("national_code", flat=True)[Trainee.objects.count() // 2]
    rows = []

    def add(name: str, fn, base=None, unit: str = "ms") -> None:  # type: ignore[no-untyped-def]
        p50, p95 = timed(fn)
        ratio = ""
        if base is not None:
            b50, _ = timed(base, repeat=10)
            ratio = f"{b50 / p50:,.0f}× (baseline p50 {b50:,.1f} ms)"
        rows.append((name, f"{p50:,.2f}", f"{p95:,.2f}", ratio))

    add("national scorecard (31 provinces)", lambda: scorecard(hq, year), lambda: baseline_group_by(year))
    add("province drill-down (Qazvin)", lambda: scorecard(qazvin, year), lambda: baseline_group_by(year, qazvin.pk))
    add("unit page trend (a Qazvin center)", lambda: monthly_series(center, year))
    add("trainee by national code", lambda: list(person_search(Trainee.objects.all(), code)[:20]))
    add("trainee by Persian name fragment", lambda: list(person_search(Trainee.objects.all(), "زهرا احمد")[:20]))

    print(f"\ndatabase: {connection.vendor}; enrollments: {enrollments:,}; year {year}")
    print("| measure | p50 ms | p95 ms | vs baseline |")
    print("|---|---:|---:|---|")
    for r in rows:
        print(f"| {' | '.join(r)} |")


if __name__ == "__main__":
    sys.exit(main())
