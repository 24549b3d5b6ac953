"""Training standards for tests."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from maharat.catalog.models import Cluster, Standard


class StandardFactory(DjangoModelFactory):
    class Meta:
        model = Standard

    code = factory.Sequence(lambda n: f"9999-53-{n:03d}-1")
    title = factory.Sequence(lambda n: f"استاندارد آزمایشی {n}")
    cluster = Cluster.INDUSTRY
    theory_hours = 40
    practice_hours = 80
