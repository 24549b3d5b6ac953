"""Sections other apps put on a record's page (kit/sections.py): the trainee page's course list comes from
training, the course run page's certificates link from assessment, and an empty section is left out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maharat.common.persian import to_persian_digits
from maharat.factories import CourseRunFactory, EnrollmentFactory, TraineeFactory

pytestmark = pytest.mark.django_db


def test_the_trainee_page_lists_the_courses_from_training(client_in) -> None:  # type: ignore[no-untyped-def]
    trainee = TraineeFactory()
    run = CourseRunFactory()
    EnrollmentFactory(course_run=run, trainee=trainee, hours_attended=37)
    page = client_in.get(reverse("trainee_detail", args=[trainee.pk])).content.decode()
    assert to_persian_digits(run.standard.title) in page and "۳۷" in page  # the title in the page's digits


def test_a_run_without_certificates_offers_no_certificates_pdf(client_in) -> None:  # type: ignore[no-untyped-def]
    run = CourseRunFactory()
    page = client_in.get(reverse("courserun_detail", args=[run.pk])).content.decode()
    assert reverse("courserun_certificates_pdf", args=[run.pk]) not in page
