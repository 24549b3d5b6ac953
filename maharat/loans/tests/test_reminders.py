"""The daily job: each unpaid instalment is told to its institute's managers and its province's staff once at
each threshold (due within 7 days, 1 day late, 30 days late), never twice however often the job runs, only
the nearest threshold when days were missed, never to another institute or province."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maharat.loans import reminders, services, tasks
from maharat.notify.models import Notification

from .conftest import paid_out

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 1)  # the first instalment of paid_out(): 1405/09/10
TOLD = ("institute_manager", "manager", "expert")
NOT_TOLD = ("neighbour_manager", "far_manager", "other_manager", "other_expert", "hq_planner", "hq_viewer", "head")


def told(world: dict[str, Any], who: str) -> list[str]:
    return list(Notification.objects.filter(recipient=world[who], topic="loans", key__contains=":instalment:")
                .order_by("pk").values_list("key", flat=True))


def test_due_soon_once(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    first = loan.instalments.get(number=1)
    assert reminders.run(DUE - dt.timedelta(days=8)) == reminders.Sent(0, 0)
    runs = [reminders.run(DUE - dt.timedelta(days=7)), reminders.run(DUE - dt.timedelta(days=7)),
            reminders.run(DUE - dt.timedelta(days=3)), reminders.run(DUE)]
    assert runs == [reminders.Sent(1, 3), reminders.Sent(0, 0), reminders.Sent(0, 0), reminders.Sent(0, 0)]
    for who in TOLD:
        assert told(world, who) == [f"loans:{loan.pk}:instalment:{first.pk}:soon"], who
    for who in NOT_TOLD:
        assert told(world, who) == [], who
    note = Notification.objects.filter(recipient=world["institute_manager"], key__endswith=":soon").get()
    assert note.url == loan.get_absolute_url() and "1405/09/10" in note.title


def test_one_day_late_and_thirty_days_late_once_each(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    first = loan.instalments.get(number=1)
    sent = [reminders.run(DUE + dt.timedelta(days=d)) for d in (1, 1, 2, 29, 30, 30, 31, 60)]
    # The second instalment (due 1405/10/10 = 2026-12-31) joins: soon on day 29 (the first run within its 7
    # days), late on day 31; on day 60 it is 30 days late and the third (due 2027-01-30) falls due.
    assert [s.instalments for s in sent] == [1, 0, 0, 1, 1, 0, 1, 2]
    keys = told(world, "expert")
    assert keys.count(f"loans:{loan.pk}:instalment:{first.pk}:late") == 1
    assert keys.count(f"loans:{loan.pk}:instalment:{first.pk}:late30") == 1
    assert len(keys) == len(set(keys))


def test_a_missed_month_sends_only_the_nearest_threshold(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    first = loan.instalments.get(number=1)
    reminders.run(DUE + dt.timedelta(days=45))  # the worker was down since before the due date
    mine = [k for k in told(world, "institute_manager") if f":instalment:{first.pk}:" in k]
    assert mine == [f"loans:{loan.pk}:instalment:{first.pk}:late30"]


def test_paid_instalments_and_defaulted_loans_are_not_chased(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    first = loan.instalments.get(number=1)
    services.record_repayment(world["expert"], loan, on=dt.date(2026, 11, 22), amount=first.amount, reference="R-1")
    assert reminders.run(DUE - dt.timedelta(days=2)) == reminders.Sent(0, 0)
    services.declare_default(world["hq_planner"], loan, reason="نکول")
    assert reminders.run(DUE + dt.timedelta(days=40)) == reminders.Sent(0, 0)
    assert not Notification.objects.filter(key__contains=":instalment:").exists()


def test_the_task_runs_each_morning_and_twice_tells_nobody_twice(world: dict[str, Any]) -> None:
    from maharat.factories import today_is

    task = tasks.remind_loan_instalments
    schedule = task.task_class()
    # 03:50 UTC is 07:20 in Tehran (UTC+03:30), after the licences' statuses of 03:20.
    assert schedule.validate_datetime(dt.datetime(2026, 11, 22, 3, 50))
    assert not schedule.validate_datetime(dt.datetime(2026, 11, 22, 7, 20))
    paid_out(world)
    with today_is(DUE + dt.timedelta(days=1)):
        task.call_local()
        task.call_local()
    assert len(told(world, "manager")) == 1
