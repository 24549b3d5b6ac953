"""Finish a national benchmark dataset whose build stopped after the raw records were loaded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maharat_bench .venv/bin/python bench/finish_dataset.py [--rebuild]

`maharat demo --scale national` (demo/national.py) loads the training rows province by province, then runs
`DemoBuilder.finish` in one transaction: sequences, a few revoked certificates, the summary tables, the
commitments, the monthly period reports and the demo accounts, then ANALYZE. A crash in that transaction
rolls all of it back and leaves the ten million enrollments in place. This runs the same steps on them,
without reloading anything, with the builder set to the day the rows were built (the date of their
`enrolled_at`), and skips each step whose rows are already there. Never drops anything.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maharat.config.settings.base")
os.environ.setdefault("MAHARAT_DEV_SIGNING_KEY", "true")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def one(sql: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def main() -> None:
    from maharat.assessment.models import Candidate, Certificate, TestSession
    from maharat.common.bulk import reset_sequences
    from maharat.demo.national import NationalBuilder
    from maharat.monitoring.summaries import rebuild
    from maharat.people.models import Trainee
    from maharat.plans.models import Commitment
    from maharat.training.models import CourseRun, Enrollment

    if connection.vendor != "postgresql":
        sys.exit("this finishes the PostgreSQL benchmark dataset: set DATABASE_URL")
    built_on = one("SELECT MAX(enrolled_at AT TIME ZONE 'Asia/Tehran')::date FROM training_enrollment")
    if built_on is None:
        sys.exit("no enrollments: build the dataset with `maharat demo --scale national` instead")
    enrollments = one("SELECT COUNT(*) FROM training_enrollment")
    print(f"{enrollments:,} enrollments, built on {built_on}", flush=True)
    builder = NationalBuilder(today=built_on, log=print)
    phases: dict[str, float] = {}

    def step(name: str, fn, needed: bool) -> None:  # type: ignore[no-untyped-def]
        if not needed:
            print(f"  {name}: already there, skipped", flush=True)
            return
        began = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:  # the rebuild sorts and groups ten million rows
                cursor.execute("SET LOCAL work_mem = '512MB'")
            fn()
        phases[name] = time.monotonic() - began
        print(f"  {name}: {phases[name]:.1f}s", flush=True)

    from maharat.approval.models import PeriodReport
    from maharat.assessment.models import CertificateStatus
    from maharat.monitoring.models import NodeMonth

    # What is missing, decided before any step runs: revoking certificates refreshes their slices, which
    # writes a few summary rows, so "any summary row" says nothing once it has run. --rebuild redoes the
    # summaries and the commitments spread from them (they are spread by last year's figures).
    redo = "--rebuild" in sys.argv
    needed = {
        "revoked": not Certificate.objects.exclude(status=CertificateStatus.VALID).exists(),
        "summaries": redo or not NodeMonth.objects.exists(),
        "commitments": redo or not Commitment.objects.exists(),
        "periods": not PeriodReport.objects.exists(),
        "accounts": not get_user_model().objects.filter(username="hq_planner").exists(),
    }

    def commitments() -> None:
        Commitment.objects.all().delete()  # the demo's own rows, rebuilt from the summaries
        builder.build_commitments()

    step("sequences", lambda: reset_sequences(Trainee, Trainee.target_groups.through, CourseRun, Enrollment,
                                              TestSession, Candidate, Certificate), True)
    step("revoked certificates", builder.revoke_a_few, needed["revoked"])
    step("summaries", rebuild, needed["summaries"])
    step("commitments", commitments, needed["commitments"])
    step("period_reports", builder.build_periods, needed["periods"])
    step("accounts", builder.create_users, needed["accounts"])
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  ANALYZE: {time.monotonic() - began:.1f}s")
    for name, count in builder.report.counts.items():
        print(f"  {name}: {count:,}")
    print("done; check it with: maharat check-summaries")


if __name__ == "__main__":
    main()
