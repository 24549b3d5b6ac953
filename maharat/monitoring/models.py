"""Summary tables: every training figure, aggregated per unit and Jalali month, kept in step on write.

- CalendarDay maps each Gregorian day to its Jalali year and month, so the database can group by them.
- UnitMonth holds a unit's own figures (what its own course runs produced) per month and sector.
- NodeMonth holds the same figures rolled up: a node's row is the sum over its whole subtree, so a
  national scorecard reads 31 × 12 rows instead of millions of enrollments.
- Fact and GroupFact keep the breakdowns (sex, mode, cluster, residence, decile band; target group).
- TraineeYear records where each trainee is counted in a year (see plans/indicators.py: trainees).
Raw records stay the truth: `maharat rebuild-summaries` recomputes all of it, and the tests prove that the
incremental maintenance (monitoring/summaries.py) equals that rebuild.
"""

from __future__ import annotations

from django.db import models

from maharat.plans.indicators import MEASURES


class CalendarDay(models.Model):
    day = models.DateField(primary_key=True)
    jyear = models.PositiveSmallIntegerField()
    jmonth = models.PositiveSmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["jyear", "jmonth"], name="calendar_jmonth")]


def _measure_fields() -> dict[str, models.Field]:
    return {name: models.BigIntegerField(default=0) for name in MEASURES}


class _Measures(models.Model):
    class Meta:
        abstract = True


for _name, _field in _measure_fields().items():
    _Measures.add_to_class(_name, _field)


class UnitMonth(_Measures):
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    sector = models.CharField(max_length=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "month", "sector"], name="unitmonth_key")]


class NodeMonth(_Measures):
    node = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    sector = models.CharField(max_length=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["node", "year", "month", "sector"], name="nodemonth_key")]
        indexes = [models.Index(fields=["year", "node"], name="nodemonth_year_node")]


class Fact(models.Model):
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    sector = models.CharField(max_length=8)
    sex = models.CharField(max_length=1)
    mode = models.CharField(max_length=20)
    cluster = models.CharField(max_length=20)
    residence = models.CharField(max_length=10)
    decile_band = models.CharField(max_length=8)
    enrollments = models.BigIntegerField(default=0)
    completed = models.BigIntegerField(default=0)
    person_hours = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["unit", "year", "month"], name="fact_slice")]


class GroupFact(models.Model):
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    group = models.ForeignKey("people.TargetGroup", on_delete=models.CASCADE, related_name="+")
    enrollments = models.BigIntegerField(default=0)
    person_hours = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["unit", "year", "month"], name="groupfact_slice")]


class TraineeYear(models.Model):
    # Derived from enrollments, whose own foreign keys already guard these ids: no database-level foreign
    # keys here (Django still cascades deletes). An import of 100,000 rows writes as many TraineeYear rows,
    # and checking their keys at commit cost a tenth of the import (docs/performance.md). Nor single-column
    # indexes: the unique (trainee, year) and the (unit, year, month) index below begin with those columns.
    trainee = models.ForeignKey("people.Trainee", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                db_index=False)
    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False,
                             db_index=False)
    month = models.PositiveSmallIntegerField()
    sector = models.CharField(max_length=8)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["trainee", "year"], name="traineeyear_key")]
        indexes = [models.Index(fields=["unit", "year", "month"], name="traineeyear_slice")]


class StaleSlice(models.Model):
    """A slice whose figures a catalogue edit has changed (a standard moved to another cluster over years of
    course runs) and that the background worker has not yet recomputed: too many to redo inside the request.
    While any row is here, pages that show figures say they are being updated (never a silently wrong figure)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    marked_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year", "month"], name="staleslice_key")]
