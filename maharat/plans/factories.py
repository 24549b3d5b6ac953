"""Commitments for tests."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from maharat.org.factories import make_unit
from maharat.plans.models import Commitment, Section


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment
        # One commitment per unit, year, indicator and section (the model's unique constraint).
        django_get_or_create = ("year", "unit", "indicator", "section")

    year = 1404
    unit = factory.LazyFunction(lambda: make_unit())
    indicator = "person_hours"
    section = Section.PUBLIC
    target = Decimal(1000)
