"""Clawback: a counted result withdrawn after it was invoiced is a negative line on the next invoice of its
tranche, with the reason; the paid invoice is never edited. Also: adjustments when an amount itself moves, a
void invoice no longer counts, and nothing is ever invoiced twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from maharat.attachments.tests.files import real_pdf, upload
from maharat.people.models import Trainee
from maharat.purchasing import invoicing, selectors, services
from maharat.purchasing.models import Contract, Invoice, InvoiceLine, LineKind, Tranche
from maharat.training.models import Enrollment

from .conftest import certify, enroll, make_contract, run_of, signed

pytestmark = pytest.mark.django_db


def paid(world: dict[str, Any], contract: Contract, tranche: str) -> Invoice:
    invoice = invoicing.issue_invoice(world["expert"], contract, tranche)
    invoicing.approve_invoice(world["manager"], invoice)
    return invoicing.pay_invoice(world["manager"], invoice, paid_on=invoice.issued_on, reference="R-1")


def frozen(invoice: Invoice) -> list[tuple[Any, ...]]:
    return list(InvoiceLine.objects.filter(invoice=invoice).order_by("pk").values_list(
        "enrollment_key", "kind", "amount", "note"))


@pytest.fixture
def bought(world: dict[str, Any]) -> tuple[Contract, list[Enrollment]]:
    contract = signed(world, make_contract(world, trainees=5, price=100_000_000))
    learners = enroll(run_of(contract, link=world["expert"], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1)), 3)
    for e in learners:
        certify(e)
    return contract, learners


def test_a_revoked_certificate_is_clawed_back_on_the_next_invoice(world: dict[str, Any], bought: Any) -> None:
    contract, learners = bought
    first = paid(world, contract, Tranche.CERTIFICATION)
    before = frozen(first)
    assert first.total == 60_000_000
    certificate = learners[1].trainee.certificates.get()
    certificate.status = "revoked"
    certificate.save()
    second = invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    assert frozen(second) == [(learners[1].pk, LineKind.CLAWBACK, -20_000_000,
                               "گواهینامه مهارت باطل، معلق یا حذف شده است")]
    assert (second.earned_total, second.clawback_total, second.total) == (0, -20_000_000, -20_000_000)
    assert frozen(first) == before and Invoice.objects.get(pk=first.pk).total == 60_000_000
    # Nothing more to claw back: a third invoice has nothing to carry.
    with pytest.raises(ValidationError):
        invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    # Reinstated: earned again, invoiced again.
    certificate.status = "valid"
    certificate.save()
    third = invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    assert frozen(third) == [(learners[1].pk, LineKind.EARNED, 20_000_000, "")]


def test_a_deleted_enrollment_is_clawed_back_in_every_tranche_it_was_paid(world: dict[str, Any], bought: Any) -> None:
    contract, learners = bought
    for tranche in (Tranche.ENROLLMENT, Tranche.COMPLETION, Tranche.CERTIFICATION):
        paid(world, contract, tranche)
    gone = learners[0]
    name = f"{gone.trainee.first_name} {gone.trainee.last_name}"
    Enrollment.objects.filter(pk=gone.pk).delete()
    amounts = {Tranche.ENROLLMENT: -30_000_000, Tranche.COMPLETION: -30_000_000, Tranche.CERTIFICATION: -20_000_000}
    for tranche, amount in amounts.items():
        invoice = invoicing.issue_invoice(world["expert"], contract, tranche)
        line = invoice.lines.get()
        # The line still says who and what: the enrollment is gone, its snapshot stays.
        assert (line.kind, line.amount, line.trainee_name, line.national_code) == (
            LineKind.CLAWBACK, amount, name, gone.trainee.national_code), tranche
        if tranche == Tranche.ENROLLMENT:
            assert line.note == "ثبت‌نام حذف شده است"


def test_a_completion_changed_back_is_clawed_back(world: dict[str, Any], bought: Any) -> None:
    contract, learners = bought
    for tranche in (Tranche.ENROLLMENT, Tranche.COMPLETION, Tranche.CERTIFICATION):
        paid(world, contract, tranche)
    Enrollment.objects.filter(pk=learners[2].pk).update(status="dropped")
    completion = invoicing.issue_invoice(world["expert"], contract, Tranche.COMPLETION)
    assert frozen(completion) == [(learners[2].pk, LineKind.CLAWBACK, -30_000_000,
                                   "وضعیت ثبت‌نام دیگر «پایان دوره» نیست")]
    certification = invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    assert [(k, a) for _p, k, a, _n in frozen(certification)] == [(LineKind.CLAWBACK, -20_000_000)]
    # The enrollment tranche stands: they did enroll, so it has nothing to claw back.
    with pytest.raises(ValidationError):
        invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)


def test_a_run_taken_off_the_contract_is_clawed_back(world: dict[str, Any], bought: Any) -> None:
    contract, learners = bought
    paid(world, contract, Tranche.ENROLLMENT)
    services.remove_run(world["expert"], contract.runs.get())
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    assert sorted(a for _p, _k, a, _n in frozen(invoice)) == [-30_000_000] * 3


def test_withdrawn_employment_evidence_is_clawed_back(world: dict[str, Any], bought: Any) -> None:
    contract, learners = bought
    evidence = services.add_evidence(world["expert"], enrollment=learners[0], employer="کارخانه",
                                     from_date=dt.date(2026, 6, 10), document=upload("e.pdf", real_pdf()))
    first = paid(world, contract, Tranche.EMPLOYMENT)
    assert frozen(first) == [(learners[0].pk, LineKind.EARNED, 20_000_000, "کارخانه")]
    services.delete_evidence(world["manager"], evidence)
    second = invoicing.issue_invoice(world["expert"], contract, Tranche.EMPLOYMENT)
    assert frozen(second) == [(learners[0].pk, LineKind.CLAWBACK, -20_000_000,
                               "اشتغال سه ماه پس از پایان دوره دیگر تأیید نمی‌شود")]


def test_a_premium_category_corrected_is_an_adjustment(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=100_000_000, premium_disability=20))
    learner, = enroll(run_of(contract, link=world["expert"]), 1, sex="M")
    paid(world, contract, Tranche.ENROLLMENT)
    Trainee.objects.filter(pk=learner.trainee_id).update(has_disability=True)
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    line = invoice.lines.get()
    assert (line.kind, line.amount, line.premium) == (LineKind.ADJUSTMENT, 6_000_000, 20)


def test_a_void_invoice_stops_counting_and_its_learners_are_billed_again(world: dict[str, Any], bought: Any) -> None:
    contract, _learners = bought
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    with pytest.raises(ValidationError):  # the same learners are not billed twice
        invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    invoicing.void_invoice(world["manager"], invoice, "شماره حساب اشتباه بود")
    assert selectors.contract_figures(contract).invoiced["enrollment"] == 0
    again = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    assert again.total == 90_000_000 and again.number.endswith("-F002")


def test_the_ledger_adds_up_after_many_changes(world: dict[str, Any], bought: Any) -> None:
    """Whatever happened in between, what stands invoiced per learner equals what they earn now."""
    contract, learners = bought
    paid(world, contract, Tranche.CERTIFICATION)
    learners[0].trainee.certificates.update(status="suspended")
    invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    learners[0].trainee.certificates.update(status="valid")
    learners[1].trainee.certificates.update(status="revoked")
    more = enroll(contract.runs.get().course_run, 1)[0]
    certify(more)
    invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    standing = invoicing.invoiced(contract, Tranche.CERTIFICATION)
    now = {x.enrollment_id: x.amounts["certification"] for x in selectors.learners_of(contract)
           if x.earned["certification"]}
    assert standing == now == {learners[0].pk: 20_000_000, learners[2].pk: 20_000_000, more.pk: 20_000_000}
