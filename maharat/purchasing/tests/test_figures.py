"""Every figure against an independent computation over the raw records: committed, earned per tranche,
invoiced, clawed back and paid, for each contract, each province and the nation. The computation below
walks the rows one by one in Python, the plain way, sharing nothing with earned.py or selectors.py. And the
computation is set-based: its number of queries does not grow with the learners."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from maharat.assessment.models import Certificate
from maharat.attachments.models import Attachment
from maharat.attachments.tests.files import real_pdf, upload
from maharat.people.models import TargetGroup
from maharat.purchasing import invoicing, selectors, services
from maharat.purchasing.models import Contract, ContractRun, EmploymentEvidence, Invoice, InvoiceLine, Tranche
from maharat.training.models import Enrollment

from .conftest import certify, enroll, license, make_contract, run_of, signed

pytestmark = pytest.mark.django_db
TRANCHES = ("enrollment", "completion", "certification", "employment")


def by_hand(contract: Contract, today: dt.date) -> dict[str, int]:
    """What the contract has earned per tranche, from the rows, by the rules as written in earned.py's docstring."""
    totals = dict.fromkeys(TRANCHES, 0)
    if contract.status not in ("active", "closed"):
        return totals
    standards = set(contract.standards.values_list("pk", flat=True))
    groups = set(contract.target_groups.values_list("pk", flat=True))
    eligible = []
    for link in ContractRun.objects.filter(contract=contract):
        run = link.course_run
        if run.unit_id != contract.institute_id or run.standard_id not in standards:
            continue
        if not contract.start_date <= run.start_date <= contract.end_date:
            continue
        for e in Enrollment.objects.filter(course_run=run):
            if groups and not groups & set(e.trainee.target_groups.values_list("pk", flat=True)):
                continue
            eligible.append(e)
    eligible.sort(key=lambda e: (e.enrolled_at, e.pk))
    shares = {"enrollment": contract.share_enrollment, "completion": contract.share_completion,
              "certification": contract.share_certification, "employment": contract.share_employment}
    evidence_type = ContentType.objects.get_for_model(EmploymentEvidence)
    for e in eligible[: contract.trainees]:
        t, run = e.trainee, e.course_run
        premium = 0
        if run.mode == "rural_mobile" or t.residence == "rural":
            premium += contract.premium_rural
        if run.mode == "nomad_mobile" or t.residence == "nomad":
            premium += contract.premium_nomad
        if t.sex == "F":
            premium += contract.premium_women
        if t.has_disability:
            premium += contract.premium_disability
        done = e.status == "completed"
        certified = done and any(c.status == "valid" and c.issued_on >= run.start_date
                                 for c in Certificate.objects.filter(trainee=t, standard=run.standard))
        employed = False
        if done and run.end_date + dt.timedelta(days=90) <= today:
            day = run.end_date + dt.timedelta(days=90)
            for ev in EmploymentEvidence.objects.filter(enrollment=e):
                has_file = Attachment.objects.filter(content_type=evidence_type, object_id=ev.pk,
                                                     removed_at=None).exists()
                if has_file and ev.from_date <= day and (ev.to_date is None or ev.to_date >= day):
                    employed = True
        for tranche, earned in (("enrollment", True), ("completion", done), ("certification", certified),
                                ("employment", employed)):
            if earned:
                totals[tranche] += contract.price * shares[tranche] * (100 + premium) // 10_000
    return totals


def ledger_by_hand(contracts: list[Contract]) -> dict[str, dict[str, int]]:
    out = {name: dict.fromkeys(TRANCHES, 0) for name in ("invoiced", "clawed_back", "paid")}
    ids = {c.pk for c in contracts}
    for line in InvoiceLine.objects.all():
        invoice = Invoice.objects.get(pk=line.invoice_id)
        if invoice.contract_id not in ids or invoice.status == "void":
            continue
        out["invoiced"][invoice.tranche] += line.amount
        if line.amount < 0:
            out["clawed_back"][invoice.tranche] -= line.amount
    for invoice in Invoice.objects.filter(status="paid"):
        if invoice.contract_id in ids:
            out["paid"][invoice.tranche] += sum(x.amount for x in InvoiceLine.objects.filter(invoice=invoice))
    return out


@pytest.fixture
def country(world: dict[str, Any]) -> list[Contract]:
    """Three signed contracts in two provinces, a draft and a cancelled one, with learners of every kind,
    certificates valid and revoked, employment evidence, invoices paid, approved and void, and a clawback."""
    group = TargetGroup.objects.order_by("order")[0]
    a = signed(world, make_contract(world, trainees=6, price=120_000_000, premium_women=10, premium_rural=25,
                                    premium_disability=15, standards=[world["welding"], world["turning"]]))
    b = signed(world, make_contract(world, institute="neighbour", by="expert", trainees=2, price=77_777_777,
                                    share_enrollment=10, share_completion=40, share_certification=30,
                                    share_employment=20, target_groups=[group]))
    license(world["far"])
    c = signed(world, make_contract(world, institute="far", by="other_expert", trainees=4, price=55_000_001,
                                    premium_nomad=40), by="other_manager")
    draft = make_contract(world, trainees=5, price=10_000_000)
    cancelled = make_contract(world, trainees=5, price=10_000_000)
    r1 = run_of(a, link=world["expert"], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1))
    r2 = run_of(a, link=world["expert"], standard=world["turning"], mode="rural_mobile",
                start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 1))
    learners = enroll(r1, 3, sex="F") + enroll(r1, 1, sex="M", has_disability=True, status="dropped")
    learners += enroll(r2, 3, sex="M", residence="nomad") + enroll(r2, 1, status="enrolled")
    for e in learners[:3] + learners[4:6]:
        certify(e)
    learners[1].trainee.certificates.update(status="revoked")
    services.add_evidence(world["expert"], enrollment=learners[0], employer="کارخانه", from_date=dt.date(2026, 6, 20),
                          document=upload("a.pdf", real_pdf()))
    rb = run_of(b, link=world["expert"])
    members = enroll(rb, 3)
    for m in members[:2]:
        m.trainee.target_groups.add(group)
    base = timezone.now()
    Enrollment.objects.filter(pk=members[1].pk).update(enrolled_at=base - dt.timedelta(hours=1))
    rc = run_of(c, link=world["other_expert"], mode="nomad_mobile", start=dt.date(2026, 5, 1), end=dt.date(2026, 7, 1))
    far_learners = enroll(rc, 5)
    certify(far_learners[0])
    enroll(run_of(draft, link=world["expert"]), 2)
    enroll(run_of(cancelled, link=world["expert"]), 2)
    services.cancel(world["manager"], cancelled, "لغو")
    # Invoices: a's certification paid before a revocation, then clawed back; b's enrollment approved;
    # c's completion voided and issued again.
    learners[1].trainee.certificates.update(status="valid")
    paid = invoicing.issue_invoice(world["expert"], a, Tranche.CERTIFICATION)
    invoicing.approve_invoice(world["manager"], paid)
    invoicing.pay_invoice(world["manager"], paid, paid_on=paid.issued_on, reference="P1")
    learners[1].trainee.certificates.update(status="revoked")
    invoicing.issue_invoice(world["expert"], a, Tranche.CERTIFICATION)
    invoicing.approve_invoice(world["manager"], invoicing.issue_invoice(world["expert"], b, Tranche.ENROLLMENT))
    void = invoicing.issue_invoice(world["other_expert"], c, Tranche.COMPLETION)
    invoicing.void_invoice(world["other_manager"], void, "اشتباه")
    invoicing.issue_invoice(world["other_expert"], c, Tranche.COMPLETION)
    return [a, b, c, draft, cancelled]


def test_each_contracts_figures_against_the_rows(world: dict[str, Any], country: list[Contract]) -> None:
    today = timezone.localdate()
    computed = selectors.figures_by(Contract.objects.all())
    for contract in country:
        contract.refresh_from_db()
        got = computed.get(contract.pk, selectors.Figures())
        assert got.earned == by_hand(contract, today), contract.number
        committed = contract.trainees * contract.price if contract.status in ("active", "closed") else 0
        assert got.committed == committed
        ledger = ledger_by_hand([contract])
        assert (got.invoiced, got.clawed_back, got.paid) == (ledger["invoiced"], ledger["clawed_back"],
                                                             ledger["paid"]), contract.number
    a = country[0]
    # Sanity of the fixture itself: the figures are not all zero.
    assert computed[a.pk].clawed_back["certification"] > 0 and computed[a.pk].paid["certification"] > 0
    assert computed[a.pk].earned["employment"] > 0


def test_province_and_nation_against_the_rows(world: dict[str, Any], country: list[Contract]) -> None:
    today = timezone.localdate()
    by_province = selectors.figures_by(Contract.objects.all(), key="province_id")
    for province in (world["qazvin"], world["other"]):
        mine = [c for c in Contract.objects.filter(province=province)]
        expected = dict.fromkeys(TRANCHES, 0)
        for c in mine:
            for t, v in by_hand(c, today).items():
                expected[t] += v
        got = by_province[province.pk]
        assert got.earned == expected, province.code
        assert got.committed == sum(c.trainees * c.price for c in mine if c.status in ("active", "closed"))
        assert got.contracts == sum(1 for c in mine if c.status in ("active", "closed"))
        ledger = ledger_by_hand(mine)
        assert (got.invoiced, got.clawed_back, got.paid) == (ledger["invoiced"], ledger["clawed_back"],
                                                             ledger["paid"])
    nation = selectors.figures(Contract.objects.all())
    everything = list(Contract.objects.all())
    assert nation.total("earned") == sum(sum(by_hand(c, today).values()) for c in everything)
    assert nation.committed == sum(c.trainees * c.price for c in everything if c.status in ("active", "closed"))
    ledger = ledger_by_hand(everything)
    assert nation.invoiced == ledger["invoiced"] and nation.paid == ledger["paid"]
    assert nation.to_invoice == {t: nation.earned[t] - ledger["invoiced"][t] for t in TRANCHES}
    # What each viewer's dashboard adds up is its own reach only.
    assert selectors.figures(selectors.visible(world["other_manager"])).earned == by_hand(country[2], today)


def test_the_invoices_lines_add_up_to_their_totals(country: list[Contract]) -> None:
    for invoice in Invoice.objects.all():
        amounts = list(invoice.lines.values_list("amount", flat=True))
        assert invoice.total == sum(amounts)
        assert invoice.earned_total == sum(a for a in amounts if a > 0)
        assert invoice.clawback_total == sum(a for a in amounts if a < 0)


def _queries(run: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


def test_the_computation_is_set_based(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, trainees=500, price=1_000_000, premium_women=5))
    small = run_of(contract, link=world["expert"], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1))
    for e in enroll(small, 3):
        certify(e)
    one = Contract.objects.filter(pk=contract.pk)

    def everything() -> None:
        selectors.learners_of(contract)
        selectors.figures_by(one)
        selectors.figures(Contract.objects.all())
        invoicing.pending_lines(contract, Tranche.CERTIFICATION)

    few = _queries(everything)
    big = run_of(contract, link=world["expert"], start=dt.date(2026, 4, 2), end=dt.date(2026, 6, 2))
    for e in enroll(big, 60):
        certify(e)
    assert _queries(everything) == few
    assert len(selectors.learners_of(contract)) == 63
