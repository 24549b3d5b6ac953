"""Trainees and trainers for tests, with valid and distinct national codes."""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from maharat.common.validators import national_code_check_digit
from maharat.org.factories import make_unit
from maharat.people.models import Sex, Trainee, Trainer


def national_code(n: int) -> str:
    """The n-th of a fixed sequence of valid national codes (check digit included)."""
    first = f"{(n * 7919 + 12345) % 10**9:09d}"
    return first + str(national_code_check_digit(first))


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

    # Far from the trainees' codes, so that a trainer is never taken for a trainee.
    national_code = factory.Sequence(lambda n: national_code(n + 500_000))
    first_name = "علی"
    last_name = factory.Sequence(lambda n: f"مربی{n}")
    sex = Sex.MALE
    employment = Trainer.Employment.OFFICIAL
    home_unit = factory.LazyFunction(lambda: make_unit())
