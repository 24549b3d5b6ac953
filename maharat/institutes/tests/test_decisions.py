"""Sanctions, their effect on the licence and on training, and appeals that vary or annul them in versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.factories import TODAY, CourseRunFactory, EnrollmentFactory, StandardFactory, TraineeFactory
from maharat.institutes import selectors, services
from maharat.institutes.models import Appeal, AppealStatus, Decision, DecisionKind, LicenceStatus
from maharat.org.models import Unit
from maharat.training.models import CourseRun, Enrollment
from maharat.training.services import course_run_save

from .conftest import fresh

pytestmark = pytest.mark.django_db
D = services.DecisionData


def run_at(unit: Unit, start: dt.date, days: int = 30, cluster: str = "services") -> CourseRun:
    run = CourseRun(unit=unit, standard=StandardFactory(cluster=cluster), mode="free_institute", start_date=start,
                    end_date=start + dt.timedelta(days=days), hours=60, capacity=20)
    return course_run_save(run)


def test_a_suspension_suspends_the_licence_in_its_dates_and_refuses_runs_that_touch_them(world: dict[str, Any]) -> None:
    licence = world["licence"]
    start, until = TODAY + dt.timedelta(days=10), TODAY + dt.timedelta(days=40)
    services.decide(world["manager"], licence, D(kind="suspend", reason="تعطیلی بدون اطلاع", effective_from=start,
                                                 effective_until=until))
    assert fresh(licence).status == LicenceStatus.ACTIVE  # not yet
    services.recompute(fresh(licence), start)
    assert fresh(licence).status == LicenceStatus.SUSPENDED
    services.recompute(fresh(licence), until + dt.timedelta(days=1))
    assert fresh(licence).status == LicenceStatus.ACTIVE
    assert selectors.licensed_on(world["institute"].pk, TODAY)
    assert not selectors.licensed_on(world["institute"].pk, start)
    with pytest.raises(ValidationError) as err:
        run_at(world["institute"], TODAY, days=20)
    assert "تعلیق" in str(err.value.message_dict["start_date"])
    assert run_at(world["institute"], until + dt.timedelta(days=1)).pk  # after it, training goes on


def test_a_run_outside_the_licensed_fields_is_refused_with_the_fields_named(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        run_at(world["institute"], TODAY, cluster="industry")
    assert "خدمات" in err.value.message_dict["standard"][0]
    assert run_at(world["neighbour"], TODAY, cluster="industry").pk


@pytest.mark.unlicensed
def test_an_institute_with_no_licence_trains_nothing(world: dict[str, Any]) -> None:
    from maharat.factories import make_unit

    bare = make_unit("free_institute", parent=world["county"], name="بدون پروانه")
    with pytest.raises(ValidationError, match="پروانه تأسیس ندارد"):
        run_at(bare, TODAY)


def test_an_enrollment_ban_refuses_new_enrollments_but_keeps_the_ones_in_place(world: dict[str, Any]) -> None:
    licence = world["licence"]
    run = run_at(world["institute"], TODAY - dt.timedelta(days=5))
    kept = EnrollmentFactory(course_run=run)
    services.decide(world["manager"], licence, D(kind="enrollment_ban", reason="مربی بدون کارت",
                                                 effective_until=TODAY + dt.timedelta(days=30)))
    late = Enrollment(course_run=run, trainee=TraineeFactory())
    with pytest.raises(ValidationError) as err:
        late.full_clean()
    assert "منع" in err.value.message_dict["course_run"][0]
    kept.hours_attended = 10
    kept.full_clean()  # a change to an enrollment already there is not a new one


def test_revocation_is_the_central_boards_and_ends_the_licence(world: dict[str, Any]) -> None:
    licence = world["licence"]
    with pytest.raises(PermissionDenied):
        services.decide(world["manager"], licence, D(kind="revoke", reason="تخلف مکرر"))
    decision = services.decide(world["hq_planner"], licence, D(kind="revoke", reason="تخلف مکرر"))
    assert decision.board.level == "central"
    licence = fresh(licence)
    assert (licence.status, licence.ended_on) == (LicenceStatus.REVOKED, TODAY)
    assert not Unit.objects.get(pk=world["institute"].pk).is_active
    with pytest.raises(ValidationError):  # nothing more is decided on an ended licence
        services.decide(world["hq_planner"], licence, D(kind="warning", reason="x"))


def test_shortening_moves_the_expiry_and_past_runs_stay_licensed(world: dict[str, Any]) -> None:
    licence = world["licence"]
    earlier = CourseRunFactory(unit=world["institute"], start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 2, 1))
    services.decide(world["manager"], licence, D(kind="shorten", reason="تکرار تخلف شهریه",
                                                 new_expiry=TODAY + dt.timedelta(days=60)))
    assert fresh(licence).expires_on == TODAY + dt.timedelta(days=60)
    assert selectors.why_not_licensed(world["institute"].pk, earlier.start_date, earlier.end_date) == ""
    with pytest.raises(ValidationError, match="تمدید"):
        run_at(world["institute"], TODAY + dt.timedelta(days=50), days=30)


@pytest.mark.parametrize("terms,field", [
    (dict(kind="suspend", reason="x"), "effective_until"),
    (dict(kind="suspend", reason="x", effective_until=TODAY - dt.timedelta(days=1)), "effective_until"),
    (dict(kind="conditions", reason="x", conditions=""), "conditions"),
    (dict(kind="shorten", reason="x", new_expiry=dt.date(2040, 1, 1)), "new_expiry"),
    (dict(kind="warning", reason=""), "reason"),
    (dict(kind="warning", reason="x", decided_on=TODAY + dt.timedelta(days=1)), "decided_on"),
    (dict(kind="warning", reason="x", decided_on=dt.date(1, 1, 1)), "decided_on"),
    (dict(kind="grant", reason="x"), "kind"),
    (dict(kind="warning", reason="x\x00y"), "reason"),
])
def test_a_decision_with_bad_terms_names_the_field_and_saves_nothing(world: dict[str, Any], terms: dict[str, Any],
                                                                      field: str) -> None:
    with pytest.raises(ValidationError) as err:
        services.decide(world["manager"], world["licence"], D(**terms))
    assert field in err.value.message_dict
    assert not Decision.objects.filter(licence=world["licence"]).exclude(kind=DecisionKind.GRANT).exists()


def test_an_appeal_that_varies_a_suspension_keeps_both_versions(world: dict[str, Any]) -> None:
    licence = world["licence"]
    first = services.decide(world["manager"], licence, D(kind="suspend", reason="عدم بازپرداخت شهریه",
                                                         effective_until=TODAY + dt.timedelta(days=60)))
    appeal = services.lodge_appeal(world["institute_manager"], first, "رسید بازپرداخت پیوست است.")
    with pytest.raises(PermissionDenied):  # the province does not rule on an appeal against its own board
        services.rule_on_appeal(world["manager"], appeal, AppealStatus.VARIED, "x")
    services.rule_on_appeal(world["hq_planner"], appeal, AppealStatus.VARIED, "مدت به دو هفته کاهش یافت.",
                            changes=D(kind=None, reason="", effective_until=TODAY + dt.timedelta(days=14)))
    old, new = Decision.objects.get(pk=first.pk), Decision.objects.get(supersedes=first)
    assert (old.in_force, old.effective_until) == (False, TODAY + dt.timedelta(days=60))  # never overwritten
    assert (new.in_force, new.version, new.kind, new.effective_until) == (True, 2, "suspend",
                                                                          TODAY + dt.timedelta(days=14))
    assert Appeal.objects.get(pk=appeal.pk).outcome_id == new.pk
    assert selectors.licensed_on(world["institute"].pk, TODAY + dt.timedelta(days=20))


def test_an_annulled_revocation_gives_the_licence_back(world: dict[str, Any]) -> None:
    licence = world["licence"]
    revoked = services.decide(world["hq_planner"], licence, D(kind="revoke", reason="تخلف"))
    appeal = services.lodge_appeal(world["institute_manager"], revoked, "تخلف از آموزشگاه دیگری بوده است.")
    services.rule_on_appeal(world["hq_planner"], appeal, AppealStatus.ANNULLED, "اشتباه در شناسایی آموزشگاه.")
    licence = fresh(licence)
    assert (licence.status, licence.ended_on) == (LicenceStatus.ACTIVE, None)
    assert Decision.objects.get(supersedes=revoked).kind == DecisionKind.ANNUL


def test_appeals_only_by_the_institute_within_the_deadline_and_one_at_a_time(world: dict[str, Any]) -> None:
    decision = services.decide(world["manager"], world["licence"], D(kind="warning", reason="تذکر"))
    with pytest.raises(PermissionDenied):
        services.lodge_appeal(world["neighbour_manager"], decision, "نه")
    services.lodge_appeal(world["institute_manager"], decision, "دلیل")
    with pytest.raises(ValidationError, match="در حال رسیدگی"):
        services.lodge_appeal(world["institute_manager"], decision, "دوباره")
    late = services.decide(world["manager"], world["licence"], D(kind="warning", reason="دوم"))
    Decision.objects.filter(pk=late.pk).update(appeal_until=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="مهلت"):
        services.lodge_appeal(world["institute_manager"], Decision.objects.get(pk=late.pk), "دیر")


def test_the_appeal_deadline_counts_working_days(world: dict[str, Any], settings: Any) -> None:
    settings.MAHARAT_APPEAL_WORKING_DAYS = 5
    decision = services.decide(world["manager"], world["licence"], D(kind="warning", reason="تذکر"))
    # Sunday 1405/09/01 + 5 working days, past Friday: Saturday 1405/09/07.
    assert decision.appeal_until == dt.date(2026, 11, 28)


def test_in_good_standing_for_loans_and_contracts(world: dict[str, Any]) -> None:
    unit = world["institute"].pk
    assert selectors.in_good_standing(unit)
    services.decide(world["manager"], world["licence"], D(kind="warning", reason="تذکر"))
    assert selectors.in_good_standing(unit)  # a warning alone does not spoil it
    services.decide(world["manager"], world["licence"], D(kind="conditions", reason="شرط", conditions="بیمه"))
    assert not selectors.in_good_standing(unit)
    assert selectors.in_good_standing(world["neighbour"].pk)
