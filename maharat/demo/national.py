"""The demo country at national volume: `maharat demo --scale national`.

The same country as builder.py (same provinces, unit kinds, targets and distributions), built for about
ten million enrollments over seven years (1399 to today): about 650 public centers, 5,400 workplace-adjacent
centers and 24,000 free institutes. Three things change so that it loads in minutes, not hours:

- trainees are light records (LightTrainee), not Django model instances: there are millions of them;
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
from maharat.org.models import Unit

from .builder import DemoBuilder, DemoReport

# The tables the training rows go into (bulk_load sets their indexes and foreign keys aside while loading).
LOADED_TABLES = (
    "people_trainee", "people_trainee_target_groups", "training_courserun", "training_enrollment",
    "assessment_testsession", "assessment_candidate", "assessment_certificate",
)
COUNTED = ("trainees", "course_runs", "enrollments", "candidates", "certificates")


class LightTrainee:
    """What the builder needs of a trainee, without a Django model instance per person."""

    __slots__ = (
        "pk", "national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
        "nationality", "has_disability", "income_decile", "decile_assessed_on", "mobile", "registered_unit_id",
        "referred_by_id", "_demo_groups",
    )

    def __init__(self, *, registered_unit: Unit, **values: Any) -> None:
        self.pk: int | None = None
        self.registered_unit_id = registered_unit.pk
        self.referred_by_id: int | None = None
        for key, value in values.items():
            setattr(self, key, value)

    @property
    def id(self) -> int | None:
        return self.pk

    @id.setter
    def id(self, value: int) -> None:
        self.pk = value

    @property
    def referred_by(self) -> None:
        raise AttributeError("write-only on a light trainee")

    @referred_by.setter
    def referred_by(self, unit: Unit | None) -> None:
        self.referred_by_id = unit.pk if unit is not None else None

    @property
    def full_name(self) -> str:  # as people.Trainee.full_name
        return f"{self.first_name} {self.last_name}"


class NationalBuilder(DemoBuilder):
    trainee_class = LightTrainee
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
