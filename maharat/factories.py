"""factory_boy factories for tests: valid records with as little set-up as possible."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from maharat.catalog.models import Cluster, Standard
from maharat.common.validators import national_code_check_digit
from maharat.org.models import Unit, UnitKind
from maharat.org.services import unit_create
from maharat.people.models import Sex, Trainee, Trainer
from maharat.training.models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop


def national_code(n: int) -> str:
    first = f"{(n * 7919 + 12345) % 10**9:09d}"
    return first + str(national_code_check_digit(first))


def make_unit(kind: str = UnitKind.FIXED_CENTER, parent: Unit | None = None, name: str = "", **kw: object) -> Unit:
    """A unit under Qazvin by default (a county is created when a center needs one)."""
    if parent is None:
        province = Unit.objects.get(code="IR-26")
        if kind == UnitKind.COUNTY:
            parent = province
        else:
            parent = Unit.objects.filter(parent=province, kind=UnitKind.COUNTY).first() or unit_create(
                kind=UnitKind.COUNTY, name="قزوین", parent=province
            )
    if kind == UnitKind.FREE_INSTITUTE:
        kw.setdefault("cluster", Cluster.SERVICES)
    return unit_create(kind=kind, name=name or f"واحد {kind}", parent=parent, **kw)


class StandardFactory(DjangoModelFactory):
    class Meta:
        model = Standard

    code = factory.Sequence(lambda n: f"9999-53-{n:03d}-1")
    title = factory.Sequence(lambda n: f"استاندارد آزمایشی {n}")
    cluster = Cluster.INDUSTRY
    theory_hours = 40
    practice_hours = 80


class TraineeFactory(DjangoModelFactory):
    class Meta:
        model = Trainee

    national_code = factory.Sequence(national_code)
    first_name = "مریم"
    last_name = factory.Sequence(lambda n: f"کریمی{n}")
    sex = Sex.FEMALE
    birth_date = dt.date(1995, 5, 5)
    registered_unit = factory.LazyFunction(lambda: make_unit())


class TrainerFactory(DjangoModelFactory):
    class Meta:
        model = Trainer

    national_code = factory.Sequence(lambda n: national_code(n + 500_000))
    first_name = "علی"
    last_name = factory.Sequence(lambda n: f"مربی{n}")
    sex = Sex.MALE
    employment = Trainer.Employment.OFFICIAL
    home_unit = factory.LazyFunction(lambda: make_unit())


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
    # A run that ends in the current month: its period is still open for entry.
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
