"""Who may borrow: each refusal on its own, with its own Persian message (written here by hand), nothing
written when refused; several at once, all named; and the same checks again at the decision and, for the
standing, at disbursement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from maharat.audit.models import AuditEntry
from maharat.factories import make_unit
from maharat.institutes import services as licensing
from maharat.institutes.models import Licence
from maharat.loans import eligibility, programmes, services
from maharat.loans.models import Loan, LoanStatus
from maharat.notify.models import Notification
from maharat.org.models import UnitKind

from .conftest import PROGRAMME, applied, approved, disbursed, fresh

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def refused(world: dict[str, Any], **kw: Any) -> dict[str, list[str]]:
    before = Loan.objects.count()
    with pytest.raises(ValidationError) as caught:
        applied(world, **kw)
    assert Loan.objects.count() == before
    return caught.value.message_dict


def decide(world: dict[str, Any], unit: str, kind: str, **terms: Any) -> None:
    licence = Licence.objects.get(institute__unit=world[unit], is_current=True)
    licensing.decide(world["manager"], licence, licensing.DecisionData(kind=kind, reason="بازدید نظارتی", **terms))


def last_year(world: dict[str, Any]) -> Any:
    return programmes.create(world["hq_planner"], **{**PROGRAMME, "year": 1404, "title": "تسهیلات ۱۴۰۴"})


def test_an_eligible_request_passes_every_check(world: dict[str, Any]) -> None:
    found = eligibility.checks(institute=world["institute"], programme=world["programme"], amount=500_000_000,
                               day=TODAY)
    assert [(c.key, c.ok, c.message) for c in found] == [
        ("standing", True, ""), ("overdue", True, ""), ("ceiling", True, ""), ("budget", True, ""),
        ("one_open", True, "")]


def test_an_unlicensed_institute(world: dict[str, Any]) -> None:
    world["bare"] = make_unit(UnitKind.FREE_INSTITUTE, parent=world["county"], name="آموزشگاه بی‌پروانه")
    assert refused(world, institute="bare") == {
        "__all__": ["آموزشگاه در ۱۴۰۵/۰۸/۰۱ پروانه معتبر ندارد: این آموزشگاه پروانه تأسیس ندارد."]}


def test_a_suspended_institute(world: dict[str, Any]) -> None:
    decide(world, "institute", "suspend", effective_until=TODAY + dt.timedelta(days=60))
    errors = refused(world, received_on=TODAY)
    assert list(errors) == ["__all__"] and errors["__all__"][0].startswith("آموزشگاه در ۱۴۰۵/۰۹/۰۱ پروانه معتبر ندارد")


def test_a_sanction_graver_than_a_warning_within_the_year(world: dict[str, Any]) -> None:
    decide(world, "neighbour", "warning")  # a warning alone leaves the institute in good standing
    assert applied(world, institute="neighbour", received_on=TODAY).status == LoanStatus.SUBMITTED
    decide(world, "institute", "conditions", conditions="نصب تجهیزات ایمنی", effective_until=TODAY + dt.timedelta(days=30))
    assert refused(world, received_on=TODAY) == {"__all__": [
        "آموزشگاه در ۱۴۰۵/۰۹/۰۱ وضعیت نظارتی مطلوب ندارد: تعلیق، منع ثبت‌نام جدید یا مجازاتی سنگین‌تر از تذکر "
        "کتبی در یک سال گذشته."]}
    # The request received before the sanction was taken is judged on its own day.
    assert applied(world, received_on=TODAY - dt.timedelta(days=1)).status == LoanStatus.SUBMITTED


def test_an_instalment_more_than_thirty_days_late(world: dict[str, Any]) -> None:
    old = last_year(world)
    # Received 1404/09/01, paid out 1404/09/10 (2025-12-01), 12 months with 6 of grace: the first instalment
    # fell due 1404/10/10 (2025-12-31), and nothing was ever repaid. 2025-12-31 to 2026-10-23: 273 days to
    # the end of September, and 23 more.
    loan = applied(world, programme=old, received_on=dt.date(2025, 11, 22), term=12)
    disbursed(world, approved(world, loan, on=dt.date(2025, 11, 25)), on=dt.date(2025, 12, 1))
    assert refused(world) == {"__all__": [
        "آموزشگاه قسط معوق دارد: قسط ۱ تسهیلات IR-26-1404-L0001 با سررسید ۱۴۰۴/۱۰/۱۰ تا ۱۴۰۵/۰۸/۰۱ پرداخت نشده "
        "بود (۲۹۶ روز پس از سررسید)."]}


def test_a_late_instalment_paid_up_by_the_day_of_the_request_no_longer_counts(world: dict[str, Any]) -> None:
    old = last_year(world)
    loan = disbursed(world, approved(world, applied(world, programme=old, received_on=dt.date(2025, 11, 22),
                                                    term=12), on=dt.date(2025, 11, 25)), on=dt.date(2025, 12, 1))
    # Everything due by 1405/08/01 paid on 1405/07/30 (late, but paid before the request was received).
    due = sum(i.amount for i in loan.instalments.filter(due_date__lt=dt.date(2026, 10, 23)))
    services.record_repayment(world["expert"], loan, on=dt.date(2026, 10, 22), amount=due, reference="R-1")
    assert applied(world).status == LoanStatus.SUBMITTED
    # Asked of a day before that payment, the same instalments were late.
    assert eligibility.late_instalment(world["institute"], dt.date(2026, 10, 21)) is not None


def test_up_to_thirty_days_late_is_tolerated(world: dict[str, Any]) -> None:
    old = last_year(world)
    loan = disbursed(world, approved(world, applied(world, programme=old, received_on=dt.date(2026, 3, 10), term=12),
                                     on=dt.date(2026, 3, 12)), on=dt.date(2026, 3, 15))  # 1404/12/24
    first = loan.instalments.get(number=1)
    assert first.due_date == dt.date(2026, 4, 13)  # 1405/01/24
    assert eligibility.late_instalment(world["institute"], first.due_date + dt.timedelta(days=30)) is None
    assert eligibility.late_instalment(world["institute"], first.due_date + dt.timedelta(days=31)) == first


def test_a_written_off_loan_stays_against_the_institute(world: dict[str, Any]) -> None:
    old = last_year(world)
    loan = disbursed(world, approved(world, applied(world, programme=old, received_on=dt.date(2025, 11, 22), term=12),
                                     on=dt.date(2025, 11, 25)), on=dt.date(2025, 12, 1))
    services.declare_default(world["hq_planner"], loan, reason="یک سال بی‌پرداخت")
    services.write_off(world["hq_planner"], loan, reason="رأی کمیسیون")
    assert "آموزشگاه قسط معوق دارد" in refused(world)["__all__"][0]


def test_above_the_programmes_ceiling(world: dict[str, Any]) -> None:
    assert refused(world, amount=2_500_000_000) == {"amount": [
        "مبلغ ۲٬۵۰۰٬۰۰۰٬۰۰۰ ریال از سقف هر تسهیلات در این برنامه (۲٬۰۰۰٬۰۰۰٬۰۰۰ ریال) بیشتر است."]}


def test_above_what_is_left_of_the_budget(world: dict[str, Any]) -> None:
    small = programmes.create(world["hq_planner"], **{**PROGRAMME, "title": "برنامه کوچک", "budget": 1_000_000_000,
                                                      "max_amount": 800_000_000})
    approved(world, applied(world, institute="neighbour", programme=small, amount=800_000_000))
    assert refused(world, programme=small, amount=300_000_000) == {"amount": [
        "مبلغ ۳۰۰٬۰۰۰٬۰۰۰ ریال از مانده اعتبار برنامه (۲۰۰٬۰۰۰٬۰۰۰ ریال) بیشتر است."]}
    # A request that waits for its decision binds nothing: only approved amounts count against the budget.
    assert applied(world, programme=small, amount=200_000_000).status == LoanStatus.SUBMITTED


def test_a_second_open_loan_in_the_same_programme(world: dict[str, Any]) -> None:
    first = applied(world)
    assert refused(world, amount=100_000_000) == {"__all__": [
        "این آموزشگاه در همین برنامه تسهیلات IR-26-1405-L0001 (در انتظار تصمیم) را دارد؛ درخواست دیگر پس از "
        "تسویه یا رد آن پذیرفته می‌شود."]}
    services.reject(world["manager"], first, reason="طرح ناقص")
    assert applied(world, amount=100_000_000).status == LoanStatus.SUBMITTED


def test_every_reason_at_once_and_nothing_written(world: dict[str, Any]) -> None:
    world["bare"] = make_unit(UnitKind.FREE_INSTITUTE, parent=world["county"], name="آموزشگاه بی‌پروانه")
    trail = AuditEntry.objects.filter(content_type__model="loan").count()
    errors = refused(world, institute="bare", amount=3_000_000_000, term=48, description="")
    assert sorted(errors) == ["__all__", "amount", "description", "term_months"]
    assert errors["amount"] == ["مبلغ ۳٬۰۰۰٬۰۰۰٬۰۰۰ ریال از سقف هر تسهیلات در این برنامه (۲٬۰۰۰٬۰۰۰٬۰۰۰ ریال) بیشتر است."]
    assert errors["term_months"] == ["«مدت (ماه)» نمی‌تواند بیشتر از ۳۶ باشد."]
    assert errors["description"] == ["«شرح طرح» را بنویسید."]
    assert AuditEntry.objects.filter(content_type__model="loan").count() == trail
    assert not Notification.objects.filter(topic="loans").exists()


def test_the_decision_asks_again_with_the_amount_approved(world: dict[str, Any]) -> None:
    small = programmes.create(world["hq_planner"], **{**PROGRAMME, "title": "برنامه کوچک", "budget": 1_000_000_000,
                                                      "max_amount": 800_000_000})
    mine = applied(world, programme=small, amount=600_000_000)
    approved(world, applied(world, institute="neighbour", programme=small, amount=600_000_000))
    with pytest.raises(ValidationError) as caught:
        approved(world, mine)
    assert caught.value.message_dict == {"amount": [
        "مبلغ ۶۰۰٬۰۰۰٬۰۰۰ ریال از مانده اعتبار برنامه (۴۰۰٬۰۰۰٬۰۰۰ ریال) بیشتر است."]}
    assert fresh(mine).status == LoanStatus.SUBMITTED
    done = approved(world, mine, amount=400_000_000, note="به اندازه مانده اعتبار")
    assert (done.status, done.approved_amount) == (LoanStatus.APPROVED, 400_000_000)
    assert eligibility.remaining_budget(small) == 0


def test_no_money_to_an_institute_suspended_since_its_approval(world: dict[str, Any]) -> None:
    loan = approved(world, applied(world))
    decide(world, "institute", "suspend", effective_until=TODAY + dt.timedelta(days=60))
    with pytest.raises(ValidationError) as caught:
        disbursed(world, loan, on=TODAY)
    assert list(caught.value.message_dict) == ["on"]
    assert "پروانه معتبر ندارد" in caught.value.message_dict["on"][0]
    assert fresh(loan).status == LoanStatus.APPROVED and not loan.instalments.exists()
