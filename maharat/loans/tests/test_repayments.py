"""Repayments: the oldest unpaid instalment first, partial payments, several instalments at once, the
overpayment refused with the amount that settles the loan, the order of dates, the reference once; and what
each instalment was paid always the sum of what was applied to it (counted here from the raw rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.audit.models import AuditEntry
from maharat.loans import services
from maharat.loans.models import Allocation, Instalment, LoanStatus, Repayment

from .conftest import PAID_OUT, fresh, paid_out

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)


def pay(world: dict[str, Any], loan: Any, amount: int, reference: str, on: dt.date = TODAY) -> Repayment:
    return services.record_repayment(world["expert"], loan, on=on, amount=amount, reference=reference)


def paid(loan: Any) -> list[int]:
    return list(Instalment.objects.filter(loan=loan).order_by("number").values_list("paid", flat=True))


def applied_from_rows(loan: Any) -> dict[int, int]:
    """What each instalment received, summed from the allocation rows themselves."""
    sums: dict[int, int] = {}
    for number, amount in Allocation.objects.filter(instalment__loan=loan).values_list("instalment__number", "amount"):
        sums[number] = sums.get(number, 0) + amount
    return sums


def test_oldest_first_partial_and_several_at_once(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    grace = 1_666_667  # the interest of a grace month: 500,000,000 × 4% / 12
    pay(world, loan, 1_000_000, "R-1")  # part of the first
    assert paid(loan)[:3] == [1_000_000, 0, 0]
    pay(world, loan, 2_000_000, "R-2")  # the rest of the first, then part of the second
    assert paid(loan)[:3] == [grace, 2_000_000 - (grace - 1_000_000), 0]
    pay(world, loan, 3_000_000, "R-3")  # finishes the second (333,334), pays the third, starts the fourth
    assert paid(loan)[:5] == [grace, grace, grace, 999_999, 0]
    assert dict(enumerate(paid(loan), start=1)) == {n: applied_from_rows(loan).get(n, 0) for n in range(1, 25)}
    assert fresh(loan).status == LoanStatus.REPAYING
    r3 = Repayment.objects.get(reference="R-3")
    assert list(r3.allocations.order_by("instalment__number").values_list("instalment__number", "amount")) == [
        (2, 333_334), (3, grace), (4, 999_999)]


def test_an_overpayment_is_refused_with_what_settles_the_loan(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    owed = sum(i.amount for i in Instalment.objects.filter(loan=loan))
    pay(world, loan, 100_000_000, "R-1")
    left = owed - 100_000_000
    with pytest.raises(ValidationError) as caught:
        pay(world, loan, left + 1, "R-2")
    shown = f"{left:,}".replace(",", "٬").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    more = f"{left + 1:,}".replace(",", "٬").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert caught.value.message_dict == {"amount": [
        f"مبلغ {more} ریال از مانده بدهی این تسهیلات ({shown} ریال) بیشتر است؛ اضافه‌پرداخت پذیرفته نمی‌شود. "
        f"برای تسویه کامل، {shown} ریال ثبت کنید."]}
    assert Repayment.objects.filter(loan=loan).count() == 1
    pay(world, loan, left, "R-3")
    assert fresh(loan).status == LoanStatus.REPAID and paid(loan) == [
        i.amount for i in Instalment.objects.filter(loan=loan).order_by("number")]
    with pytest.raises(ValidationError) as caught:
        pay(world, loan, 1, "R-4")
    assert caught.value.messages == ["این تسهیلات در وضعیت «تسویه‌شده» است و بازپرداخت نمی‌پذیرد."]


def test_dates_follow_the_disbursement_and_each_other(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    with pytest.raises(ValidationError) as caught:
        pay(world, loan, 1_000_000, "R-0", on=PAID_OUT - dt.timedelta(days=1))
    assert caught.value.message_dict == {"on": [
        "«تاریخ پرداخت» نمی‌تواند پیش از تاریخ پرداخت تسهیلات (۱۴۰۵/۰۸/۱۰) باشد."]}
    pay(world, loan, 1_000_000, "R-1", on=dt.date(2026, 11, 15))
    with pytest.raises(ValidationError) as caught:
        pay(world, loan, 1_000_000, "R-2", on=dt.date(2026, 11, 14))
    assert caught.value.message_dict == {"on": [
        "«تاریخ پرداخت» نمی‌تواند پیش از آخرین بازپرداخت ثبت‌شده (۱۴۰۵/۰۸/۲۴) باشد."]}
    with pytest.raises(ValidationError) as caught:
        pay(world, loan, 1_000_000, "R-1")
    assert caught.value.message_dict == {"reference": ["بازپرداختی با همین شماره مرجع برای این تسهیلات ثبت شده است."]}


def test_every_fault_at_once(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    with pytest.raises(ValidationError) as caught:
        services.record_repayment(world["expert"], loan, on=dt.date(2030, 1, 1), amount=-5, reference="@SUM(A1)")
    assert caught.value.message_dict == {
        "on": ["«تاریخ پرداخت» نمی‌تواند بعد از امروز باشد."],
        "amount": ["«مبلغ (ریال)» نمی‌تواند کمتر از ۱ باشد."],
        "reference": ["«شماره مرجع» نمی‌تواند با = + - @ آغاز شود."]}
    assert not Repayment.objects.exists() and set(paid(loan)) == {0}


def test_only_who_records_money_records_it(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    for who in ("manager", "hq_planner", "institute_manager", "hq_viewer"):
        with pytest.raises(PermissionDenied):
            services.record_repayment(world[who], loan, on=TODAY, amount=1_000_000, reference=f"R-{who}")
    with pytest.raises(Exception):  # another province's expert does not even find it  # noqa: B017
        services.record_repayment(world["other_expert"], loan, on=TODAY, amount=1_000_000, reference="R-far")
    assert not Repayment.objects.exists()


def test_a_defaulted_loan_still_recovers_and_is_repaid_in_full(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    services.declare_default(world["hq_planner"], loan, reason="شش ماه بی‌پرداخت")
    owed = sum(i.amount for i in Instalment.objects.filter(loan=loan))
    pay(world, loan, owed - 10, "REC-1")
    assert fresh(loan).status == LoanStatus.DEFAULTED
    pay(world, loan, 10, "REC-2")
    assert fresh(loan).status == LoanStatus.REPAID


def test_each_instalment_change_is_audited(world: dict[str, Any]) -> None:
    loan = paid_out(world)
    pay(world, loan, 2_000_000, "R-1")
    changes = AuditEntry.objects.filter(content_type__model="instalment", action="update").order_by("pk")
    assert [(e.changes["paid"], e.note) for e in changes] == [([0, 1_666_667], "R-1"), ([0, 333_333], "R-1")]
    assert AuditEntry.objects.filter(content_type__model="repayment", action="create").count() == 1
