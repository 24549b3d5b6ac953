"""Each transition of a contract and an invoice, and each refusal, with its Persian message; every step in
the audit trail with from, to, who and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.audit.models import AuditEntry
from maharat.kit import workflow
from maharat.purchasing import invoicing, services
from maharat.purchasing.models import Contract, ContractRun, ContractStatus, Invoice, InvoiceStatus, Tranche

from .conftest import END, START, enroll, license, make_contract, run_of, signed

pytestmark = pytest.mark.django_db


def trail(obj: Any) -> list[tuple[str, Any]]:
    return [(e.username, e.changes.get("status")) for e in AuditEntry.objects.filter(
        object_id=str(obj.pk), content_type__model=type(obj)._meta.model_name, changes__has_key="status",
        action="transition").order_by("pk")]


@pytest.mark.unlicensed
def test_signing_needs_a_licence_on_the_start_date(world: dict[str, Any]) -> None:
    contract = make_contract(world)
    with pytest.raises(ValidationError) as refused:
        services.sign(world["manager"], contract)
    assert "پروانه معتبر ندارد" in str(refused.value.message_dict["institute"])
    license(world["institute"], on=START + dt.timedelta(days=1))  # licensed only from the day after the start
    with pytest.raises(ValidationError):
        services.sign(world["manager"], contract)
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT
    license(world["institute"], on=START)
    done = services.sign(world["manager"], contract, "امضا در جلسه کمیته")
    assert (done.status, done.signed_on, done.signed_by) == (ContractStatus.ACTIVE, dt.date(2026, 11, 22),
                                                             world["manager"])
    assert trail(contract) == [("manager", ["draft", "active"])]
    with pytest.raises(ValidationError) as twice:
        services.sign(world["manager"], contract)
    assert "امکان" not in str(twice.value) and "ممکن نیست" in str(twice.value)


def test_who_may_not_sign_is_refused_before_the_licence_is_asked(world: dict[str, Any]) -> None:
    contract = make_contract(world)
    for role in ("expert", "institute_manager", "hq_viewer", "other_manager"):
        with pytest.raises(PermissionDenied):
            services.sign(world[role], contract)
    assert trail(contract) == []


def test_close_and_cancel(world: dict[str, Any]) -> None:
    draft = make_contract(world)
    with pytest.raises(ValidationError) as no_reason:
        services.cancel(world["manager"], draft, "  ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError):  # a draft is not closed: it is cancelled
        services.close(world["manager"], draft)
    services.cancel(world["manager"], draft, "بودجه تأمین نشد")
    assert Contract.objects.get(pk=draft.pk).end_reason == "بودجه تأمین نشد"
    active = signed(world, make_contract(world))
    enroll(run_of(active, link=world["expert"]), 1)
    invoicing.issue_invoice(world["expert"], active, Tranche.ENROLLMENT)
    with pytest.raises(ValidationError) as invoiced:
        services.cancel(world["hq_planner"], active, "اشتباه")
    assert "ببندید" in str(invoiced.value)
    closed = services.close(world["hq_planner"], active, "پایان سال")
    assert closed.status == ContractStatus.CLOSED
    assert trail(active) == [("manager", ["draft", "active"]), ("planner", ["active", "closed"])]
    # A closed contract still settles its invoices, but takes no runs.
    with pytest.raises(ValidationError):
        services.add_run(world["expert"], closed, run_of(closed))
    # Active without invoices: may be cancelled.
    spare = signed(world, make_contract(world))
    assert services.cancel(world["manager"], spare, "آموزشگاه انصراف داد").status == ContractStatus.CANCELLED


def test_only_a_draft_is_edited(world: dict[str, Any]) -> None:
    contract = make_contract(world, trainees=10)
    services.update_contract(world["expert"], contract, standards=[world["welding"], world["turning"]],
                             trainees=12, price=90_000_000, start_date=START, end_date=END)
    contract.refresh_from_db()
    assert (contract.trainees, contract.standards.count()) == (12, 2)
    signed(world, contract)
    with pytest.raises(ValidationError):
        services.update_contract(world["manager"], contract, standards=[world["welding"]], trainees=99)
    assert Contract.objects.get(pk=contract.pk).trainees == 12


def test_a_run_is_listed_only_when_it_is_what_was_bought(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world))
    elsewhere = run_of(contract)
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(unit=world["neighbour"])
    elsewhere.refresh_from_db()
    wrong_standard = run_of(contract, standard=world["turning"])
    too_late = run_of(contract, start=dt.date(2027, 4, 1), end=dt.date(2027, 5, 1))
    for run, message in ((elsewhere, "آموزشگاه طرف قرارداد"), (wrong_standard, "استاندارد"),
                         (too_late, "در بازه قرارداد")):
        with pytest.raises(ValidationError) as refused:
            services.add_run(world["expert"], contract, run)
        assert message in str(refused.value.message_dict["course_run"]), message
    good = run_of(contract, link=world["expert"])
    other = signed(world, make_contract(world))
    with pytest.raises(ValidationError) as taken:  # bought once
        services.add_run(world["expert"], other, good)
    assert contract.number in str(taken.value)
    assert ContractRun.objects.count() == 1


def test_invoice_transitions(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world))
    enroll(run_of(contract, link=world["expert"]), 2)
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    assert invoice.number == f"{contract.number}-F001" and invoice.status == InvoiceStatus.ISSUED
    with pytest.raises(PermissionDenied):  # an expert drafts and issues; approving is the manager's
        invoicing.approve_invoice(world["expert"], invoice)
    with pytest.raises(ValidationError):  # not paid before it is approved
        invoicing.pay_invoice(world["manager"], invoice, paid_on=dt.date(2026, 11, 22), reference="1")
    approved = invoicing.approve_invoice(world["manager"], invoice, "بررسی شد")
    assert approved.status == InvoiceStatus.APPROVED and approved.approved_by == world["manager"]
    with pytest.raises(ValidationError):  # an approved invoice is not voided: it is paid or clawed back
        invoicing.void_invoice(world["manager"], approved, "اشتباه")
    for day, field in ((dt.date(2026, 11, 23), "paid_on"), (dt.date(2026, 11, 21), "paid_on")):
        with pytest.raises(ValidationError) as refused:
            invoicing.pay_invoice(world["manager"], approved, paid_on=day, reference="123")
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as no_reference:
        invoicing.pay_invoice(world["manager"], approved, paid_on=dt.date(2026, 11, 22), reference="")
    assert "reference" in no_reference.value.message_dict
    done = invoicing.pay_invoice(world["hq_planner"], approved, paid_on=dt.date(2026, 11, 22), reference="TR-9")
    assert (done.status, done.payment_reference, done.paid_by) == (InvoiceStatus.PAID, "TR-9", world["hq_planner"])
    assert trail(invoice) == [("manager", ["issued", "approved"]), ("planner", ["approved", "paid"])]
    assert [s.target for s in workflow.history(invoice, world["hq_viewer"])] == ["صادرشده", "تأییدشده", "پرداخت‌شده"]


def test_the_issuer_does_not_approve_their_own_invoice(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world))
    enroll(run_of(contract, link=world["expert"]), 1)
    invoice = invoicing.issue_invoice(world["manager"], contract, Tranche.ENROLLMENT)
    with pytest.raises(ValidationError) as refused:
        invoicing.approve_invoice(world["manager"], invoice)
    assert "صادرکننده" in str(refused.value)
    assert invoicing.approve_invoice(world["manager2"], invoice).status == InvoiceStatus.APPROVED


def test_no_invoice_for_a_draft_nor_with_nothing_earned(world: dict[str, Any]) -> None:
    draft = make_contract(world)
    enroll(run_of(draft, link=world["expert"]), 1)
    with pytest.raises(ValidationError):
        invoicing.issue_invoice(world["expert"], draft, Tranche.ENROLLMENT)
    signed(world, draft)
    with pytest.raises(ValidationError) as nothing:
        invoicing.issue_invoice(world["expert"], draft, Tranche.CERTIFICATION)
    assert "کسب نشده" in str(nothing.value)
    with pytest.raises(ValidationError):
        invoicing.issue_invoice(world["expert"], draft, "bonus")
    assert not Invoice.objects.exists()


def test_every_write_is_audited(world: dict[str, Any]) -> None:
    contract = make_contract(world)
    entry = AuditEntry.objects.get(content_type__model="contract", action="create")
    assert entry.username == "expert" and entry.changes["trainees"] == [None, 10]
    assert entry.changes["standards"] == [None, [world["welding"].pk]]
    signed(world, contract)
    run = run_of(contract, link=world["expert"])
    assert AuditEntry.objects.filter(content_type__model="contractrun", action="create").count() == 1
    services.remove_run(world["expert"], contract.runs.get())
    assert AuditEntry.objects.get(content_type__model="contractrun", action="delete").note == run.code
    services.add_run(world["expert"], contract, run)
    enroll(run, 1)
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    created = AuditEntry.objects.get(content_type__model="invoice", action="create")
    assert created.object_id == str(invoice.pk) and created.changes["total"] == [None, 30_000_000]


def test_who_is_told(world: dict[str, Any]) -> None:
    from maharat.notify.models import Notification

    contract = signed(world, make_contract(world))
    assert list(Notification.objects.filter(key=f"purchase:contract:{contract.pk}:sign")
                .values_list("recipient__username", flat=True)) == ["institute"]
    enroll(run_of(contract, link=world["expert"]), 1)
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    assert sorted(Notification.objects.filter(key=f"purchase:invoice:{invoice.pk}:issued")
                  .values_list("recipient__username", flat=True)) == ["manager", "manager2"]
    invoicing.approve_invoice(world["manager"], invoice)
    invoicing.pay_invoice(world["manager"], invoice, paid_on=invoice.issued_on, reference="R-77")
    paid = Notification.objects.get(key=f"purchase:invoice:{invoice.pk}:pay")
    assert paid.recipient == world["institute_manager"] and "R-77" in paid.body
    # Nobody outside: the neighbour institute and the other province hear nothing.
    assert not Notification.objects.filter(recipient__in=[world["neighbour_manager"], world["other_manager"]]).exists()
