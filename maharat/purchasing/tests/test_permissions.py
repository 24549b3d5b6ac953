"""Who may do what with contracts, invoices and employment evidence, inside and outside their subtree: every
answer written here by hand, then asked of the pages as each role would (a record outside one's reach is 404,
an action one's role may not take is 403, and nothing changes on either), and of the declarations.

Records (fixture `deals`): "mine" a signed contract of Qazvin with its institute, "far" one of the other
province with its own institute, "neighbour" a draft of Qazvin with the neighbour institute; "draft_mine" and
"draft_far" drafts; an issued invoice on each of mine and far (by the expert of its province); an employment
evidence on a learner of each.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from maharat.access import records
from maharat.attachments.tests.files import real_pdf, upload
from maharat.purchasing import invoicing, services
from maharat.purchasing.models import Contract, ContractStatus, Invoice, InvoiceStatus, Tranche

from .conftest import enroll, make_contract, run_of, signed

pytestmark = pytest.mark.django_db

OK = "ok"  # done: redirected, and the record moved
FORM = "form"  # the form comes back with an error, nothing saved

# detail/invoice/evidence/edit/sign/issue/approve/evidence_new: (on mine, on far); list: status, then whether
# mine, far and neighbour are listed; create: (for the Qazvin institute, for the far institute).
HAND: dict[str, dict[str, tuple[Any, ...]]] = {
    "hq_planner": {"list": (200, True, True, True), "detail": (200, 200), "invoice": (200, 200),
                   "evidence": (200, 200), "create": (OK, OK), "edit": (200, 200), "sign": (OK, OK),
                   "issue": (OK, OK), "approve": (OK, OK), "evidence_new": (200, 200), "dashboard": 200},
    "hq_viewer": {"list": (200, True, True, True), "detail": (200, 200), "invoice": (200, 200),
                  "evidence": (200, 200), "create": (403, 403), "edit": (403, 403), "sign": (403, 403),
                  "issue": (403, 403), "approve": (403, 403), "evidence_new": (403, 403), "dashboard": 200},
    "manager": {"list": (200, True, False, True), "detail": (200, 404), "invoice": (200, 404),
                "evidence": (200, 404), "create": (OK, FORM), "edit": (200, 404), "sign": (OK, 404),
                "issue": (OK, 404), "approve": (OK, 404), "evidence_new": (200, 404), "dashboard": 200},
    "expert": {"list": (200, True, False, True), "detail": (200, 404), "invoice": (200, 404),
               "evidence": (200, 404), "create": (OK, FORM), "edit": (200, 404), "sign": (403, 404),
               "issue": (OK, 404), "approve": (403, 404), "evidence_new": (200, 404), "dashboard": 200},
    "institute_manager": {"list": (200, True, False, False), "detail": (200, 404), "invoice": (200, 404),
                          "evidence": (403, 403), "create": (403, 403), "edit": (403, 403), "sign": (403, 404),
                          "issue": (403, 403), "approve": (403, 404), "evidence_new": (403, 403),
                          "dashboard": 200},
    "neighbour_manager": {"list": (200, False, False, True), "detail": (404, 404), "invoice": (404, 404),
                          "evidence": (403, 403), "create": (403, 403), "edit": (403, 403), "sign": (404, 404),
                          "issue": (403, 403), "approve": (404, 404), "evidence_new": (403, 403),
                          "dashboard": 200},
    "head": {"list": (403,), "detail": (403, 403), "invoice": (403, 403), "evidence": (403, 403),
             "create": (403, 403), "edit": (403, 403), "sign": (403, 403), "issue": (403, 403),
             "approve": (403, 403), "evidence_new": (403, 403), "dashboard": 403},
    "trainer": {"list": (403,), "detail": (403, 403), "invoice": (403, 403), "evidence": (403, 403),
                "create": (403, 403), "edit": (403, 403), "sign": (403, 403), "issue": (403, 403),
                "approve": (403, 403), "evidence_new": (403, 403), "dashboard": 403},
    "assessor": {"list": (403,), "detail": (403, 403), "invoice": (403, 403), "evidence": (403, 403),
                 "create": (403, 403), "edit": (403, 403), "sign": (403, 403), "issue": (403, 403),
                 "approve": (403, 403), "evidence_new": (403, 403), "dashboard": 403},
    "partner_viewer": {"list": (403,), "detail": (403, 403), "invoice": (403, 403), "evidence": (403, 403),
                       "create": (403, 403), "edit": (403, 403), "sign": (403, 403), "issue": (403, 403),
                       "approve": (403, 403), "evidence_new": (403, 403), "dashboard": 403},
    "other_manager": {"list": (200, False, True, False), "detail": (404, 200), "invoice": (404, 200),
                      "evidence": (404, 200), "create": (FORM, OK), "edit": (404, 200), "sign": (404, OK),
                      "issue": (404, OK), "approve": (404, OK), "evidence_new": (404, 200), "dashboard": 200},
    "far_manager": {"list": (200, False, True, False), "detail": (404, 200), "invoice": (404, 200),
                    "evidence": (403, 403), "create": (403, 403), "edit": (403, 403), "sign": (404, 403),
                    "issue": (403, 403), "approve": (404, 403), "evidence_new": (403, 403), "dashboard": 200},
}

# The declarations as the permission matrix would write them: v view, a add, c change, d delete, S sign,
# x close, n cancel, I issue, p approve, P pay.
LETTERS = {
    "purchase": {"hq_planner": "vacSxnIpP", "provincial_manager": "vacSxnIpP", "provincial_expert": "vacI",
                 "institute_manager": "v", "hq_viewer": "v"},
    "employmentevidence": {"hq_planner": "vacd", "provincial_manager": "vacd", "provincial_expert": "vacd",
                           "hq_viewer": "v"},
}
LETTER = {"view": "v", "add": "a", "change": "c", "delete": "d", "sign": "S", "close": "x", "cancel": "n",
          "issue": "I", "approve": "p", "pay": "P"}


def test_the_declarations_are_the_hand_written_rows() -> None:
    from maharat.access.roles import Role

    for name, rows in LETTERS.items():
        declared = records.kinds()[name]
        for role in Role:
            got = "".join(sorted(LETTER[a] for a in declared.roles.get(role, ())))
            assert got == "".join(sorted(rows.get(role, ""))), (name, role)


@pytest.fixture
def deals(world: dict[str, Any]) -> dict[str, Any]:
    made: dict[str, Any] = {}
    for side, expert, manager, institute in (("mine", "expert", "manager", "institute"),
                                             ("far", "other_expert", "other_manager", "far")):
        contract = signed(world, make_contract(world, by=expert, institute=institute), by=manager)
        learners = enroll(run_of(contract, link=world[expert], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1)), 2)
        made[side] = contract
        made[f"{side}_invoice"] = invoicing.issue_invoice(world[expert], contract, Tranche.COMPLETION)
        made[f"{side}_evidence"] = services.add_evidence(world[expert], enrollment=learners[0], employer="کارخانه",
                                                         from_date=dt.date(2026, 6, 5),
                                                         document=upload(f"{side}.pdf", real_pdf()))
        made[f"draft_{side}"] = make_contract(world, by=expert, institute=institute)
    made["neighbour"] = make_contract(world, institute="neighbour")
    return made


def _pair(role: str, key: str) -> Any:
    return zip(("mine", "far"), HAND[role][key], strict=True)


@pytest.mark.parametrize("role", list(HAND))
def test_reading(client: Any, world: dict[str, Any], deals: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    for side, want in _pair(role, "detail"):
        assert client.get(deals[side].get_absolute_url()).status_code == want, (role, side)
    for side, want in _pair(role, "invoice"):
        assert client.get(deals[f"{side}_invoice"].get_absolute_url()).status_code == want, (role, side)
        pdf = client.get(reverse("purchase_invoice_pdf", args=[deals[f"{side}_invoice"].pk])).status_code
        assert pdf == want, (role, side, "pdf")
    for side, want in _pair(role, "evidence"):
        assert client.get(deals[f"{side}_evidence"].get_absolute_url()).status_code == want, (role, side)
    for side, want in _pair(role, "evidence_new"):
        assert client.get(reverse("purchase_evidence_create", args=[deals[side].pk])).status_code == want
    assert client.get(reverse("purchase_dashboard")).status_code == HAND[role]["dashboard"]
    listed = HAND[role]["list"]
    response = client.get(reverse("purchase_contract_list"))
    assert response.status_code == listed[0], role
    if listed[0] == 200:
        shown = set(response.context["object_list"])
        assert tuple(deals[k] in shown for k in ("mine", "far", "neighbour")) == listed[1:], role
        # Searching for the far contract by its number does not find it from outside either.
        found = set(client.get(reverse("purchase_contract_list"), {"q": deals["far"].number}).context["object_list"])
        assert (deals["far"] in found) == listed[2]


@pytest.mark.parametrize("role", list(HAND))
def test_signing_and_editing(client: Any, world: dict[str, Any], deals: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    for side, want in _pair(role, "sign"):
        draft = deals[f"draft_{side}"]
        status = client.post(reverse("purchase_contract_transition", args=[draft.pk, "sign"])).status_code
        now = Contract.objects.get(pk=draft.pk).status
        if want == OK:
            assert (status, now) == (302, ContractStatus.ACTIVE), (role, side)
        else:
            assert (status, now) == (want, ContractStatus.DRAFT), (role, side)
    for side, want in _pair(role, "edit"):
        draft = Contract.objects.get(pk=deals[f"draft_{side}"].pk)
        if draft.status != ContractStatus.DRAFT:
            continue  # signed just above: its page says it is no longer edited
        assert client.get(reverse("purchase_contract_edit", args=[draft.pk])).status_code == want, (role, side)


@pytest.mark.parametrize("role", list(HAND))
def test_invoicing(client: Any, world: dict[str, Any], deals: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    for side, want in _pair(role, "issue"):
        contract = deals[side]
        before = Invoice.objects.filter(contract=contract).count()
        status = client.post(reverse("purchase_invoice_issue", args=[contract.pk, "enrollment"])).status_code
        after = Invoice.objects.filter(contract=contract).count()
        if want == OK:
            assert (status, after) == (302, before + 1), (role, side)
        else:
            assert (status, after) == (want, before), (role, side)
    for side, want in _pair(role, "approve"):
        invoice = deals[f"{side}_invoice"]
        status = client.post(reverse("purchase_invoice_transition", args=[invoice.pk, "approve"])).status_code
        now = Invoice.objects.get(pk=invoice.pk).status
        if want == OK:
            assert (status, now) == (302, InvoiceStatus.APPROVED), (role, side)
        else:
            assert (status, now) == (want, InvoiceStatus.ISSUED), (role, side)


@pytest.mark.parametrize("role", list(HAND))
def test_drafting(client: Any, world: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    for target, want in zip(("institute", "far"), HAND[role]["create"], strict=True):
        unit = world[target]
        title = f"قرارداد {role} {target}"
        response = client.post(reverse("purchase_contract_create"), {
            "province": unit.province.code, "institute": unit.code, "title": title,
            "standards": world["welding"].code, "trainees": "5", "price": "1000000", "start_date": "1405/01/01",
            "end_date": "1405/12/29", "share_enrollment": "30", "share_completion": "30",
            "share_certification": "20", "share_employment": "20", "premium_rural": "0", "premium_nomad": "0",
            "premium_women": "0", "premium_disability": "0"})
        made = Contract.objects.filter(title=title)
        if want == OK:
            assert response.status_code == 302 and made.count() == 1, (role, target, response.status_code)
            assert made.get().province == unit.province
        elif want == FORM:
            assert response.status_code == 200 and not made.exists(), (role, target)
            assert "در حوزه شما نیست" in response.content.decode()
        else:
            assert response.status_code == want and not made.exists(), (role, target, response.status_code)


def test_a_province_contracts_only_for_itself(world: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):  # the far institute is not in Qazvin's subtree
        services.create_contract(world["expert"], province=world["other"], institute=world["far"],
                                 standards=[world["welding"]], trainees=1, price=1, start_date=dt.date(2026, 4, 1),
                                 end_date=dt.date(2026, 5, 1))
    with pytest.raises(ValidationError) as mismatch:  # HQ may, but the institute must lie in the province
        services.create_contract(world["hq_planner"], province=world["other"], institute=world["institute"],
                                 standards=[world["welding"]], trainees=1, price=1, start_date=dt.date(2026, 4, 1),
                                 end_date=dt.date(2026, 5, 1))
    assert "institute" in mismatch.value.message_dict
    with pytest.raises(ValidationError) as center:
        services.create_contract(world["hq_planner"], province=world["qazvin"], institute=world["center"],
                                 standards=[world["welding"]], trainees=1, price=1, start_date=dt.date(2026, 4, 1),
                                 end_date=dt.date(2026, 5, 1))
    assert "آموزشگاه آزاد نیست" in str(center.value)
    assert not Contract.objects.exists()


def test_a_run_from_outside_is_answered_like_an_unknown_code(client: Any, world: dict[str, Any],
                                                             deals: dict[str, Any]) -> None:
    far_run = deals["far"].runs.get().course_run
    client.force_login(world["expert"])
    page = client.post(reverse("purchase_contract_run_add", args=[deals["mine"].pk]), {"course_run": far_run.code},
                       follow=True).content.decode()
    unknown = client.post(reverse("purchase_contract_run_add", args=[deals["mine"].pk]), {"course_run": "NO-SUCH"},
                          follow=True).content.decode()
    assert "دوره‌ای با این کد در حوزه شما نیست" in page and "دوره‌ای با این کد در حوزه شما نیست" in unknown
    assert deals["mine"].runs.count() == 1


def test_the_buttons_are_the_actions_the_user_may_take(client: Any, world: dict[str, Any],
                                                       deals: dict[str, Any]) -> None:
    draft = deals["draft_mine"]
    client.force_login(world["expert"])
    assert client.get(draft.get_absolute_url()).context["actions"] == []
    client.force_login(world["manager"])
    assert sorted(n for n, _l in client.get(draft.get_absolute_url()).context["actions"]) == ["cancel", "sign"]
    assert sorted(n for n, _l in client.get(deals["mine"].get_absolute_url()).context["actions"]) == [
        "cancel", "close"]
    client.force_login(world["institute_manager"])
    context = client.get(deals["mine"].get_absolute_url()).context
    assert context["actions"] == [] and not context["may_issue"] and not context["may_change_runs"]
    assert not context["may_add_evidence"] and not context["evidence"]
