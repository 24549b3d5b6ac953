"""Everything tests build records with, in one import: each app's factories (maharat/<app>/factories.py)
and the fixed clock they build against.

factory_boy factories give valid records with as little set-up as possible; a test builds the small tree it
needs with them, and only tests about the demo country itself build that (maharat/demo/tests).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone

from maharat.catalog.factories import StandardFactory
from maharat.org.factories import make_unit
from maharat.people.factories import TraineeFactory, TrainerFactory, national_code
from maharat.plans.factories import CommitmentFactory
from maharat.training.factories import CourseRunFactory, EnrollmentFactory, WorkshopFactory

__all__ = [
    "TODAY", "CommitmentFactory", "CourseRunFactory", "EnrollmentFactory", "StandardFactory", "TraineeFactory",
    "TrainerFactory", "WorkshopFactory", "make_unit", "national_code", "today_is",
]

# The day tests that depend on the date run on: 1405/09/01, so that 1400–1404 are whole past years, the
# current year is partly past and Nowruz 1406 lies ahead (its months are still open for entry).
TODAY = dt.date(2026, 11, 22)


@contextlib.contextmanager
def today_is(day: dt.date = TODAY) -> Iterator[dt.date]:
    """Make the platform's clock read `day`.

    Every date the code derives (jalali.today, timezone.localdate, Progress.of, the period locks' deadline,
    the demo builder's default `today`, CourseRunFactory's dates) comes from django.utils.timezone.now, so
    that is the one function replaced: by a clock that starts at noon of `day`, Tehran time, and runs at the
    real pace. Durations still pass (rate limits, token lifetimes, timestamps in order) and a test, however
    slow, never crosses midnight into another day."""
    real_now = timezone.now
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_default_timezone())
    offset = noon - real_now()
    with mock.patch.object(timezone, "now", lambda: real_now() + offset):
        yield day
