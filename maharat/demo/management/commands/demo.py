"""`maharat demo`: build the demo country (see maharat/demo/builder.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from maharat.demo.builder import DemoBuilder, demo_certificates, demo_logins
from maharat.demo.national import COUNTED, NationalBuilder
from maharat.training.models import CourseRun

SCALES = {"small": 0.01, "medium": 0.05, "national": 1.0}


class Command(BaseCommand):
    help = "ساخت کشور نمونه: استان‌ها، شهرستان‌ها، مراکز، آموزشگاه‌ها، مربیان، کارآموزان و دوره‌های ۱۴۰۰ تا ۱۴۰۴"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1401, help="seed of the random generator (same seed, same country)")
        parser.add_argument("--scale", default="small",
                            help="fraction of national volume (e.g. 0.02) or small=0.01, medium=0.05; "
                                 "Qazvin and East Azerbaijan keep their own published figures")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if training records already exist")
        parser.add_argument("--bulk", action="store_true",
                            help="the national-volume builder (seven years, COPY with indexes set aside; "
                                 "implied by --scale national)")

    def handle(self, *args: Any, seed: int, scale: str, if_empty: bool, bulk: bool, **options: Any) -> None:
        try:
            factor = SCALES[scale] if scale in SCALES else float(scale)
        except ValueError as exc:
            raise CommandError(f"--scale must be a number or one of {', '.join(SCALES)}") from exc
        if CourseRun.objects.exists():
            if if_empty:
                self.stdout.write("کشور نمونه از قبل بارگذاری شده است؛ داده‌ها دست نخوردند.")
                self.print_logins()
                return
            raise CommandError("the database already holds training records; use a fresh database for the demo")
        self.stdout.write(f"ساخت کشور نمونه (seed={seed}, scale={factor}) ...")
        if bulk or scale == "national":
            builder: DemoBuilder = NationalBuilder(seed=seed, scale=factor, log=self.stdout.write)
        else:
            builder = DemoBuilder(seed=seed, scale=factor)
        report = builder.build()
        for key, value in sorted(report.counts.items()):
            self.stdout.write(f"  {key}: {value:,}")
        for phase, seconds in report.phases.items():
            self.stdout.write(f"  {phase}: {seconds:.1f}s")
        rows = sum(report.counts[k] for k in COUNTED)
        from django.db import connection

        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: without them a scoped trainee search after a bulk load ran an
            # EXISTS per row and took 16-20 s instead of 0.1-0.25 s (docs/reliability.md).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"  training rows: {rows:,} in {report.seconds:.1f}s ({rows / report.seconds:,.0f} rows/s overall)")
        self.stdout.write(self.style.SUCCESS(f"کشور نمونه در {report.seconds:.1f} ثانیه ساخته شد."))
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write("ورود به سامانه در http://127.0.0.1:8000 — حساب‌های نمونه:")
        for username, password, role in demo_logins():
            self.stdout.write(f"  نام کاربری: {username:<18} گذرواژه: {password:<20} {role}")
        samples = demo_certificates()
        if samples:
            self.stdout.write("")
            self.stdout.write("استعلام عمومی گواهینامه (بدون ورود):")
            for serial, label in samples:
                self.stdout.write(f"  http://127.0.0.1:8000/verify/{serial}/   ({label})")
