"""The pages as people use them: drafting a contract with Jalali dates and Persian digits, its page with the
tranches, learners, runs and invoices, an invoice's page and PDF, employment evidence with its document,
and the dashboard; each page shows what the records say."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maharat.attachments.tests.files import real_pdf
from maharat.purchasing import invoicing
from maharat.purchasing.models import Contract, ContractRun, EmploymentEvidence, Invoice, Tranche

from .conftest import certify, enroll, license, make_contract, run_of, signed

pytestmark = pytest.mark.django_db


def form(world: dict[str, Any], **changes: str) -> dict[str, str]:
    data = {"institute": world["institute"].code, "title": "خرید دوره جوشکاری", "standards": world["welding"].code,
            "trainees": "۲۰", "price": "۱۵۰۰۰۰۰۰۰", "start_date": "۱۴۰۵/۰۱/۰۱", "end_date": "1405/12/29",
            "share_enrollment": "30", "share_completion": "30", "share_certification": "20",
            "share_employment": "20", "premium_rural": "10", "premium_nomad": "0", "premium_women": "۵",
            "premium_disability": "15", "notes": ""}
    data.update(changes)
    return data


def test_the_expert_drafts_a_contract_with_persian_digits_and_jalali_dates(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["expert"])
    assert client.get(reverse("purchase_contract_create")).status_code == 200
    response = client.post(reverse("purchase_contract_create"), form(world))
    contract = Contract.objects.get()
    assert response.status_code == 302 and response["Location"] == contract.get_absolute_url()
    assert (contract.province, contract.trainees, contract.price, contract.premium_women) == (
        world["qazvin"], 20, 150_000_000, 5)
    assert contract.start_date.isoformat() == "2026-03-21" and contract.end_date.isoformat() == "2027-03-20"
    assert list(contract.standards.all()) == [world["welding"]]
    page = client.get(contract.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "IR-26-1405-C0001" in html and "۱۵۰٬۰۰۰٬۰۰۰" in html
    assert client.get(reverse("purchase_contract_edit", args=[contract.pk])).status_code == 200


def test_every_error_is_named_at_once_and_nothing_is_saved(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["expert"])
    response = client.post(reverse("purchase_contract_create"), form(
        world, trainees="0", price="99999999999999999999", standards="0000-00-000-0", start_date="1405/12/30",
        share_employment="25", premium_rural="150"))
    assert response.status_code == 200 and not Contract.objects.exists()
    errors = response.context["form"].errors
    assert {"trainees", "price", "standards", "start_date", "premium_rural"} <= set(errors)
    assert "کبیسه" in str(errors["start_date"])


def test_shares_must_sum_to_a_hundred(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["expert"])
    response = client.post(reverse("purchase_contract_create"), form(world, share_employment="25"))
    assert response.status_code == 200 and not Contract.objects.exists()
    assert "۱۰۰" in str(response.context["form"].errors["share_employment"])


def test_the_contract_page_shows_tranches_learners_and_invoices(client: Any, world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, trainees=3))
    run = run_of(contract, link=world["expert"])
    done = enroll(run, 2)
    certify(done[0])
    client.force_login(world["manager"])
    html = client.get(contract.get_absolute_url()).content.decode()
    assert f'data-testid="learner-{done[0].pk}"' in html and done[0].trainee.national_code in html
    assert 'data-testid="issue-enrollment"' in html and 'data-testid="issue-employment"' not in html
    client.force_login(world["expert"])
    response = client.post(reverse("purchase_invoice_issue", args=[contract.pk, "enrollment"]))
    invoice = Invoice.objects.get()
    assert response["Location"] == invoice.get_absolute_url() and invoice.total == 60_000_000
    page = client.get(invoice.get_absolute_url()).content.decode()
    assert invoice.number in page and "۶۰٬۰۰۰٬۰۰۰" in page
    assert [n for n, _l in client.get(invoice.get_absolute_url()).context["actions"]] == []  # the issuer
    client.force_login(world["manager"])
    assert sorted(n for n, _l in client.get(invoice.get_absolute_url()).context["actions"]) == ["approve", "void"]
    client.post(reverse("purchase_invoice_transition", args=[invoice.pk, "approve"]), {"note": ""})
    client.post(reverse("purchase_invoice_transition", args=[invoice.pk, "pay"]),
                {"paid_on": "۱۴۰۵/۰۹/۰۱", "reference": "۱۲۳۴۵"})
    invoice.refresh_from_db()
    assert (invoice.status, invoice.payment_reference, invoice.paid_on.isoformat()) == ("paid", "12345", "2026-11-22")


def test_the_invoice_pdf_explains_each_learner_with_masked_codes(client: Any, world: dict[str, Any],
                                                                  tmp_path: Any) -> None:
    contract = signed(world, make_contract(world, trainees=3))
    done = enroll(run_of(contract, link=world["expert"]), 2)
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    client.force_login(world["institute_manager"])
    response = client.get(reverse("purchase_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert shutil.which("pdftotext"), "poppler-utils is missing"
    path = tmp_path / "invoice.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", text)
    code = done[0].trainee.national_code
    assert invoice.number in text and f"******{code[-4:]}" in text and code not in text


def test_employment_evidence_with_its_document(client: Any, world: dict[str, Any]) -> None:
    import datetime as dt

    contract = signed(world, make_contract(world, trainees=3))
    run = run_of(contract, link=world["expert"], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1))
    learner = enroll(run, 1)[0]
    client.force_login(world["expert"])
    url = reverse("purchase_evidence_create", args=[contract.pk])
    assert client.get(url).status_code == 200
    missing = client.post(url, {"national_code": learner.trainee.national_code, "employer": "کارگاه جوش البرز",
                                "from_date": "1405/04/01"})
    assert missing.status_code == 200 and "document" in missing.context["form"].errors
    response = client.post(url, {"national_code": learner.trainee.national_code, "employer": "کارگاه جوش البرز",
                                 "from_date": "۱۴۰۵/۰۴/۰۱",
                                 "document": SimpleUploadedFile("contract.pdf", real_pdf(), "application/pdf")})
    evidence = EmploymentEvidence.objects.get()
    assert response.status_code == 302 and response["Location"] == evidence.get_absolute_url()
    assert client.get(evidence.get_absolute_url()).status_code == 200
    assert 'data-testid="attachments"' in client.get(evidence.get_absolute_url()).content.decode()
    page = client.get(contract.get_absolute_url()).context
    assert page["figures"].learners["employment"] == 1


def test_runs_are_listed_and_taken_off(client: Any, world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world))
    run = run_of(contract)
    client.force_login(world["expert"])
    client.post(reverse("purchase_contract_run_add", args=[contract.pk]), {"course_run": run.code.lower()})
    link = ContractRun.objects.get()
    assert link.course_run == run
    other = run_of(contract, standard=world["turning"])
    response = client.post(reverse("purchase_contract_run_add", args=[contract.pk]), {"course_run": other.code},
                           follow=True)
    assert "استاندارد این دوره در قرارداد نیست" in response.content.decode()
    client.post(reverse("purchase_contract_run_remove", args=[contract.pk, link.pk]))
    assert not ContractRun.objects.exists()


def test_the_dashboard_for_the_nation_a_province_and_an_institute(client: Any, world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, trainees=3))
    enroll(run_of(contract, link=world["expert"]), 2)
    license(world["far"])
    for role, testid in (("hq_viewer", 'data-testid="province-IR-26"'), ("manager", f'data-testid="contract-{contract.pk}"'),
                         ("institute_manager", f'data-testid="contract-{contract.pk}"')):
        client.force_login(world[role])
        response = client.get(reverse("purchase_dashboard"))
        assert response.status_code == 200 and testid in response.content.decode(), role
    client.force_login(world["hq_viewer"])
    assert f'data-testid="contract-{contract.pk}"' in client.get(reverse("purchase_dashboard"),
                                                                 {"province": "ir-26"}).content.decode()
    client.force_login(world["other_manager"])
    assert client.get(reverse("purchase_dashboard"), {"province": "IR-26"}).status_code == 404
    assert client.get(reverse("purchase_dashboard")).context["total"].committed == 0


def test_the_list_filters_by_status_and_province(client: Any, world: dict[str, Any]) -> None:
    draft = make_contract(world)
    active = signed(world, make_contract(world))
    client.force_login(world["hq_planner"])
    listed = client.get(reverse("purchase_contract_list"), {"status": "active"}).context["object_list"]
    assert list(listed) == [active]
    assert set(client.get(reverse("purchase_contract_list"), {"province": "IR-26"}).context["object_list"]) == {
        draft, active}
    assert not client.get(reverse("purchase_contract_list"), {"province": "IR-03"}).context["object_list"]
    assert client.get(reverse("purchase_contract_list"), {"q": draft.number}).status_code == 200


def test_a_course_runs_page_names_the_contract_that_buys_it(client: Any, world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world))
    run = run_of(contract, link=world["expert"])
    client.force_login(world["institute_manager"])
    html = client.get(run.get_absolute_url()).content.decode()
    assert 'data-testid="purchase-contract"' in html and contract.number in html
    client.force_login(world["head"])  # no view of contracts: no section (and the run is not theirs anyway)
    assert client.get(run.get_absolute_url()).status_code == 404


def test_the_pages_speak_english_on_english_pages(client: Any, world: dict[str, Any]) -> None:
    from django.conf import settings

    contract = signed(world, make_contract(world, trainees=3))
    enroll(run_of(contract, link=world["expert"]), 1)
    invoice = invoicing.issue_invoice(world["expert"], contract, Tranche.ENROLLMENT)
    client.force_login(world["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(contract.get_absolute_url()).content.decode()
    assert "Payment stages" in page and "Trainees counted" in page and "مراحل پرداخت" not in page
    bill = client.get(invoice.get_absolute_url()).content.decode()
    assert "Lines, trainee by trainee" in bill and "Approve the invoice" in bill
    board = client.get(reverse("purchase_dashboard")).content.decode()
    assert "By payment stage" in board and "Committed" in board
