"""The national-volume builder (demo/national.py) and the bulk loading it relies on (common/bulk.py)."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum

from maharat.assessment.models import Certificate
from maharat.assessment.signing import verify
from maharat.common import jalali
from maharat.common.bulk import bulk_load
from maharat.common.validators import validate_national_code
from maharat.demo.national import LOADED_TABLES, NationalBuilder
from maharat.factories import TODAY, today_is
from maharat.monitoring.models import NodeMonth
from maharat.org.models import Unit
from maharat.people.models import Trainee
from maharat.training.models import CourseRun, Enrollment

pytestmark = pytest.mark.django_db


def schema_of(tables: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Index definitions and foreign-key definitions of these tables (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [list(tables)])
        indexes = {r[0] for r in cursor.fetchall()}
        cursor.execute("SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [list(tables)])
        keys = {f"{t}: {d}" for t, d in cursor.fetchall()}
    return indexes, keys


@pytest.fixture(scope="module")
def built(built_once):  # type: ignore[no-untyped-def]
    """One province at national shape, built once for this module on a fixed day (rolled back at its end)."""

    def build():  # type: ignore[no-untyped-def]
        before = schema_of(LOADED_TABLES) if connection.vendor == "postgresql" else None
        report = NationalBuilder(seed=3, scale=0.01, provinces=["IR-20"], today=TODAY, log=lambda _: None).build()
        return report, before

    with today_is(TODAY), built_once(build) as result:
        yield result


def test_seven_years_of_training_with_figures_that_match_the_raw_records(built) -> None:  # type: ignore[no-untyped-def]
    report, _ = built
    years = {jalali.from_gregorian(d).year for d in CourseRun.objects.values_list("end_date", flat=True).distinct()}
    assert min(years) == 1399 and len(years) >= 7
    assert report.counts["enrollments"] == Enrollment.objects.count() > 1000
    assert report.counts["trainees"] == Trainee.objects.count()
    province = Unit.objects.get(code="IR-20")
    for year in (1399, 1403):
        first, last = jalali.year_bounds(year)
        raw = Enrollment.objects.filter(course_run__end_date__range=(first, last)).aggregate(s=Sum("hours_attended"))["s"]
        summary = NodeMonth.objects.filter(node=province, year=year).aggregate(s=Sum("person_hours"))["s"]
        assert raw and summary == raw
    for phase in ("load", "summaries", "commitments"):
        assert report.phases[phase] >= 0


def test_light_trainees_are_stored_whole(built) -> None:  # type: ignore[no-untyped-def]
    for t in Trainee.objects.order_by("?")[:200]:
        validate_national_code(t.national_code)
        assert t.first_name and t.last_name and t.registered_unit_id
    referred = Trainee.objects.exclude(referred_by=None).select_related("referred_by")
    assert referred.exists() and all(t.referred_by.kind == "partner" for t in referred[:50])


def test_certificates_name_their_holder_and_verify(built) -> None:  # type: ignore[no-untyped-def]
    certs = list(Certificate.objects.select_related("trainee")[:50])
    assert certs
    for cert in certs:
        payload = json.loads(cert.payload)
        assert payload["holder"]["name"] == cert.trainee.full_name
        assert verify(payload, cert.signature)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk_load sets indexes aside on PostgreSQL only")
def test_indexes_and_foreign_keys_come_back_after_the_load(built) -> None:  # type: ignore[no-untyped-def]
    _, before = built
    assert schema_of(LOADED_TABLES) == before
    run = CourseRun.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():  # the foreign key checks again
        Enrollment.objects.create(course_run=run, trainee_id=10**9, hours_attended=1)
        connection.check_constraints()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="bulk_load sets indexes aside on PostgreSQL only")
def test_a_failed_load_still_puts_indexes_and_keys_back() -> None:
    before = schema_of(("training_enrollment",))
    with pytest.raises(RuntimeError), bulk_load(("training_enrollment",)):
        assert schema_of(("training_enrollment",)) != before  # set aside while loading
        raise RuntimeError("the load failed")
    assert schema_of(("training_enrollment",)) == before
