"""Expiry reminders at 90, 30 and 7 days: once per threshold, caught up after a missed day, restarted by a
renewal; statuses that change with the calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maharat.factories import TODAY
from maharat.institutes import reminders, services
from maharat.institutes.models import Decision, Licence, LicenceStatus
from maharat.notify.models import Notification

from .conftest import fresh

pytestmark = pytest.mark.django_db


def expiring_in(licence: Licence, days: int) -> Licence:
    Decision.objects.filter(licence=licence).update(new_expiry=TODAY + dt.timedelta(days=days))
    return services.recompute(fresh(licence))


def told(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user, topic="licensing").order_by("pk")
                .values_list("key", flat=True))


def test_each_threshold_once_to_the_institute_and_the_province(world: dict[str, Any]) -> None:
    licence = expiring_in(world["licence"], 95)
    assert reminders.run(TODAY).reminders == 0
    sent = reminders.run(TODAY + dt.timedelta(days=5))  # 90 days left
    assert (sent.reminders, sent.people) == (1, 3)  # the institute's manager, the province's expert and manager
    assert reminders.run(TODAY + dt.timedelta(days=6)).reminders == 0  # not again the next day
    assert reminders.run(TODAY + dt.timedelta(days=65)).reminders == 1  # 30 days left
    assert reminders.run(TODAY + dt.timedelta(days=88)).reminders == 1  # 7 days left
    assert len(told(world["institute_manager"])) == 3 and len(told(world["expert"])) == 3
    assert told(world["neighbour_manager"]) == [] and told(world["other_expert"]) == []
    assert licence.pk


def test_a_missed_morning_sends_only_the_nearest_threshold(world: dict[str, Any]) -> None:
    expiring_in(world["licence"], 6)  # entered a week before it ends: 90, 30 and 7 are all crossed
    assert reminders.run(TODAY).reminders == 1
    assert len(told(world["institute_manager"])) == 1
    assert reminders.run(TODAY + dt.timedelta(days=1)).reminders == 0


def test_a_renewal_starts_the_reminders_again(world: dict[str, Any]) -> None:
    licence = expiring_in(world["licence"], 20)
    reminders.run(TODAY)
    expiring_in(licence, 400)
    expiring_in(licence, 25)  # a new expiry date: its reminders are new
    assert reminders.run(TODAY).reminders == 1


def test_the_daily_pass_expires_licences_whose_term_ran_out(world: dict[str, Any]) -> None:
    licence = expiring_in(world["licence"], 2)
    sent = reminders.run(TODAY + dt.timedelta(days=3))
    assert sent.statuses == 1 and fresh(licence).status == LicenceStatus.EXPIRED
    assert not fresh(world["neighbour_licence"]).status == LicenceStatus.EXPIRED
