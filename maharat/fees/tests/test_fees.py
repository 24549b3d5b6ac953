"""Maximum tuition, a course run's fee, the state tariff by income decile, early closure and refunds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from maharat.access.models import Account
from maharat.factories import (
    TODAY,
    CourseRunFactory,
    EnrollmentFactory,
    StandardFactory,
    TraineeFactory,
    make_unit,
    today_is,
)
from maharat.fees import rules, services
from maharat.fees.models import CourseFee, EarlyClosure, Refund, TuitionCap
from maharat.org.models import Unit, UnitKind
from maharat.training.services import course_run_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock() -> Any:
    with today_is(TODAY):
        yield


def person(django_user_model: Any, name: str, role: str, unit: Unit) -> Any:
    user = django_user_model.objects.create_user(name, password="fees-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def world(django_user_model: Any) -> dict[str, Any]:
    qazvin = Unit.objects.get(code="IR-26")
    county = make_unit(UnitKind.COUNTY, parent=qazvin)
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=county, cluster="services")  # licensed (maharat/conftest.py)
    center = make_unit(UnitKind.FIXED_CENTER, parent=county)
    far = make_unit(UnitKind.FREE_INSTITUTE, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-03")))
    standard = StandardFactory(cluster="services", level=2, theory_hours=20, practice_hours=40)
    run = CourseRunFactory(unit=institute, standard=standard, hours=60, start_date=TODAY - dt.timedelta(days=10),
                           end_date=TODAY + dt.timedelta(days=30))
    return {
        "institute": institute, "center": center, "far": far, "standard": standard, "run": run,
        "planner": person(django_user_model, "planner", "hq_planner", Unit.objects.get(code="IR")),
        "manager": person(django_user_model, "manager", "provincial_manager", qazvin),
        "own": person(django_user_model, "own", "institute_manager", institute),
        "far_manager": person(django_user_model, "farm", "institute_manager", far),
    }


def test_only_hq_enters_the_federations_table_and_a_late_entry_shows(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.set_cap(world["manager"], year=1405, cluster="services", level=2, per_hour=500_000)
    cap = services.set_cap(world["planner"], year=1405, cluster="services", level=2, per_hour=500_000)
    assert TuitionCap.objects.get(pk=cap.pk).per_hour == 500_000
    assert rules.cap_due(1405) == dt.date(2026, 3, 11)  # 20 Esfand 1404
    c = Client()
    c.force_login(world["planner"])
    page = c.get(reverse("fees_caps"), {"year": 1405}).content.decode()
    assert "۵۰۰٬۰۰۰" in page and "پس از مهلت" in page  # 1405's table was entered on 1405/09/01, after 1404/12/20


def test_a_fee_above_the_maximum_is_refused_with_the_arithmetic(world: dict[str, Any]) -> None:
    services.set_cap(world["planner"], year=1405, cluster="services", level=2, per_hour=100_000)
    with pytest.raises(ValidationError) as err:
        services.set_fee(world["own"], world["run"], 6_000_001)
    message = err.value.message_dict["per_trainee"][0]
    assert "۶٬۰۰۰٬۰۰۰" in message and "۶۰ ساعت" in message
    fee = services.set_fee(world["own"], world["run"], 6_000_000)
    assert (fee.per_trainee, fee.cap_per_hour) == (6_000_000, 100_000)


def test_more_hours_than_the_fee_allows_are_refused_on_the_run_itself(world: dict[str, Any]) -> None:
    services.set_cap(world["planner"], year=1405, cluster="services", level=2, per_hour=100_000)
    services.set_fee(world["own"], world["run"], 6_000_000)
    run = world["run"]
    run.hours = 50  # 50 × 100,000 = 5,000,000 < the fee
    with pytest.raises(ValidationError) as err:
        course_run_save(run)
    assert "hours" in err.value.message_dict


def test_fees_only_at_institutes_and_only_by_who_may_change_the_run(world: dict[str, Any]) -> None:
    public = CourseRunFactory(unit=world["center"])
    with pytest.raises(ValidationError):
        services.set_fee(world["planner"], public, 100)
    with pytest.raises(PermissionDenied):
        services.set_fee(world["far_manager"], world["run"], 100)
    for hostile in (-1, 10**13, True, "۱۰۰"):
        with pytest.raises(ValidationError):
            services.set_fee(world["own"], world["run"], hostile)
    assert not CourseFee.objects.exists()


def test_the_tariff_spares_the_five_lowest_deciles(world: dict[str, Any]) -> None:
    tariff = services.set_tariff(world["planner"], year=1405, per_hour=20_000)
    run = CourseRunFactory(unit=world["center"], hours=100, start_date=TODAY - dt.timedelta(days=5),
                           end_date=TODAY + dt.timedelta(days=20))
    def due(decile: int | None) -> int | None:
        trainee = TraineeFactory(income_decile=decile, decile_assessed_on=TODAY if decile else None)
        return rules.tariff_due(EnrollmentFactory(course_run=run, trainee=trainee), tariff)

    assert [due(d) for d in (1, 5, 6, 10)] == [0, 0, 2_000_000, 2_000_000]
    assert due(None) is None
    assert rules.tariff_due(EnrollmentFactory(course_run=world["run"]), tariff) is None  # an institute's course


def test_an_early_closure_needs_consent_and_owes_each_trainee_their_fee(world: dict[str, Any]) -> None:
    run = world["run"]
    services.set_fee(world["own"], run, 3_000_000)
    enrollments = [EnrollmentFactory(course_run=run) for _ in range(3)]
    with pytest.raises(ValidationError) as err:
        services.close_early(world["own"], run, closed_on=TODAY, reason="کمبود مربی", consent_documented=False)
    assert "consent_documented" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.close_early(world["own"], run, closed_on=run.end_date, reason="x", consent_documented=True)
    assert "closed_on" in err.value.message_dict
    closure = services.close_early(world["own"], run, closed_on=TODAY, reason="کمبود مربی", consent_documented=True)
    refunds = list(Refund.objects.filter(closure=closure).order_by("enrollment_id"))
    assert [(r.enrollment_id, r.amount) for r in refunds] == [(e.pk, 3_000_000) for e in enrollments]
    paid = services.pay_refund(world["own"], refunds[0], paid_on=TODAY, reference="RF-1001")
    assert paid.paid_on == TODAY
    with pytest.raises(ValidationError):
        services.pay_refund(world["own"], refunds[0], paid_on=TODAY, reference="RF-1001")
    with pytest.raises(PermissionDenied):
        services.pay_refund(world["far_manager"], refunds[1], paid_on=TODAY, reference="x")
    with pytest.raises(ValidationError):
        services.close_early(world["own"], run, closed_on=TODAY, reason="دوباره", consent_documented=True)
    assert EarlyClosure.objects.count() == 1


def test_the_course_run_page_shows_fee_cap_and_refunds(world: dict[str, Any]) -> None:
    services.set_cap(world["planner"], year=1405, cluster="services", level=2, per_hour=100_000)
    c = Client()
    c.force_login(world["own"])
    run = world["run"]
    assert c.post(reverse("fees_run_fee", args=[run.pk]), {"per_trainee": "۲۵۰۰۰۰۰"}).status_code == 302
    page = c.get(run.get_absolute_url()).content.decode()
    assert 'data-testid="run-fees"' in page and "۲٬۵۰۰٬۰۰۰" in page and "۶٬۰۰۰٬۰۰۰" in page
    far = Client()
    far.force_login(world["far_manager"])
    assert far.post(reverse("fees_run_fee", args=[run.pk]), {"per_trainee": "1"}).status_code == 404
    assert CourseFee.objects.get(pk=run.pk).per_trainee == 2_500_000


def test_a_new_run_is_saved_through_the_same_path(world: dict[str, Any]) -> None:
    from maharat.training.models import CourseRun

    run = course_run_save(CourseRun(unit=world["institute"], standard=world["standard"], mode="free_institute",
                                    start_date=TODAY, end_date=TODAY + dt.timedelta(days=20), hours=60, capacity=10))
    assert run.pk and not CourseFee.objects.filter(pk=run.pk).exists()
