"""The whole life of a contract, end to end: drafted, signed with a licensed institute, runs listed, learners
enrolled, complete and certified; each tranche invoiced, approved and paid; a certificate revoked and the
next invoice claws it back."""

from __future__ import annotations

from typing import Any

import pytest

from maharat.purchasing import invoicing, selectors, services
from maharat.purchasing.models import ContractStatus, InvoiceStatus, LineKind, Tranche

from .conftest import certify, enroll, make_contract, run_of, signed

pytestmark = pytest.mark.django_db


def test_a_contract_from_draft_to_clawback(world: dict[str, Any]) -> None:
    contract = make_contract(world, trainees=5, price=100_000_000)
    assert contract.status == ContractStatus.DRAFT and contract.number == "IR-26-1405-C0001"
    contract = signed(world, contract)
    assert contract.status == ContractStatus.ACTIVE
    run = run_of(contract, link=world["expert"])
    done = enroll(run, 3)
    enroll(run, 1, status="enrolled")
    certify(done[0])
    certify(done[1])
    f = selectors.contract_figures(contract)
    assert f.committed == 500_000_000
    assert f.earned == {"enrollment": 4 * 30_000_000, "completion": 3 * 30_000_000,
                        "certification": 2 * 20_000_000, "employment": 0}
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    assert invoice.total == 40_000_000 and invoice.lines.count() == 2
    invoicing.approve_invoice(world["manager"], invoice)
    invoicing.pay_invoice(world["manager"], invoice, paid_on=invoice.issued_on, reference="PAY-1")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    cert = done[0].trainee.certificates.get()
    cert.status = "revoked"
    cert.save()
    again = invoicing.issue_invoice(world["expert"], contract, Tranche.CERTIFICATION)
    lines = list(again.lines.all())
    assert [(x.kind, x.amount, x.enrollment_key) for x in lines] == [(LineKind.CLAWBACK, -20_000_000, done[0].pk)]
    invoice.refresh_from_db()
    assert invoice.total == 40_000_000 and invoice.lines.count() == 2  # the paid invoice is untouched
    f = selectors.contract_figures(contract)
    assert f.invoiced["certification"] == 20_000_000 and f.clawed_back["certification"] == 20_000_000
    assert f.paid["certification"] == 40_000_000
    assert services.close(world["manager"], contract).status == ContractStatus.CLOSED
