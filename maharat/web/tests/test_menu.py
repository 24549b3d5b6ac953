"""The menu is learnt from the apps' declarations: each role sees exactly the entries written here by hand,
and every entry it sees opens (no dead ends: a trainer is not offered the approval page it may not open)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from maharat.access.models import Account
from maharat.factories import make_unit
from maharat.org.factories import unit_for_role
from maharat.org.models import Unit, UnitKind

RECORDS = ["standard_list", "trainee_list", "trainer_list", "workshop_list", "courserun_list", "enrollment_list"]
TESTS = ["testsession_list", "certificate_list"]
DECIDES = ["period_inbox", "period_delegations"]  # who approves or accepts months: the inbox, and handing it over
EVERYONE = ["job_list", "workdays_calendar"]
LICENSING = ["licence_list", "application_list", "decision_list"]  # the province's desk and board, HQ, the institute
PURCHASE = ["purchase_contract_list", "purchase_dashboard"]  # buying training from institutes
LOANS = ["loan_list", "loan_overdue_list", "loan_totals", "loan_programme_list"]  # loans to institutes
SUPERVISION = ["visit_list", "visit_plan", "proposal_list", "complaint_list", "checklist_list"]
FEES = ["fees_caps"]  # the federation's maximum tuition and the state tariff
FIELDS = ["monitoring_fields_home"]  # fields against demand: for accounts at HQ, a province or a county
FOLLOWUP = ["followup_list"]  # what a unit owes and what it raised (not trainers, assessors or partners)  # one's own background jobs; the working-day calendar
EXPECTED = {
    "hq_planner": ["monitoring_home", "unit_detail", *RECORDS, *TESTS, "import", "period_list", "audit_list",
                   "account_list", *DECIDES, *FOLLOWUP, *LICENSING, *PURCHASE, *LOANS, *FEES, *SUPERVISION, *FIELDS],
    "hq_viewer": ["monitoring_home", "unit_detail", *RECORDS, *TESTS, "period_list", "audit_list", *FOLLOWUP,
                  *LICENSING, *PURCHASE, *LOANS, *FEES, *SUPERVISION, *FIELDS],
    "provincial_manager": ["monitoring_home", "unit_detail", *RECORDS, *TESTS, "import", "period_list", "audit_list",
                           "account_list", *DECIDES, *FOLLOWUP, *LICENSING, *PURCHASE, *LOANS, *FEES, *SUPERVISION, *FIELDS],
    "provincial_expert": ["monitoring_home", "unit_detail", *RECORDS, *TESTS, "import", "period_list", *FOLLOWUP,
                          *LICENSING, *PURCHASE, *LOANS, *FEES, "visit_list", "visit_plan", "proposal_list", "checklist_list", *FIELDS],
    "center_head": ["monitoring_home", "unit_detail", *RECORDS, *TESTS, "import", "period_list", "audit_list", *FOLLOWUP,
                    *FEES],
    "institute_manager": ["monitoring_home", "unit_detail", *RECORDS, "import", "period_list", *FOLLOWUP,
                          *LICENSING, *PURCHASE, *LOANS, *FEES, "visit_list", "complaint_list"],
    "trainer": ["unit_detail", *RECORDS],
    "assessor": ["unit_detail", "standard_list", "trainee_list", "courserun_list", "enrollment_list", *TESTS, "import"],
    "partner_viewer": ["standard_list", "trainee_list", "courserun_list", "enrollment_list"],
}


def _home(role: str) -> Unit:
    return unit_for_role(role, make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-26")))


def _menu_links(html: str) -> list[str]:
    nav = html[html.index('id="mainnav"'):html.index("</nav>")]
    return re.findall(r'class="(?:dropdown-item )?nav-link[^"]*" href="([^"#]+)"', nav)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_sees_exactly_its_menu_and_every_entry_opens(client, django_user_model, role) -> None:  # type: ignore[no-untyped-def]
    home = _home(role)
    user = django_user_model.objects.create_user(f"menu-{role}", password="menu-password-1")
    Account.objects.create(user=user, role=role, unit=home)
    client.force_login(user)
    links = _menu_links(client.get(reverse("home")).content.decode())
    expected = [reverse(name, args=[home.code]) if name in ("unit_detail", "period_list") else reverse(name)
                for name in [*EXPECTED[role], *EVERYONE]]
    assert sorted(links) == sorted(expected)
    for url in links:
        assert client.get(url, follow=True).status_code == 200, url


@pytest.mark.django_db
def test_the_menu_names_no_role() -> None:
    from pathlib import Path

    from maharat.access.roles import Role

    templates = Path(__file__).resolve().parents[2] / "templates"
    for page in templates.rglob("*.html"):
        text = page.read_text()
        for role in Role:
            assert f'"{role.value}"' not in text, f"{page} names the role {role.value}"
