"""Person-hours: the one definition, checked against an independent sum over raw rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from maharat.factories import CourseRunFactory, EnrollmentFactory, TraineeFactory, make_unit
from maharat.training.figures import person_hours
from maharat.training.models import Enrollment, EnrollmentStatus


def raw_person_hours() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT hours_attended FROM training_enrollment")
        return sum(row[0] for row in cursor.fetchall())


class PersonHoursProperty(TestCase):
    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.integers(0, 120), st.sampled_from(list(EnrollmentStatus))), min_size=0, max_size=12))
    def test_database_and_memory_agree_with_raw_rows(self, rows):  # type: ignore[no-untyped-def]
        run = CourseRunFactory(hours=120, capacity=50)
        for hours, status in rows:
            Enrollment.objects.create(course_run=run, trainee=TraineeFactory(), hours_attended=hours, status=status)
        expected = sum(h for h, _ in rows)
        assert person_hours(Enrollment.objects.all()) == expected == raw_person_hours()
        assert person_hours(list(Enrollment.objects.all())) == expected


@pytest.mark.django_db
def test_dropped_trainees_count_the_hours_they_attended() -> None:
    run = CourseRunFactory(hours=100)
    EnrollmentFactory(course_run=run, hours_attended=100, status=EnrollmentStatus.COMPLETED)
    EnrollmentFactory(course_run=run, hours_attended=30, status=EnrollmentStatus.DROPPED)
    assert person_hours(run.enrollments.all()) == 130


@pytest.mark.django_db
def test_hours_attended_cannot_exceed_the_course() -> None:
    run = CourseRunFactory(hours=100)
    e = Enrollment(course_run=run, trainee=TraineeFactory(), hours_attended=101, status=EnrollmentStatus.ENROLLED)
    with pytest.raises(ValidationError) as exc:
        e.full_clean()
    assert "ساعت دوره" in exc.value.message_dict["hours_attended"][0]


@pytest.mark.django_db
def test_capacity_and_age_are_checked() -> None:
    run = CourseRunFactory(capacity=1, start_date=dt.date(2022, 5, 1), end_date=dt.date(2022, 6, 1))
    EnrollmentFactory(course_run=run)
    extra = Enrollment(course_run=run, trainee=TraineeFactory(), hours_attended=0)
    with pytest.raises(ValidationError) as exc:
        extra.full_clean()
    assert "ظرفیت" in exc.value.message_dict["course_run"][0]
    run2 = CourseRunFactory(start_date=dt.date(2022, 5, 1), end_date=dt.date(2022, 6, 1))
    child = TraineeFactory(birth_date=dt.date(2010, 1, 1))
    with pytest.raises(ValidationError) as exc:
        Enrollment(course_run=run2, trainee=child, hours_attended=0).full_clean()
    assert "۱۵" in exc.value.message_dict["trainee"][0]


@pytest.mark.django_db
def test_workshop_must_belong_to_the_unit() -> None:
    from maharat.factories import WorkshopFactory

    run = CourseRunFactory.build(unit=make_unit(), workshop=WorkshopFactory(), standard=CourseRunFactory().standard)
    with pytest.raises(ValidationError) as exc:
        run.full_clean()
    assert "workshop" in exc.value.message_dict
