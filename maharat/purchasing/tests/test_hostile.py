"""Hostile values, from the pages and from the services: NUL bytes, control and bidi characters, huge and
negative numbers, year 0 and years outside the calendar, formulas, wrong types, unknown actions. Each is
refused with a Persian message naming the field (all at once), and nothing is half-saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maharat.attachments.tests.files import real_pdf, upload
from maharat.purchasing import invoicing, services
from maharat.purchasing.models import Contract, EmploymentEvidence, Invoice, Tranche

from .conftest import START, enroll, make_contract, run_of, signed

pytestmark = pytest.mark.django_db


def posted(world: dict[str, Any], **changes: str) -> dict[str, str]:
    data = {"institute": world["institute"].code, "standards": world["welding"].code, "trainees": "5",
            "price": "1000000", "start_date": "1405/01/01", "end_date": "1405/12/29", "share_enrollment": "30",
            "share_completion": "30", "share_certification": "20", "share_employment": "20",
            "premium_rural": "0", "premium_nomad": "0", "premium_women": "0", "premium_disability": "0"}
    data.update(changes)
    return data


@pytest.mark.parametrize(("field", "value"), [
    ("trainees", "9" * 40), ("trainees", "-5"), ("trainees", "1e5"), ("trainees", "=1+1"), ("price", "0"),
    ("price", "99999999999"), ("price", "١٢٫٥"), ("premium_women", "101"), ("share_enrollment", "-1"),
    ("start_date", "0000/01/01"), ("start_date", "1600/01/01"), ("start_date", "1405/13/01"),
    ("end_date", "1404/12/30"), ("start_date", "=cmd|' /C calc'!A0"), ("standards", "=HYPERLINK(\"x\")"),
    ("title", "=HYPERLINK(\"http://x\",\"y\")"), ("title", "قرارداد\u202eتقلبی"), ("title", "سطر\x07زنگ"),
    ("title", "ب" * 201), ("notes", "\x1b[31m"), ("institute", "IR-26' OR 1=1 --"),
])
def test_the_form_refuses_and_names_the_field(client: Any, world: dict[str, Any], field: str, value: str) -> None:
    client.force_login(world["expert"])
    response = client.post(reverse("purchase_contract_create"), posted(world, **{field: value}))
    assert response.status_code == 200 and not Contract.objects.exists(), (field, value)
    assert field in response.context["form"].errors, (field, response.context["form"].errors)


def test_nul_bytes_are_refused_before_any_page(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["expert"])
    assert client.post(reverse("purchase_contract_create"), posted(world, title="a\x00b")).status_code == 400
    assert client.get(reverse("purchase_contract_list"), {"q": "\x00"}).status_code == 400
    assert not Contract.objects.exists()


def test_many_errors_at_once(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["expert"])
    response = client.post(reverse("purchase_contract_create"), posted(
        world, trainees="", price="abc", start_date="1405/07/31", premium_nomad="500", title="=1"))
    errors = response.context["form"].errors
    assert {"trainees", "price", "start_date", "premium_nomad"} <= set(errors)


@pytest.mark.parametrize(("term", "value"), [
    ("trainees", True), ("trainees", 10**30), ("trainees", -1), ("trainees", "5"), ("price", 1.5),
    ("price", 10**11), ("start_date", "2026-01-01"), ("start_date", dt.datetime(2026, 1, 1)),
    ("end_date", dt.date(1, 1, 1)), ("share_employment", 21), ("premium_rural", 10**6),
])
def test_the_service_refuses_values_a_form_would_not_send(world: dict[str, Any], term: str, value: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        make_contract(world, **{term: value})
    assert term in refused.value.message_dict, (term, refused.value.message_dict)
    assert not Contract.objects.exists()


def test_the_service_refuses_control_characters_and_formulas_in_text(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_contract(world["expert"], province=world["qazvin"], institute=world["institute"],
                                 standards=[world["welding"]], title="=cmd", notes="a\x00b", trainees=1, price=1,
                                 start_date=START, end_date=START)
    assert {"title", "notes"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as none:
        services.create_contract(world["expert"], province=world["qazvin"], institute=world["institute"],
                                 standards=[], trainees=1, price=1, start_date=START, end_date=START)
    assert "standards" in none.value.message_dict
    with pytest.raises(TypeError):  # a term the contract does not have is a programming error, not input
        services.create_contract(world["expert"], province=world["qazvin"], institute=world["institute"],
                                 standards=[world["welding"]], trainees=1, price=1, start_date=START,
                                 end_date=START, status="active")


def test_a_contract_longer_than_three_years_or_ending_before_it_starts(world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as long:
        make_contract(world, start_date=START, end_date=START + dt.timedelta(days=4 * 365))
    with pytest.raises(ValidationError) as backwards:
        make_contract(world, start_date=START, end_date=START - dt.timedelta(days=1))
    assert "end_date" in long.value.message_dict and "end_date" in backwards.value.message_dict


def test_hostile_payments_reasons_and_evidence(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world))
    learner = enroll(run_of(contract, link=world["expert"], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1)), 1)[0]
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    invoicing.approve_invoice(world["manager"], invoice)
    for reference in ("=cmd|' /C calc'!A0", "+SUM(A1)", "@x", "a\x00b", "r" * 101, "\u202e123"):
        with pytest.raises(ValidationError) as refused:
            invoicing.pay_invoice(world["manager"], invoice, paid_on=dt.date(2026, 11, 22), reference=reference)
        assert "reference" in refused.value.message_dict, reference
    for day in (dt.date(1, 1, 1), "1405/09/01", None):
        with pytest.raises(ValidationError):
            invoicing.pay_invoice(world["manager"], invoice, paid_on=day, reference="ok")
    assert Invoice.objects.get(pk=invoice.pk).status == "approved"
    with pytest.raises(ValidationError):
        services.cancel(world["manager"], make_contract(world), "\x00")
    for employer, since, until in (("=HYPERLINK(1)", dt.date(2026, 6, 5), None), ("کارخانه", dt.date(2027, 1, 1), None),
                                   ("کارخانه", dt.date(2026, 3, 1), None),
                                   ("کارخانه", dt.date(2026, 6, 5), dt.date(2026, 6, 1)),
                                   ("کارخانه", dt.date(1, 1, 1), None), ("\u2066x", dt.date(2026, 6, 5), None)):
        with pytest.raises(ValidationError):
            services.add_evidence(world["expert"], enrollment=learner, employer=employer, from_date=since,
                                  to_date=until, document=upload("e.pdf", real_pdf()))
    with pytest.raises(ValidationError) as exe:  # a document that is not one: refused, and no evidence left behind
        services.add_evidence(world["expert"], enrollment=learner, employer="کارخانه", from_date=dt.date(2026, 6, 5),
                              document=upload("evil.pdf", b"MZ\x90\x00 this is a windows program"))
    assert "document" in exe.value.message_dict
    assert not EmploymentEvidence.objects.exists()


def test_unknown_actions_and_tranches_are_404(client: Any, world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world))
    client.force_login(world["hq_planner"])
    assert client.post(reverse("purchase_contract_transition", args=[contract.pk, "delete"])).status_code == 404
    assert client.post(reverse("purchase_contract_transition", args=[contract.pk, "_locked"])).status_code == 404
    assert client.post(f"/purchasing/{contract.pk}/invoice/bonus/").status_code == 404
    assert client.post("/purchasing/invoices/999999/approve/").status_code == 404
    assert client.get(reverse("purchase_dashboard"), {"province": "X" * 5000}).status_code == 404
    assert client.get(reverse("purchase_contract_list"), {"province": "IR-26" * 1000, "status": "=1"}).status_code == 200
    assert client.get(reverse("purchase_contract_detail", args=[contract.pk]), {"page": "-1"}).status_code == 200
    assert client.get(reverse("purchase_contract_detail", args=[contract.pk]), {"page": "9" * 50}).status_code == 200
