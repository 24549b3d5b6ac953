"""The trail and the messages: every step of an item is in the audit trail with who, from, to and why, and
shown as the item's history (naming people only to those who may know them); the raiser's level hears of an
answer, the owner of a rejection, a closing or a cancellation, each once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maharat.access.delegation import delegate
from maharat.audit.models import AuditAction, AuditEntry
from maharat.followup import services
from maharat.followup.models import FollowUp
from maharat.kit import workflow
from maharat.notify.models import Notification

from .conftest import raised

pytestmark = pytest.mark.django_db


def trail(item: FollowUp) -> list[tuple[str, str, list[Any], str]]:
    entries = AuditEntry.objects.filter(content_type__model="followup", object_id=str(item.pk)).order_by("pk")
    return [(e.action, e.username, e.changes.get("status"), e.note) for e in entries]


def test_every_step_is_in_the_trail_with_from_to_and_why(world: dict[str, Any]) -> None:
    item = raised(world, "expert", "center", title="رفع نقص برق کارگاه")
    services.respond(world["head"], item, "سیم‌کشی تعویض شد")
    services.reject(world["manager"], item, "گواهی بازرسی برق پیوست نیست")
    services.respond(world["head"], item, "گواهی بازرسی پیوست شد")
    services.verify(world["manager"], item, "کامل است")
    assert trail(item) == [
        (AuditAction.CREATE, "expert", [None, "open"], ""),
        (AuditAction.TRANSITION, "head", ["open", "submitted"], "سیم‌کشی تعویض شد"),
        (AuditAction.RETURN, "manager", ["submitted", "open"], "گواهی بازرسی برق پیوست نیست"),
        (AuditAction.TRANSITION, "head", ["open", "submitted"], "گواهی بازرسی پیوست شد"),
        (AuditAction.TRANSITION, "manager", ["submitted", "closed"], "کامل است"),
    ]
    created = AuditEntry.objects.get(content_type__model="followup", action=AuditAction.CREATE)
    assert created.changes["due"] == [None, "2026-11-28"] and created.unit == world["center"]
    cancelled = raised(world, "manager", "center", title="تکراری")
    services.cancel(world["manager"], cancelled, "همان پیگیری قبلی است")
    assert trail(cancelled)[-1] == (AuditAction.TRANSITION, "manager", ["open", "cancelled"], "همان پیگیری قبلی است")


def test_the_history_names_people_only_to_those_who_may_know_them(world: dict[str, Any]) -> None:
    item = raised(world, "manager", "center")
    services.respond(world["head"], item, "انجام شد")
    seen_by_head = workflow.history(item, world["head"])
    seen_by_manager = workflow.history(item, world["manager"])
    assert [(s.source, s.target, s.who) for s in seen_by_manager] == [
        ("", "باز", "manager"), ("باز", "انجام‌شده، در انتظار تأیید", "head")]
    # The province's manager works above the center: the center sees the role, not the name.
    assert [s.who for s in seen_by_head] == ["مدیر کل استان", "head"]
    assert seen_by_manager[1].reason == "انجام شد"


def test_the_raisers_level_hears_of_the_answer_and_the_owner_of_the_decision(world: dict[str, Any]) -> None:
    item = raised(world, "expert", "center")

    def topics(user: Any) -> list[str]:
        return list(Notification.objects.filter(recipient=user, topic__startswith="followup").order_by("pk")
                    .values_list("topic", flat=True))
    assert topics(world["head"]) == ["followup_raised"]
    services.respond(world["head"], item, "انجام شد")
    # The expert who raised it, and the province's manager who may verify it; not the other province, not HQ.
    assert topics(world["expert"]) == ["followup_submitted"]
    assert topics(world["manager"]) == ["followup_submitted"]
    assert topics(world["other_manager"]) == topics(world["hq_planner"]) == []
    services.reject(world["manager"], item, "عکس ندارد")
    services.respond(world["head"], item, "عکس پیوست شد")  # a second answer is a second message
    assert topics(world["manager"]) == ["followup_submitted", "followup_submitted"]
    services.verify(world["manager"], item)
    assert topics(world["head"]) == ["followup_raised", "followup_rejected", "followup_closed"]
    rejected = Notification.objects.get(recipient=world["head"], topic="followup_rejected")
    assert "عکس ندارد" in rejected.body and rejected.url == item.get_absolute_url()


def test_a_delegate_decides_for_the_manager_and_the_trail_names_both(world: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    item = raised(world, "manager", "center")
    services.respond(world["head"], item, "انجام شد")
    with pytest.raises(PermissionDenied):  # an expert may not verify on their own
        services.verify(world["expert"], item)
    today = dt.date(2026, 11, 22)
    delegate(user=world["manager"], to=world["expert"], starts=today, ends=today + dt.timedelta(days=7),
             reason="مرخصی")
    services.verify(world["expert"], item)
    entry = AuditEntry.objects.filter(content_type__model="followup", object_id=str(item.pk)).latest("pk")
    assert (entry.username, entry.acting_for_username, entry.changes["status"]) == (
        "expert", "manager", ["submitted", "closed"])
