"""The demo country at national volume: `maharat demo --scale national`.

The same country as builder.py (same provinces, unit kinds, targets and distributions), built for about
ten million enrollments over seven years (1399 to today): about 650 public centers, 5,400 workplace-adjacent
centers and 24,000 free institutes. Trainees are light records (base.LightTrainee), as in every build, and
two things change so that it loads in minutes, not hours:

- each province is its own transaction, so that one commit never holds millions of rows;
- on PostgreSQL the big tables are bulk-loaded the way pg_restore does it (common/bulk.py: bulk_load):
  secondary indexes and foreign keys are set aside, rows go in with COPY, then the indexes are rebuilt and
  the foreign keys put back, which checks every row set-wise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction

from maharat.common.bulk import bulk_load

from .base import LightTrainee
from .builder import DemoBuilder, DemoReport

__all__ = ["COUNTED", "LOADED_TABLES", "LightTrainee", "NationalBuilder"]

# The tables the training rows go into (bulk_load sets their indexes and foreign keys aside while loading).
LOADED_TABLES = (
    "people_trainee", "people_trainee_target_groups", "training_courserun", "training_enrollment",
    "assessment_testsession", "assessment_candidate", "assessment_certificate",
)
COUNTED = ("trainees", "course_runs", "enrollments", "candidates", "certificates")


class NationalBuilder(DemoBuilder):
    first_year = 1399  # seven years: 1399 to the current year

    def __init__(self, *, log: Callable[[str], None] = print, **kwargs: Any) -> None:
        kwargs.setdefault("scale", 1.0)
        super().__init__(**kwargs)
        self.log = log

    def build(self) -> DemoReport:
        started = time.monotonic()
        provinces = self.provinces()
        with bulk_load(LOADED_TABLES) as load:
            for i, (province, share) in enumerate(provinces, start=1):
                began, before = time.monotonic(), sum(self.report.counts[k] for k in COUNTED)
                with transaction.atomic():
                    self.build_province(province, share)
                rows = sum(self.report.counts[k] for k in COUNTED) - before
                seconds = time.monotonic() - began
                self.log(f"  [{i}/{len(provinces)}] {province.name}: {rows:,} rows in {seconds:.1f}s "
                         f"({rows / seconds:,.0f} rows/s); {self.report.counts['enrollments']:,} enrollments so far")
            self.report.phases["load"] = time.monotonic() - started
            self.log("  rebuilding indexes and checking foreign keys ...")
        self.report.phases.update(load.phases)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # the rebuild sorts and groups ten million rows
                    cursor.execute("SET LOCAL work_mem = '512MB'")
            self.finish()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.report.seconds = time.monotonic() - started
        return self.report
