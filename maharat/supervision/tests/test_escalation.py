"""An unmet corrective action escalates towards sanctions: a proposal of the next graduated sanction, which
decides nothing until the provincial manager (HQ, for a revocation) takes it or dismisses it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.audit.models import AuditEntry
from maharat.factories import TODAY
from maharat.followup import services as followups
from maharat.institutes import services as licensing
from maharat.institutes.models import Decision, DecisionKind
from maharat.notify.models import Notification
from maharat.supervision import escalation
from maharat.supervision.models import SanctionProposal
from maharat.supervision.rules import next_sanction
from maharat.supervision.services import sanctions

from .conftest import done

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]

LATER = TODAY + dt.timedelta(days=30)  # past every ten-working-day deadline raised on TODAY


@pytest.mark.parametrize(("taken", "proposed"), [
    ([], "warning"), (["warning"], "conditions"), (["warning", "warning"], "conditions"),
    (["conditions"], "enrollment_ban"), (["shorten"], "enrollment_ban"), (["warning", "enrollment_ban"], "suspend"),
    (["suspend"], "revoke"), (["revoke"], "revoke")])
def test_the_ladder(taken: list[str], proposed: str) -> None:
    assert next_sanction(taken) == proposed


def test_nothing_is_proposed_before_the_deadline_passes(world: dict[str, Any]) -> None:
    done(world, failing=2)
    assert escalation.run(TODAY) == escalation.Escalated(0, 0)
    assert escalation.run(dt.date(2026, 12, 3)) == escalation.Escalated(0, 0)  # the due day itself
    assert not SanctionProposal.objects.exists()


def test_an_overdue_action_raises_one_proposal_and_decides_nothing(world: dict[str, Any]) -> None:
    visit = done(world, failing=2)
    assert escalation.run(LATER) == escalation.Escalated(created=1, joined=1)
    proposal = SanctionProposal.objects.get()
    assert (proposal.kind, proposal.trigger, proposal.status, proposal.institute) == (
        "warning", "overdue", "pending", world["institute"])
    assert set(proposal.findings.all()) == set(visit.findings.all())
    assert visit.number in proposal.reason and proposal.basis == "بدون مجازات"
    # Nothing decided, nothing new on the licence, and a second run the same day adds nothing.
    assert list(Decision.objects.filter(licence=world["licence"]).values_list("kind", flat=True)) == ["grant"]
    assert escalation.run(LATER) == escalation.Escalated(0, 0)
    told = set(Notification.objects.filter(key=f"proposal:{proposal.pk}:raised").values_list("recipient__username",
                                                                                            flat=True))
    assert told == {"manager"}  # the province's manager decides; HQ hears only of revocations
    assert AuditEntry.objects.filter(content_type__model="sanctionproposal", action="create").count() == 1


def test_an_answer_rejected_twice_escalates_before_the_deadline(world: dict[str, Any]) -> None:
    visit = done(world, failing=1)
    item = visit.findings.get().followup
    for _round in range(2):
        followups.respond(world["institute_manager"], item, "انجام شد")
        followups.reject(world["manager"], item, "مستندات کافی نیست")
    assert escalation.run(TODAY).created == 1
    assert SanctionProposal.objects.get().trigger == "rejected"


def test_a_met_action_does_not_escalate(world: dict[str, Any]) -> None:
    visit = done(world, failing=1)
    item = visit.findings.get().followup
    followups.respond(world["institute_manager"], item, "کپسول نصب شد")
    followups.verify(world["manager"], item)
    assert escalation.run(LATER) == escalation.Escalated(0, 0)


def test_the_next_step_follows_the_sanctions_of_the_last_twelve_months(world: dict[str, Any]) -> None:
    licence = world["licence"]
    licensing.decide(world["manager"], licence, licensing.DecisionData(kind="warning", reason="تذکر قبلی"))
    licensing.decide(world["manager"], licence, licensing.DecisionData(
        kind="conditions", reason="شرط قبلی", conditions="گزارش ماهانه", effective_until=TODAY + dt.timedelta(days=60)))
    done(world, failing=1)
    escalation.run(LATER)
    proposal = SanctionProposal.objects.get()
    assert proposal.kind == "enrollment_ban"
    assert "تذکر کتبی" in proposal.basis and "تعیین شرط" in proposal.basis


def test_a_sanction_older_than_twelve_months_does_not_count(world: dict[str, Any]) -> None:
    old = Decision.objects.filter(licence=world["licence"]).first()
    assert old is not None
    Decision.objects.create(number="D-26-1403-9999", kind=DecisionKind.SUSPEND, unit=world["institute"],
                            licence=world["licence"], board=old.board, reason="قدیمی",
                            decided_on=TODAY - dt.timedelta(days=400), effective_from=TODAY - dt.timedelta(days=400),
                            effective_until=TODAY - dt.timedelta(days=380), appeal_until=TODAY - dt.timedelta(days=370))
    done(world, failing=1)
    escalation.run(LATER)
    assert SanctionProposal.objects.get().kind == "warning"


def test_a_later_unmet_action_joins_the_waiting_proposal(world: dict[str, Any]) -> None:
    done(world, failing=1)
    escalation.run(LATER)
    second = done(world, failing=1)
    assert escalation.run(LATER) == escalation.Escalated(created=0, joined=1)
    proposal = SanctionProposal.objects.get()
    assert proposal.findings.count() == 2 and second.number in proposal.reason


def test_deciding_records_the_boards_decision_with_the_visit_as_its_source(world: dict[str, Any]) -> None:
    visit = done(world, failing=1)
    escalation.run(LATER)
    proposal = SanctionProposal.objects.get()
    decision = sanctions.decide(world["manager"], proposal)
    assert decision.kind == "warning" and decision.licence == world["licence"]
    assert decision.source_label == f"پیشنهاد نظارت: بازدید {visit.number}، یافته 1"
    assert decision.board.level == "provincial" and decision.reason == proposal.reason
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision, proposal.decided_by) == ("decided", decision, world["manager"])
    with pytest.raises(ValidationError):
        sanctions.decide(world["manager"], proposal)
    with pytest.raises(ValidationError):
        sanctions.dismiss(world["manager"], proposal, "دیگر لازم نیست")


def test_a_periodic_sanction_is_decided_with_its_proposed_period(world: dict[str, Any]) -> None:
    licensing.decide(world["manager"], world["licence"], licensing.DecisionData(kind="warning", reason="تذکر قبلی"))
    done(world, failing=1)
    escalation.run(LATER)
    proposal = SanctionProposal.objects.get()
    assert proposal.kind == "conditions"
    decision = sanctions.decide(world["manager"], proposal)
    # Decided on TODAY: ninety days of conditions, which are the unmet corrective actions.
    assert decision.effective_until == TODAY + dt.timedelta(days=90)
    assert "رفع نقص" in decision.conditions


def test_a_revocation_is_the_central_boards(world: dict[str, Any]) -> None:
    licence = world["licence"]
    licensing.decide(world["manager"], licence, licensing.DecisionData(
        kind="suspend", reason="تعلیق قبلی", effective_from=TODAY + dt.timedelta(days=100),
        effective_until=TODAY + dt.timedelta(days=110)))
    done(world, failing=1)
    escalation.run(LATER)
    proposal = SanctionProposal.objects.get()
    assert proposal.kind == "revoke"
    assert set(Notification.objects.filter(key=f"proposal:{proposal.pk}:raised").values_list(
        "recipient__username", flat=True)) == {"manager", "planner"}
    with pytest.raises(PermissionDenied):
        sanctions.decide(world["manager"], proposal)
    assert SanctionProposal.objects.get(pk=proposal.pk).status == "pending"
    decision = sanctions.decide(world["hq_planner"], proposal)
    assert decision.kind == "revoke" and decision.board.level == "central"


def test_dismissing_needs_a_reason_and_the_finding_is_not_proposed_again(world: dict[str, Any]) -> None:
    done(world, failing=1)
    escalation.run(LATER)
    proposal = SanctionProposal.objects.get()
    with pytest.raises(ValidationError):
        sanctions.dismiss(world["manager"], proposal, " ")
    for who in ("expert", "hq_viewer", "institute_manager", "other_manager"):
        with pytest.raises(PermissionDenied):
            sanctions.dismiss(world[who], proposal, "دلیل")
    sanctions.dismiss(world["manager"], proposal, "آموزشگاه در جلسه هیأت مستندات را ارائه کرد")
    assert SanctionProposal.objects.get().status == "dismissed"
    assert escalation.run(LATER + dt.timedelta(days=1)) == escalation.Escalated(0, 0)
    assert list(Decision.objects.filter(licence=world["licence"]).values_list("kind", flat=True)) == ["grant"]
