"""Same seed, same country; another seed, another country. One province keeps it quick."""

import pytest
from django.db import transaction

from maharat.demo.builder import DemoBuilder
from maharat.factories import TODAY
from maharat.people.models import Trainee
from maharat.training.figures import person_hours
from maharat.training.models import CourseRun, Enrollment


def fingerprint() -> tuple[object, ...]:
    return (
        list(Trainee.objects.order_by("id").values_list("national_code", "first_name", "birth_date")[:200]),
        list(CourseRun.objects.order_by("id").values_list("code", "standard__code", "start_date", "hours")[:200]),
        person_hours(Enrollment.objects.all()),
    )


@pytest.mark.django_db
def test_the_same_seed_builds_the_same_country() -> None:
    prints = []
    for seed in (5, 5, 6):
        sid = transaction.savepoint()
        DemoBuilder(seed=seed, scale=0.002, provinces=["IR-20"], today=TODAY).build()
        prints.append(fingerprint())
        transaction.savepoint_rollback(sid)
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]
