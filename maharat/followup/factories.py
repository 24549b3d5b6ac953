"""Follow-up items for tests: a valid open item owed by a new Qazvin center, raised by the province, due in
five working days counted as the service counts them. Tests about who may raise an item raise it through
services.raise_item; this builds the item others act on."""

from __future__ import annotations

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from maharat.org.factories import make_unit
from maharat.org.models import Unit
from maharat.workdays.selectors import add_working_days

from .models import FollowUp


class FollowUpFactory(DjangoModelFactory):
    class Meta:
        model = FollowUp

    title = factory.Sequence(lambda n: f"اقدام اصلاحی شماره {n}")
    description = "نصب کپسول آتش‌نشانی در کارگاه جوشکاری"
    owner_unit = factory.LazyFunction(lambda: make_unit())
    # The province above the owner (a center's county has nobody to raise anything).
    raised_unit = factory.LazyAttribute(lambda o: o.owner_unit.province or Unit.objects.get(code="IR"))
    start = factory.LazyFunction(timezone.localdate)
    working_days = 5
    due = factory.LazyAttribute(lambda o: add_working_days(o.start, o.working_days))
