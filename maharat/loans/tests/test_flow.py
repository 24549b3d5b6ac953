"""A loan from request to repaid, through the services as the pages call them: each step's state, dates and
who did it, and the trail of every transition."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import F

from maharat.audit.models import AuditEntry
from maharat.loans import services
from maharat.loans.models import Instalment, Loan, LoanStatus, Repayment

from .conftest import DECIDED, PAID_OUT, RECEIVED, applied, approved, disbursed, fresh

pytestmark = pytest.mark.django_db


def transitions(loan: Loan) -> list[list[str]]:
    entries = AuditEntry.objects.filter(content_type__model="loan", object_id=str(loan.pk), action="transition",
                                        changes__has_key="status").order_by("pk")
    return [list(e.changes["status"]) for e in entries]  # type: ignore[misc]


def test_from_request_to_repaid(world: dict[str, Any]) -> None:
    loan = applied(world)
    assert loan.status == LoanStatus.SUBMITTED and loan.number == "IR-26-1405-L0001"
    assert (loan.province, loan.received_on, loan.interest_rate, loan.grace_months) == (
        world["qazvin"], RECEIVED, 4, 6)
    loan = approved(world, loan, amount=400_000_000, note="پیش‌فاکتور دوم گران‌تر از بازار است.")
    assert (loan.status, loan.approved_amount, loan.decided_on, loan.decided_by) == (
        LoanStatus.APPROVED, 400_000_000, DECIDED, world["manager"])
    loan = disbursed(world, loan)
    assert (loan.status, loan.disbursed_on, loan.disbursement_reference) == (LoanStatus.DISBURSED, PAID_OUT,
                                                                          "PAY-1405-0001")
    lines = list(Instalment.objects.filter(loan=loan).order_by("number"))
    assert len(lines) == 24 and sum(i.principal for i in lines) == 400_000_000
    assert lines[0].due_date == dt.date(2026, 12, 1)  # 1405/09/10, a Jalali month after 1405/08/10
    first = services.record_repayment(world["expert"], loan, on=dt.date(2026, 11, 20), amount=lines[0].amount,
                                      reference="BANK-1")
    assert fresh(loan).status == LoanStatus.REPAYING and first.allocations.count() == 1
    rest = sum(i.amount for i in lines) - lines[0].amount
    services.record_repayment(world["expert"], loan, on=dt.date(2026, 11, 21), amount=rest, reference="BANK-2")
    loan = fresh(loan)
    assert loan.status == LoanStatus.REPAID and loan.closed_on == dt.date(2026, 11, 21)
    assert not Instalment.objects.filter(loan=loan, paid__lt=F("amount")).exists()
    assert Repayment.objects.filter(loan=loan).count() == 2
    assert transitions(loan) == [["submitted", "approved"], ["approved", "disbursed"], ["disbursed", "repaying"],
                                 ["repaying", "repaid"]]


def test_rejected_with_its_reason(world: dict[str, Any]) -> None:
    loan = services.reject(world["manager"], applied(world), reason="طرح توجیهی ناقص است.", on=DECIDED)
    assert (loan.status, loan.decision_note, loan.decided_on) == (LoanStatus.REJECTED, "طرح توجیهی ناقص است.", DECIDED)
    assert transitions(loan) == [["submitted", "rejected"]]
    assert AuditEntry.objects.filter(object_id=str(loan.pk), content_type__model="loan").order_by("pk").first().action == "create"


def test_default_and_write_off_by_hq(world: dict[str, Any]) -> None:
    loan = disbursed(world, approved(world, applied(world)))
    loan = services.declare_default(world["hq_planner"], loan, reason="دوازده ماه بی‌پرداخت و آموزشگاه تعطیل شد.")
    assert loan.status == LoanStatus.DEFAULTED and loan.defaulted_on == dt.date(2026, 11, 22)
    loan = services.write_off(world["hq_planner"], loan, reason="رأی کمیسیون وصول مطالبات.")
    assert loan.status == LoanStatus.WRITTEN_OFF and loan.closed_on == dt.date(2026, 11, 22)
    assert transitions(loan)[-2:] == [["disbursed", "defaulted"], ["defaulted", "written_off"]]
