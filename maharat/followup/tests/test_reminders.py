"""The daily job: the owner is reminded two working days before the deadline, once; the day after it, still
open, the owner is told once and the item goes one level up once, to the level that may verify it (the
province for a center: its county has nobody), never to another province; however often the job runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maharat.audit.models import AuditEntry
from maharat.common.persian import normalize
from maharat.followup import reminders, services, tasks
from maharat.followup.models import FollowUp
from maharat.notify.models import Notification

from .conftest import account, raised

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2026, 11, 25)  # Thu 26 and Sat 28 left before the deadline of Sat 28
THURSDAY = dt.date(2026, 11, 26)
SUNDAY_AFTER = dt.date(2026, 11, 29)  # the day after the deadline
MONDAY_AFTER = dt.date(2026, 11, 30)


def told(user: Any, topic: str) -> int:
    return Notification.objects.filter(recipient=user, topic=topic).count()


def test_two_working_days_before_the_owner_is_reminded_once(world: dict[str, Any]) -> None:
    item = raised(world, "manager", "center", working_days=5)  # due Saturday 28
    assert reminders.run(dt.date(2026, 11, 23)).soon == 0  # Tue, Wed, Thu, Sat: four days left
    first = reminders.run(WEDNESDAY)
    second = reminders.run(WEDNESDAY)
    third = reminders.run(THURSDAY)
    assert (first.soon, second.soon, third.soon) == (1, 0, 0)
    assert told(world["head"], "followup_due_soon") == 1
    note = Notification.objects.get(recipient=world["head"], topic="followup_due_soon")
    # Stored as the write path stores text (Latin digits); shown in the page's digits.
    assert note.url == item.get_absolute_url() and normalize("۲ روز کاری مانده") in note.body
    for other in ("trainer", "manager", "neighbour_head", "far_head"):
        assert told(world[other], "followup_due_soon") == 0, other


def test_the_owner_person_alone_is_reminded_and_else_every_answerer_of_the_unit(world: dict[str, Any],
                                                                                django_user_model: Any) -> None:
    deputy = account(django_user_model, "deputy", "center_head", world["center"])
    raised(world, "manager", "center", working_days=5, owner_person=world["head"], title="برای رئیس")
    raised(world, "manager", "center", working_days=5, title="برای همه")
    reminders.run(WEDNESDAY)
    assert told(world["head"], "followup_due_soon") == 2
    assert told(deputy, "followup_due_soon") == 1
    # The raise itself told the same people, once each.
    assert (told(world["head"], "followup_raised"), told(deputy, "followup_raised")) == (2, 1)


def test_past_the_deadline_the_owner_is_told_once_and_the_province_once(world: dict[str, Any]) -> None:
    item = raised(world, "manager", "center", working_days=5)
    assert reminders.run(dt.date(2026, 11, 28)).overdue == 0  # the day itself is not late
    runs = [reminders.run(SUNDAY_AFTER), reminders.run(SUNDAY_AFTER), reminders.run(MONDAY_AFTER)]
    assert [(r.overdue, r.escalated) for r in runs] == [(1, 1), (0, 0), (0, 0)]
    assert told(world["head"], "followup_overdue") == 1
    assert told(world["manager"], "followup_escalated") == 1
    for nobody in ("expert", "hq_planner", "other_manager", "head", "neighbour_head"):
        assert told(world[nobody], "followup_escalated") == 0, nobody  # the expert may not verify; HQ is two up
    item.refresh_from_db()
    assert item.escalated_to == world["qazvin"] and item.escalated_at is not None
    trail = AuditEntry.objects.filter(object_id=str(item.pk), changes__has_key="escalated_to")
    assert trail.count() == 1 and trail.get().changes["escalated_to"] == [None, world["qazvin"].pk]


def test_a_provinces_overdue_item_goes_to_hq_and_not_to_another_province(world: dict[str, Any]) -> None:
    item = raised(world, "hq_planner", "qazvin", working_days=5)
    reminders.run(SUNDAY_AFTER)
    reminders.run(SUNDAY_AFTER)
    assert told(world["manager"], "followup_overdue") == 1  # Qazvin owes it
    assert told(world["hq_planner"], "followup_escalated") == 1
    assert told(world["other_manager"], "followup_escalated") == 0
    assert told(world["hq_viewer"], "followup_escalated") == 0
    item.refresh_from_db()
    assert item.escalated_to == world["hq"]


def test_an_item_answered_in_time_or_closed_is_not_chased(world: dict[str, Any]) -> None:
    answered = raised(world, "manager", "center", working_days=5, title="پاسخ‌داده")
    cancelled = raised(world, "manager", "center", working_days=5, title="لغوشده")
    services.respond(world["head"], answered, "انجام شد")
    services.cancel(world["manager"], cancelled, "تکراری بود")
    sent = [reminders.run(WEDNESDAY), reminders.run(SUNDAY_AFTER)]
    assert [(s.soon, s.overdue, s.escalated) for s in sent] == [(0, 0, 0), (0, 0, 0)]
    assert not FollowUp.objects.exclude(escalated_at=None).exists()


def test_a_rejected_answer_after_the_deadline_does_not_escalate_twice(world: dict[str, Any]) -> None:
    item = raised(world, "manager", "center", working_days=5)
    reminders.run(SUNDAY_AFTER)
    services.respond(world["head"], item, "انجام شد")
    services.reject(world["manager"], item, "عکس کارگاه پیوست نیست")
    reminders.run(MONDAY_AFTER)
    assert told(world["manager"], "followup_escalated") == 1
    assert told(world["head"], "followup_overdue") == 1


def test_the_task_runs_the_reminders_each_morning_before_work(world: dict[str, Any]) -> None:
    from maharat.factories import today_is

    task = tasks.remind_followup_deadlines
    # 03:45 UTC is 07:15 in Tehran (UTC+03:30): after the monthly reports' reminders of 03:30.
    schedule = task.task_class()
    assert schedule.validate_datetime(dt.datetime(2026, 11, 22, 3, 45))
    assert not schedule.validate_datetime(dt.datetime(2026, 11, 22, 7, 15))
    assert not schedule.validate_datetime(dt.datetime(2026, 11, 22, 3, 30))
    item = raised(world, "manager", "center", working_days=5)
    with today_is(SUNDAY_AFTER):
        task.call_local()
        task.call_local()
    item.refresh_from_db()
    assert item.escalated_to == world["qazvin"] and told(world["manager"], "followup_escalated") == 1
