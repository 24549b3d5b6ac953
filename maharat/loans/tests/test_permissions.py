"""Who may do what with a loan, inside and outside their subtree: every answer written here by hand, then asked
of the pages as each role would (a loan outside one's reach is 404, a step one's role may not take is 403,
nothing changes on either), and of the declarations and the menu.

Loans: "mine" is the Qazvin institute's, "far" the other province's institute's, "big" the Qazvin neighbour's
request above the programme's provincial threshold (HQ decides it).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from maharat.access import records
from maharat.access.roles import Role
from maharat.loans import services
from maharat.loans.models import Loan, LoanProgramme, LoanStatus, Repayment

from .conftest import PROGRAMME, applied, approved, disbursed

pytestmark = pytest.mark.django_db

OK = "ok"  # done: a redirect, and the loan moved
FORM = "form"  # the form comes back with the error, nothing saved
NO = (403, 403)
HAND: dict[str, dict[str, tuple[Any, ...]]] = {
    "hq_planner": {"list": (200, True, True), "detail": (200, 200), "create": NO, "approve": (OK, OK),
                   "big": (OK,), "reject": (OK, OK), "disburse": NO, "repay": NO, "default": (OK, OK),
                   "programme": (200, OK, OK)},
    "hq_viewer": {"list": (200, True, True), "detail": (200, 200), "create": NO, "approve": NO, "big": (403,),
                  "reject": NO, "disburse": NO, "repay": NO, "default": NO, "programme": (200, 403, 403)},
    "manager": {"list": (200, True, False), "detail": (200, 404), "create": NO, "approve": (OK, 404), "big": (403,),
                "reject": (OK, 404), "disburse": (403, 404), "repay": (403, 404), "default": (403, 404),
                "programme": (200, 403, 403)},
    "expert": {"list": (200, True, False), "detail": (200, 404), "create": (OK, FORM), "approve": (403, 404),
               "big": (403,), "reject": (403, 404), "disburse": (OK, 404), "repay": (OK, 404), "default": (403, 404),
               "programme": (200, 403, 403)},
    "institute_manager": {"list": (200, True, False), "detail": (200, 404), "create": (OK, FORM),
                          "approve": (403, 404), "big": (404,), "reject": (403, 404), "disburse": (403, 404),
                          "repay": (403, 404), "default": (403, 404), "programme": (200, 403, 403)},
    "neighbour_manager": {"list": (200, False, False), "detail": (404, 404), "create": (FORM, FORM),
                          "approve": (404, 404), "big": (403,), "reject": (404, 404), "disburse": (404, 404),
                          "repay": (404, 404), "default": (404, 404), "programme": (200, 403, 403)},
    "other_manager": {"list": (200, False, True), "detail": (404, 200), "create": NO, "approve": (404, OK),
                      "big": (404,), "reject": (404, OK), "disburse": (404, 403), "repay": (404, 403),
                      "default": (404, 403), "programme": (200, 403, 403)},
    "other_expert": {"list": (200, False, True), "detail": (404, 200), "create": (FORM, OK), "approve": (404, 403),
                     "big": (404,), "reject": (404, 403), "disburse": (404, OK), "repay": (404, OK),
                     "default": (404, 403), "programme": (200, 403, 403)},
    "far_manager": {"list": (200, False, True), "detail": (404, 200), "create": (FORM, OK), "approve": (404, 403),
                    "big": (404,), "reject": (404, 403), "disburse": (404, 403), "repay": (404, 403),
                    "default": (404, 403), "programme": (200, 403, 403)},
    **{role: {"list": (403, False, False), "detail": NO, "create": NO, "approve": NO, "big": (403,), "reject": NO,
              "disburse": NO, "repay": NO, "default": NO, "programme": (403, 403, 403)}
       for role in ("head", "trainer", "assessor", "partner_viewer")},
}

# The declarations as the permission matrix writes them: v view, a add, c change, D decide, b disburse,
# l collect (repayments), f default, w write off.
LETTERS = {
    "loan": {"hq_planner": "vDfw", "hq_viewer": "v", "provincial_manager": "vD", "provincial_expert": "vacbl",
             "institute_manager": "vac"},
    "loanprogramme": {"hq_planner": "vac", "hq_viewer": "v", "provincial_manager": "v", "provincial_expert": "v",
                      "institute_manager": "v"},
}
LETTER = {"view": "v", "add": "a", "change": "c", "delete": "d", "decide": "D", "disburse": "b", "collect": "l",
          "default": "f", "write_off": "w"}


def test_the_declarations_are_the_hand_written_rows() -> None:
    for name, rows in LETTERS.items():
        declared = records.kinds()[name]
        for role in Role:
            got = "".join(sorted(LETTER[a] for a in declared.roles.get(role, ())))
            assert got == "".join(sorted(rows.get(role, ""))), (name, role)


def far_loan(world: dict[str, Any], state: str) -> Loan:
    loan = applied(world, by="other_expert", institute="far")
    if state in ("approved", "disbursed"):
        loan = approved(world, loan, by="other_manager")
    if state == "disbursed":
        loan = services.disburse(world["other_expert"], loan, on=loan.decided_on, reference="FAR-1")
    return loan


def mine_loan(world: dict[str, Any], state: str) -> Loan:
    loan = applied(world)
    if state in ("approved", "disbursed"):
        loan = approved(world, loan)
    if state == "disbursed":
        loan = disbursed(world, loan)
    return loan


POSTS = {"approve": ({"amount": "", "note": "", "on": ""}, LoanStatus.APPROVED),
         "reject": ({"reason": "طرح توجیهی ناقص است", "on": ""}, LoanStatus.REJECTED),
         "disburse": ({"on": "1405/09/01", "reference": "PAY-P"}, LoanStatus.DISBURSED),
         "repayment": ({"on": "1405/09/01", "amount": "۱٬۰۰۰٬۰۰۰", "reference": "R-P"}, LoanStatus.REPAYING),
         "declare_default": ({"reason": "دوازده ماه بی‌پرداخت", "on": ""}, LoanStatus.DEFAULTED)}
STATE_FOR = {"approve": "submitted", "reject": "submitted", "disburse": "approved", "repayment": "disbursed",
             "declare_default": "disbursed"}
KEY = {"approve": "approve", "reject": "reject", "disburse": "disburse", "repayment": "repay",
       "declare_default": "default"}


@pytest.mark.parametrize("role", list(HAND))
@pytest.mark.parametrize("step", list(POSTS))
def test_steps(client: Any, world: dict[str, Any], role: str, step: str) -> None:
    loans = {"mine": mine_loan(world, STATE_FOR[step]), "far": far_loan(world, STATE_FOR[step])}
    client.force_login(world[role])
    data, after = POSTS[step]
    for target, want in zip(("mine", "far"), HAND[role][KEY[step]], strict=True):
        loan = loans[target]
        before = Loan.objects.get(pk=loan.pk).status
        status = client.post(reverse("loan_step", args=[loan.pk, step]), data).status_code
        now = Loan.objects.get(pk=loan.pk).status
        if want == OK:
            assert (status, now) == (302, after), (role, step, target, status)
        else:
            assert (status, now) == (want, before), (role, step, target)
    if step == "repayment":
        assert Repayment.objects.count() == sum(w == OK for w in HAND[role]["repay"])


@pytest.mark.parametrize("role", list(HAND))
def test_a_request_above_the_threshold_is_hqs(client: Any, world: dict[str, Any], role: str) -> None:
    big = applied(world, institute="neighbour", amount=1_500_000_000)
    client.force_login(world[role])
    (want,) = HAND[role]["big"]
    status = client.post(reverse("loan_step", args=[big.pk, "approve"]), POSTS["approve"][0]).status_code
    now = Loan.objects.get(pk=big.pk).status
    assert (status, now) == ((302, LoanStatus.APPROVED) if want == OK else (want, LoanStatus.SUBMITTED)), role


@pytest.mark.parametrize("role", list(HAND))
def test_detail_and_list(client: Any, world: dict[str, Any], role: str) -> None:
    loans = {"mine": mine_loan(world, "disbursed"), "far": far_loan(world, "disbursed")}
    client.force_login(world[role])
    for target, want in zip(("mine", "far"), HAND[role]["detail"], strict=True):
        assert client.get(loans[target].get_absolute_url()).status_code == want, (role, target)
    status, sees_mine, sees_far = HAND[role]["list"]
    for name in ("loan_list", "loan_overdue_list", "loan_totals"):
        assert client.get(reverse(name)).status_code == status, (role, name)
    if status == 200:
        listed = set(client.get(reverse("loan_list")).context["object_list"])
        assert (loans["mine"] in listed, loans["far"] in listed) == (sees_mine, sees_far), role
        found = set(client.get(reverse("loan_list"), {"q": loans["far"].number}).context["object_list"])
        assert (loans["far"] in found) == sees_far, role
        csv = b"".join(client.get(reverse("loan_list"), {"format": "csv"}).streaming_content).decode("utf-8-sig")
        assert (loans["far"].number in csv, loans["mine"].number in csv) == (sees_far, sees_mine), role


@pytest.mark.parametrize("role", list(HAND))
def test_create_inside_and_outside(client: Any, world: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    for target, want in zip(("institute", "far"), HAND[role]["create"], strict=True):
        description = f"درخواست {role} برای {target}"
        response = client.post(reverse("loan_create"), {
            "programme": world["programme"].pk, "institute": world[target].code, "purpose": "equipment",
            "description": description, "amount": "500000000", "term_months": "24"})
        made = Loan.objects.filter(description=description)
        if want == OK:
            assert response.status_code == 302 and made.count() == 1, (role, target, response.status_code)
            assert made.get().institute == world[target]
        elif want == FORM:
            assert response.status_code == 200 and not made.exists(), (role, target)
            assert "آموزشگاه آزادی با این کد در حوزه شما نیست." in response.content.decode()
        else:
            assert response.status_code == want and not made.exists(), (role, target, response.status_code)


@pytest.mark.parametrize("role", list(HAND))
def test_programmes(client: Any, world: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    see, create, edit = HAND[role]["programme"]
    programme = world["programme"]
    assert client.get(reverse("loan_programme_list")).status_code == see
    assert client.get(programme.get_absolute_url()).status_code == see
    terms = {**PROGRAMME, "title": f"برنامه {role}", "is_open": "on"}
    response = client.post(reverse("loan_programme_create"), terms)
    assert (response.status_code, LoanProgramme.objects.filter(title=f"برنامه {role}").exists()) == (
        (302, True) if create == OK else (create, False)), role
    response = client.post(reverse("loan_programme_edit", args=[programme.pk]), {**PROGRAMME, "budget": "12000000000"})
    assert (response.status_code, LoanProgramme.objects.get(pk=programme.pk).budget) == (
        (302, 12_000_000_000) if edit == OK else (edit, 10_000_000_000)), role


# The menu's loan entries each role sees (maharat/web/tests/test_menu.py holds the whole menu).
MENU = {"hq_planner": 4, "hq_viewer": 4, "manager": 4, "expert": 4, "institute_manager": 4, "neighbour_manager": 4,
        "other_manager": 4, "other_expert": 4, "far_manager": 4, "head": 0, "trainer": 0, "assessor": 0,
        "partner_viewer": 0}


@pytest.mark.parametrize("role", list(MENU))
def test_the_menu_offers_what_opens(client: Any, world: dict[str, Any], role: str) -> None:
    client.force_login(world[role])
    html = client.get(reverse("home")).content.decode()
    nav = html[html.index('id="mainnav"'):html.index("</nav>")]
    urls = [reverse(n) for n in ("loan_list", "loan_overdue_list", "loan_totals", "loan_programme_list")]
    shown = [u for u in urls if f'href="{u}"' in nav]
    assert len(shown) == MENU[role], (role, shown)
    for url in shown:
        assert client.get(url).status_code == 200, url
