"""A visit's life: planned, performed (answers, score, findings, their follow-up items), closed, or cancelled;
follow-up visits; each step refused where it must be. Expected figures are worked out here by hand."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.audit.models import AuditEntry
from maharat.factories import TODAY
from maharat.followup import services as followups
from maharat.followup.models import FollowUp, FollowUpStatus
from maharat.notify.models import Notification
from maharat.supervision.models import ChecklistVersion, Finding, Visit, VisitStatus
from maharat.supervision.services import checklist, visits
from maharat.supervision.services.checklist import ItemData
from maharat.supervision.services.findings import FindingData

from .conftest import done, planned, results

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]


@contextlib.contextmanager
def refused_with(text: str) -> Iterator[None]:
    """A ValidationError whose message holds `text` (pytest's match= reads the escaped repr of a ZWNJ)."""
    with pytest.raises(ValidationError) as refused:
        yield
    assert any(text in m for m in refused.value.messages), refused.value.messages

# The starter checklist's weights, in order (migration 0002): 17 items, 38 points.
WEIGHTS = [3, 3, 3, 2, 3, 2, 2, 2, 3, 2, 2, 3, 1, 3, 2, 1, 1]
# Ten working days from Sunday 1405/09/01: Mon 23 .. Thu 26 (4), Sat 28 .. Thu 3 Dec (10); no holiday between.
TEN_WORKING_DAYS = dt.date(2026, 12, 3)


def test_the_starter_checklist_is_what_the_weights_say() -> None:
    version = ChecklistVersion.objects.get(number=1)
    assert [i.weight for i in version.items.order_by("order")] == WEIGHTS and sum(WEIGHTS) == 38
    assert all(i.article for i in version.items.all())


def test_planning_a_scheduled_visit_numbers_it_and_tells_the_institute(world: dict[str, Any]) -> None:
    visit = planned(world, inspectors=[world["expert"], world["manager"]], purpose="بازدید دوره‌ای")
    assert visit.number == "V-26-1405-0001" and visit.status == VisitStatus.PLANNED
    assert visit.checklist.number == 1 and visit.province == world["qazvin"]
    assert visit.disclosed_to == world["institute"]
    assert set(visit.inspectors.all()) == {world["expert"], world["manager"]}
    assert planned(world, where="neighbour").number == "V-26-1405-0002"
    assert AuditEntry.objects.filter(content_type__model="visit", object_id=str(visit.pk), action="create").exists()
    told = Notification.objects.filter(key=f"visit:{visit.pk}:announced").values_list("recipient__username", flat=True)
    assert list(told) == ["institute"]
    assert Notification.objects.filter(key=f"visit:{visit.pk}:assigned").count() == 2


def test_an_unannounced_visit_is_told_to_nobody_at_the_institute_until_it_took_place(world: dict[str, Any]) -> None:
    visit = planned(world, kind="unannounced")
    assert visit.disclosed_to is None
    assert not Notification.objects.filter(recipient=world["institute_manager"]).exists()
    assert not Visit.objects.filter(pk=visit.pk).filter(pk__in=_seen(world, "institute_manager")).exists()
    performed = visits.complete_visit(world["expert"], visit, results(visit, failing=1))
    assert performed.disclosed_to == world["institute"]
    assert Visit.objects.filter(pk=visit.pk).filter(pk__in=_seen(world, "institute_manager")).exists()


def _seen(world: dict[str, Any], who: str) -> Any:
    from maharat.supervision import selectors

    return selectors.visits(world[who]).values("pk")


def test_the_results_give_the_score_findings_and_follow_up_items(world: dict[str, Any]) -> None:
    visit = done(world, failing=2, days=10, summary="دو نقص ایمنی", internal_note="مدیر همکاری نکرد")
    # Items 1 and 2 (3 points each) failed: 32 of 38 points.
    assert (visit.points_earned, visit.points_possible, visit.score) == (32, 38, Decimal("84.2"))
    assert visit.status == VisitStatus.DONE and visit.visited_on == TODAY
    assert visit.answers.count() == 17 and visit.answers.filter(result="fail").count() == 2
    found = list(visit.findings.order_by("seq"))
    assert [f.seq for f in found] == [1, 2]
    assert [f.severity for f in found] == ["critical", "critical"]
    for finding in found:
        item = finding.followup
        assert item is not None and item.owner_unit == world["institute"] and item.status == FollowUpStatus.OPEN
        assert item.source == finding and item.source_label == f"بازدید {visit.number}، یافته {finding.seq}"
        assert item.due == TEN_WORKING_DAYS and item.start == TODAY and item.title == finding.title
    assert Notification.objects.filter(recipient=world["institute_manager"], key=f"visit:{visit.pk}:done").exists()


def test_not_applicable_items_leave_the_score(world: dict[str, Any]) -> None:
    visit = planned(world)
    performed = visits.complete_visit(world["expert"], visit, results(visit, failing=1, na=2))
    # Item 1 (3) failed; items 2 and 3 (3 + 3) do not count: 32 - 3 = 29 of 32 points possible.
    assert (performed.points_earned, performed.points_possible, performed.score) == (29, 32, Decimal("90.6"))


def test_a_visit_with_nothing_applicable_has_no_score(world: dict[str, Any]) -> None:
    visit = planned(world)
    with pytest.raises(ValidationError) as refused:
        visits.complete_visit(world["expert"], visit, results(visit, na=17))
    assert "__all__" in refused.value.message_dict
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED


def test_every_item_must_be_answered_and_every_failure_needs_its_action(world: dict[str, Any]) -> None:
    visit = planned(world)
    given = results(visit, failing=1)
    first, second = list(visit.checklist.items.order_by("order"))[:2]
    given.answers[first.pk].fix.action_plan = ""
    given.answers[first.pk].fix.working_days = 0
    del given.answers[second.pk]  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as refused:
        visits.complete_visit(world["expert"], visit, given)
    errors = refused.value.message_dict
    assert {f"action_{first.pk}", f"days_{first.pk}", f"result_{second.pk}"} <= set(errors)
    assert not Finding.objects.exists() and not FollowUp.objects.exists()
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.PLANNED and not visit.answers.exists()


def test_free_findings_are_findings_too(world: dict[str, Any]) -> None:
    visit = planned(world)
    free = [FindingData(title="کپسول منقضی در انبار", action_plan="شارژ یا تعویض کپسول", working_days=5,
                        severity="minor", article="ماده 60", area="safety"), FindingData()]
    performed = visits.complete_visit(world["expert"], visit, results(visit, failing=1, free=free))
    assert [(f.seq, f.item_id is None, f.severity) for f in performed.findings.order_by("seq")] == [
        (1, False, "critical"), (2, True, "minor")]


def test_a_result_is_recorded_once_and_a_cancelled_visit_takes_none(world: dict[str, Any]) -> None:
    visit = done(world, failing=0)
    with refused_with("انجام‌شده"):
        visits.complete_visit(world["expert"], visit, results(visit))
    with refused_with("انجام‌شده"):
        visits.cancel_visit(world["expert"], visit, "دیگر لازم نیست")
    other = planned(world, where="neighbour")
    with pytest.raises(ValidationError, match="دلیل لغو"):
        visits.cancel_visit(world["expert"], other, "  ")
    cancelled = visits.cancel_visit(world["expert"], other, "تعطیلی رسمی استان")
    assert cancelled.status == VisitStatus.CANCELLED and cancelled.cancel_reason == "تعطیلی رسمی استان"
    with pytest.raises(ValidationError, match="لغوشده"):
        visits.complete_visit(world["expert"], cancelled, results(cancelled))
    with pytest.raises(ValidationError, match="لغوشده"):
        visits.close_visit(world["expert"], cancelled)


def test_a_file_closes_only_when_its_corrective_actions_are_settled(world: dict[str, Any]) -> None:
    visit = done(world, failing=2)
    with pytest.raises(ValidationError, match="۱، ۲|1، 2"):
        visits.close_visit(world["manager"], visit)
    first, second = (f.followup for f in visit.findings.order_by("seq"))
    followups.respond(world["institute_manager"], first, "کپسول نصب شد")
    followups.verify(world["manager"], first)
    followups.cancel(world["manager"], second, "بند در بازدید بعدی بررسی می‌شود")
    closed = visits.close_visit(world["manager"], visit, "همه اقدام‌ها انجام شد")
    assert closed.status == VisitStatus.CLOSED and closed.closed_at is not None
    with refused_with("بسته‌شده"):
        visits.close_visit(world["manager"], closed)
    planned_one = planned(world, where="neighbour")
    with refused_with("برنامه‌ریزی‌شده"):
        visits.close_visit(world["manager"], planned_one)


@pytest.mark.parametrize("who", ["institute_manager", "hq_planner", "hq_viewer", "head", "other_expert",
                                 "other_manager"])
def test_only_the_provinces_inspectors_plan_perform_close_and_cancel(world: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        planned(world, by=who)
    visit = planned(world)
    with pytest.raises(PermissionDenied):
        visits.complete_visit(world[who], visit, results(visit))
    with pytest.raises(PermissionDenied):
        visits.cancel_visit(world[who], visit, "دلیل")
    performed = visits.complete_visit(world["expert"], visit, results(visit))
    with pytest.raises(PermissionDenied):
        visits.close_visit(world[who], performed)
    with pytest.raises(PermissionDenied):
        visits.add_finding(world[who], performed, FindingData(title="نقص", action_plan="رفع", working_days=3,
                                                              severity="minor"))
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.DONE


def test_the_other_provinces_staff_inspect_their_own(world: dict[str, Any]) -> None:
    visit = planned(world, by="other_expert", where="far")
    assert visit.number == "V-03-1405-0001"
    assert visits.complete_visit(world["other_manager"], visit, results(visit, failing=1)).status == VisitStatus.DONE


def test_inspectors_are_the_provinces_own_staff(world: dict[str, Any]) -> None:
    for outsider in ("other_expert", "head", "institute_manager", "hq_planner"):
        with pytest.raises(ValidationError) as refused:
            planned(world, inspectors=[world["expert"], world[outsider]])
        assert list(refused.value.message_dict) == ["inspectors"], outsider
    assert not Visit.objects.exists()


def test_only_a_licensed_institute_is_visited(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        planned(world, where="center")
    assert "institute" in refused.value.message_dict


def test_a_follow_up_visit_follows_a_visit_that_took_place_at_the_same_institute(world: dict[str, Any]) -> None:
    first = done(world, failing=1)
    follow = planned(world, follow_up_of=first, purpose="پیگیری یافته‌ها")
    assert follow.follow_up_of == first and list(first.follow_ups.all()) == [follow]
    with pytest.raises(ValidationError) as refused:
        planned(world, where="neighbour", follow_up_of=first)
    assert "follow_up_of" in refused.value.message_dict
    with pytest.raises(ValidationError):
        planned(world, follow_up_of=follow)  # still planned: nothing to follow up yet


def test_a_finding_added_after_the_visit_raises_its_item_from_today(world: dict[str, Any]) -> None:
    visit = done(world, failing=0)
    finding = visits.add_finding(world["manager"], visit, FindingData(
        title="دفتر حضور و غیاب دوره بهمن ناقص است", action_plan="تکمیل دفتر و ارسال تصویر", working_days=10,
        severity="major", article="دستورالعمل اجرایی", area="attendance"))
    assert finding.seq == 1 and finding.followup is not None and finding.followup.due == TEN_WORKING_DAYS
    with pytest.raises(ValidationError):
        visits.add_finding(world["manager"], planned(world, where="neighbour"),
                           FindingData(title="x", action_plan="y", working_days=3, severity="minor"))


def test_a_visit_keeps_the_checklist_version_it_used(world: dict[str, Any]) -> None:
    old = planned(world)
    draft = checklist.open_draft(world["hq_planner"], "افزودن بند تهویه")
    assert draft.number == 2 and draft.items.count() == 17
    checklist.save_item(world["hq_planner"], draft, ItemData(area="premises", text="تهویه کارگاه رنگ", article="ماده 60",
                                                             weight=2, severity="major"))
    checklist.publish(world["hq_planner"], draft)
    new = planned(world, where="neighbour")
    assert (old.checklist.number, new.checklist.number) == (1, 2)
    performed = visits.complete_visit(world["expert"], old, results(old))
    assert performed.answers.count() == 17 and performed.points_possible == 38
    assert visits.complete_visit(world["expert"], new, results(new)).points_possible == 40


def test_dates_outside_the_window_are_refused_naming_the_field(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        planned(world, day=TODAY + dt.timedelta(days=400))
    assert list(refused.value.message_dict) == ["planned_on"]
    visit = planned(world)
    for day in (TODAY + dt.timedelta(days=1), TODAY - dt.timedelta(days=61)):
        with pytest.raises(ValidationError) as refused:
            visits.complete_visit(world["expert"], visit, results(visit, day=day))
        assert "visited_on" in refused.value.message_dict
