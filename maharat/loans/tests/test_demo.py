"""The demo's loans: built through the services by the demo accounts, one in each state the brief names, the
demo institute's own being repaid, and a second build changing nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maharat.access.models import Account
from maharat.factories import TODAY, make_unit
from maharat.institutes.factories import license_unit
from maharat.loans import demo
from maharat.loans.models import Loan, LoanProgramme, Repayment
from maharat.notify.models import Notification
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def qazvin_demo(db: Any, django_user_model: Any) -> dict[str, Any]:
    qazvin, hq = Unit.objects.get(code="IR-26"), Unit.objects.get(code="IR")
    county = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان قزوین")
    institutes = [make_unit(UnitKind.FREE_INSTITUTE, parent=county, name=f"آموزشگاه آزاد نمونه {i}",
                            cluster="industry") for i in range(12)]
    for unit in institutes:
        license_unit(unit, issued_on=dt.date(2020, 3, 20), clusters=["industry"])
    people = {}
    for name, role, unit in (("hq_planner", "hq_planner", hq), ("qazvin_manager", "provincial_manager", qazvin),
                             ("qazvin_expert", "provincial_expert", qazvin),
                             ("institute_manager", "institute_manager", institutes[5])):
        people[name] = django_user_model.objects.create_user(name, password="demo-test-password")
        Account.objects.create(user=people[name], role=role, unit=unit)
    return {"institutes": institutes, "own": institutes[5], **people}


def test_every_state_through_the_services(qazvin_demo: dict[str, Any]) -> None:
    demo.build(TODAY)
    states = sorted(Loan.objects.values_list("status", flat=True))
    assert states == sorted(["repaid", "repaying", "repaying", "defaulted", "disbursed", "approved", "rejected",
                             "submitted", "submitted"])
    assert LoanProgramme.objects.filter(is_open=True).count() == 1  # last year's line is closed
    own = Loan.objects.get(institute=qazvin_demo["own"])
    assert own.status == "repaying" and not own.instalments.filter(due_date__lt=TODAY, paid__lt=1).exists()
    late = Loan.objects.exclude(pk=own.pk).get(status="repaying")
    assert late.instalments.filter(due_date__lt=TODAY - dt.timedelta(days=30), paid=0).exists()
    assert Loan.objects.filter(status="approved", approved_amount__lt=1_700_000_000).count() == 1
    assert Repayment.objects.filter(loan__status="repaid").exists()
    assert Loan.objects.filter(status="submitted", requested_amount=6_000_000_000).exists()  # HQ's to decide
    assert Notification.objects.filter(topic="loans", key__contains=":instalment:", key__endswith=":late30").exists()
    assert {loan.applied_by.username for loan in Loan.objects.all()} == {"qazvin_expert"}


def test_a_second_build_changes_nothing(qazvin_demo: dict[str, Any]) -> None:
    demo.build(TODAY)
    before = (Loan.objects.count(), Repayment.objects.count())
    demo.build(TODAY)
    assert (Loan.objects.count(), Repayment.objects.count()) == before
