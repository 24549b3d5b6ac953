"""Workshops, course runs and enrollments for tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from maharat.catalog.factories import StandardFactory
from maharat.catalog.models import Cluster
from maharat.org.factories import make_unit
from maharat.people.factories import TraineeFactory
from maharat.training.models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop

    unit = factory.LazyFunction(lambda: make_unit())
    code = factory.Sequence(lambda n: f"K-{n:04d}")
    name = "کارگاه جوشکاری"
    cluster = Cluster.INDUSTRY


class CourseRunFactory(DjangoModelFactory):
    class Meta:
        model = CourseRun

    code = factory.Sequence(lambda n: f"RUN-{n:05d}")
    unit = factory.LazyFunction(lambda: make_unit())
    standard = factory.SubFactory(StandardFactory)
    mode = DeliveryMode.FIXED_CENTER
    # A run that ends today: its period is still open for entry (the clock of maharat.factories.today_is).
    start_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=60))
    end_date = factory.LazyFunction(lambda: timezone.localdate())
    hours = 120
    capacity = 20


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    course_run = factory.SubFactory(CourseRunFactory)
    trainee = factory.SubFactory(TraineeFactory)
    hours_attended = 120
    status = EnrollmentStatus.COMPLETED
