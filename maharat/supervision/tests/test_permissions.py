"""Who may do what with visits, complaints, sanction proposals, the plan and the checklist, inside and outside
their subtree: every answer written here by hand, then asked of the pages as each role would (outside one's
reach a record is a 404, a step one's role may not take is a 403, and nothing changes on either).

Records: "mine", a visit that took place at the Qazvin institute; "hidden", an unannounced visit planned there
(the institute may not know of it); "far", a visit that took place at the other province's institute. A complaint
"answered" about the Qazvin institute, one "pending" there, one "far" answered; a proposal for the Qazvin
institute and one for the far institute.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.access import records
from maharat.institutes.models import Decision
from maharat.supervision.models import ChecklistVersion, Complaint, RiskSettings, SanctionProposal, Visit
from maharat.supervision.services import complaints as complaint_services

from .conftest import complaint_about, done, planned, proposal_for

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]

OK = "ok"
ROLES = ["hq_planner", "hq_viewer", "manager", "expert", "head", "institute_manager", "neighbour_manager",
         "other_manager", "other_expert", "far_manager"]

VISIT_PAGE = {  # (mine, hidden, far)
    "hq_planner": (200, 200, 200), "hq_viewer": (200, 200, 200), "manager": (200, 200, 404),
    "expert": (200, 200, 404), "head": (403, 403, 403), "institute_manager": (200, 404, 404),
    "neighbour_manager": (404, 404, 404), "other_manager": (404, 404, 200), "other_expert": (404, 404, 200),
    "far_manager": (404, 404, 200)}
VISIT_LISTED = {  # the list: status, then whether mine, hidden and far are on it
    "hq_planner": (200, True, True, True), "hq_viewer": (200, True, True, True),
    "manager": (200, True, True, False), "expert": (200, True, True, False), "head": (403,),
    "institute_manager": (200, True, False, False), "neighbour_manager": (200, False, False, False),
    "other_manager": (200, False, False, True), "other_expert": (200, False, False, True),
    "far_manager": (200, False, False, True)}
PLAN_NEW = {"hq_planner": 403, "hq_viewer": 403, "manager": 200, "expert": 200, "head": 403,
            "institute_manager": 403, "neighbour_manager": 403, "other_manager": 200, "other_expert": 200,
            "far_manager": 403}
RESULTS_HIDDEN = {"hq_planner": 403, "hq_viewer": 403, "manager": 200, "expert": 200, "head": 403,
                  "institute_manager": 404, "neighbour_manager": 404, "other_manager": 404, "other_expert": 404,
                  "far_manager": 404}
CANCEL_HIDDEN = {"hq_planner": 403, "hq_viewer": 403, "manager": OK, "expert": OK, "head": 403,
                 "institute_manager": 404, "neighbour_manager": 404, "other_manager": 404, "other_expert": 404,
                 "far_manager": 404}
COMPLAINT_PAGE = {  # (answered, pending, far)
    "hq_planner": (200, 200, 200), "hq_viewer": (200, 200, 200), "manager": (200, 200, 404),
    "expert": (403, 403, 403), "head": (403, 403, 403), "institute_manager": (200, 404, 404),
    "neighbour_manager": (404, 404, 404), "other_manager": (404, 404, 200), "other_expert": (403, 403, 403),
    "far_manager": (404, 404, 200)}
COMPLAINT_START = {"hq_planner": 403, "hq_viewer": 403, "manager": OK, "expert": 403, "head": 403,
                   "institute_manager": 404, "neighbour_manager": 404, "other_manager": 404, "other_expert": 403,
                   "far_manager": 404}
PROPOSAL_PAGE = {  # (mine, far)
    "hq_planner": (200, 200), "hq_viewer": (200, 200), "manager": (200, 404), "expert": (200, 404),
    "head": (403, 403), "institute_manager": (403, 403), "neighbour_manager": (403, 403),
    "other_manager": (404, 200), "other_expert": (404, 200), "far_manager": (403, 403)}
PROPOSAL_DECIDE = {"hq_planner": OK, "hq_viewer": 403, "manager": OK, "expert": 403, "head": 403,
                   "institute_manager": 403, "neighbour_manager": 403, "other_manager": 404, "other_expert": 404,
                   "far_manager": 403}
PLAN_PAGE = {"hq_planner": 200, "hq_viewer": 200, "manager": 200, "expert": 200, "head": 403,
             "institute_manager": 403, "neighbour_manager": 403, "other_manager": 200, "other_expert": 200,
             "far_manager": 403}
RISK_PAGE = {"hq_planner": 200, "hq_viewer": 200, "manager": 200, "expert": 200, "head": 403,
             "institute_manager": 403, "neighbour_manager": 403, "other_manager": 404, "other_expert": 404,
             "far_manager": 403}
CHECKLIST_PAGE = PLAN_PAGE
EDIT_METHOD = {role: 403 for role in ROLES} | {"hq_planner": OK}

# The declarations, as the permission matrix writes them (v view, a add, c change, x close, n cancel, D decide).
LETTERS = {
    "visit": {"hq_planner": "v", "hq_viewer": "v", "provincial_manager": "vacxn", "provincial_expert": "vacxn",
              "institute_manager": "v"},
    "checklist": {"hq_planner": "vac", "hq_viewer": "v", "provincial_manager": "v", "provincial_expert": "v"},
    "sanctionproposal": {"hq_planner": "vD", "hq_viewer": "v", "provincial_manager": "vD", "provincial_expert": "v"},
    "complaint": {"hq_planner": "v", "hq_viewer": "v", "provincial_manager": "vc", "institute_manager": "v"},
}
LETTER = {"view": "v", "add": "a", "change": "c", "close": "x", "cancel": "n", "decide": "D", "delete": "d"}


def test_the_declarations_are_the_hand_written_rows() -> None:
    from maharat.access.roles import Role

    for name, rows in LETTERS.items():
        declared = records.kinds()[name]
        for role in Role:
            got = "".join(sorted(LETTER[a] for a in declared.roles.get(role, ())))
            assert got == "".join(sorted(rows.get(role, ""))), (name, role)


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def visits_(world: dict[str, Any]) -> dict[str, Visit]:
    return {"mine": done(world, failing=1), "hidden": planned(world, kind="unannounced"),
            "far": done(world, by="other_expert", where="far", failing=1)}


@pytest.mark.parametrize("role", ROLES)
def test_visit_pages(world: dict[str, Any], visits_: dict[str, Visit], role: str) -> None:
    c = client_for(world[role])
    for key, want in zip(("mine", "hidden", "far"), VISIT_PAGE[role], strict=True):
        assert c.get(visits_[key].get_absolute_url()).status_code == want, (role, key)
    status, *listed = VISIT_LISTED[role]
    page = c.get(reverse("visit_list"))
    assert page.status_code == status
    if status == 200:
        shown = set(page.context["object_list"])
        assert [visits_[k] in shown for k in ("mine", "hidden", "far")] == listed, role
        # Nor is the hidden one found by its number.
        found = set(c.get(reverse("visit_list"), {"q": visits_["hidden"].number}).context["object_list"])
        assert (visits_["hidden"] in found) == listed[1]
    assert c.get(reverse("visit_create")).status_code == PLAN_NEW[role]
    assert c.get(reverse("visit_results", args=[visits_["hidden"].pk])).status_code == RESULTS_HIDDEN[role]


@pytest.mark.parametrize("role", ROLES)
def test_cancelling_the_hidden_visit(world: dict[str, Any], visits_: dict[str, Visit], role: str) -> None:
    hidden = visits_["hidden"]
    response = client_for(world[role]).post(reverse("visit_transition", args=[hidden.pk, "cancel"]),
                                            {"note": "تعطیلی رسمی"})
    status = Visit.objects.get(pk=hidden.pk).status
    if CANCEL_HIDDEN[role] == OK:
        assert (response.status_code, status) == (302, "cancelled")
    else:
        assert (response.status_code, status) == (CANCEL_HIDDEN[role], "planned"), role


@pytest.fixture
def complaints_(world: dict[str, Any]) -> dict[str, Complaint]:
    answered = complaint_about(world)
    complaint_services.step(world["manager"], answered, "start")
    complaint_services.step(world["manager"], answered, "respond", "شهریه مازاد بازگردانده شد.")
    far = complaint_about(world, where="far")
    complaint_services.step(world["other_manager"], far, "reject", "تعرفه رعایت شده است.")
    return {"answered": answered, "pending": complaint_about(world, category="safety"), "far": far}


@pytest.mark.parametrize("role", ROLES)
def test_complaint_pages(world: dict[str, Any], complaints_: dict[str, Complaint], role: str) -> None:
    c = client_for(world[role])
    for key, want in zip(("answered", "pending", "far"), COMPLAINT_PAGE[role], strict=True):
        assert c.get(complaints_[key].get_absolute_url()).status_code == want, (role, key)
    pending = complaints_["pending"]
    response = c.post(reverse("complaint_step", args=[pending.pk, "start"]))
    status = Complaint.objects.get(pk=pending.pk).status
    if COMPLAINT_START[role] == OK:
        assert (response.status_code, status) == (302, "in_progress")
    else:
        assert (response.status_code, status) == (COMPLAINT_START[role], "received"), role


def test_the_institute_reads_its_answered_complaint_without_who_complained(world: dict[str, Any],
                                                                          complaints_: dict[str, Complaint]) -> None:
    page = client_for(world["institute_manager"]).get(complaints_["answered"].get_absolute_url()).content.decode()
    assert "شهریه مازاد بازگردانده شد" in page
    for secret in ("مریم احمدی", "09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "دو برابر تعرفه", complaints_["answered"].tracking_code):
        assert secret not in page, secret
    listed = client_for(world["institute_manager"]).get(reverse("complaint_list"), {"format": "csv"})
    body = b"".join(listed.streaming_content).decode() if listed.streaming else listed.content.decode()
    assert "مریم" not in body and "0912" not in body
    manager_page = client_for(world["manager"]).get(complaints_["answered"].get_absolute_url()).content.decode()
    assert "مریم احمدی" in manager_page and "دو برابر تعرفه" in manager_page


@pytest.fixture
def proposals_(world: dict[str, Any]) -> dict[str, SanctionProposal]:
    return {"mine": proposal_for(world), "far": proposal_for(world, where="far", by="other_expert")}


@pytest.mark.parametrize("role", ROLES)
def test_proposal_pages_and_the_decision(world: dict[str, Any], proposals_: dict[str, SanctionProposal],
                                         role: str) -> None:
    c = client_for(world[role])
    for key, want in zip(("mine", "far"), PROPOSAL_PAGE[role], strict=True):
        assert c.get(proposals_[key].get_absolute_url()).status_code == want, (role, key)
    mine = proposals_["mine"]
    response = c.post(reverse("proposal_decide", args=[mine.pk]))
    after = SanctionProposal.objects.get(pk=mine.pk)
    if PROPOSAL_DECIDE[role] == OK:
        assert response.status_code == 302 and after.status == "decided" and after.decision is not None
    else:
        assert (response.status_code, after.status) == (PROPOSAL_DECIDE[role], "pending"), role
        assert not Decision.objects.filter(kind="warning", licence=world["licence"]).exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_plan_risk_and_method_pages(world: dict[str, Any], visits_: dict[str, Visit], role: str) -> None:
    c = client_for(world[role])
    page = c.get(reverse("visit_plan"), {"province": "IR-26"})
    assert page.status_code == PLAN_PAGE[role]
    if page.status_code == 200:
        codes = {row.unit.code for row in page.context["page_obj"]}
        home = "IR-03" if role.startswith("other") else "IR-26"
        expected = {world["far"].code} if home == "IR-03" else {world["institute"].code, world["neighbour"].code}
        assert codes == expected, role  # a province asking for another's plan gets its own
    assert c.get(reverse("institute_risk", args=[world["institute"].code])).status_code == RISK_PAGE[role]
    assert c.get(reverse("checklist_list")).status_code == CHECKLIST_PAGE[role]
    assert c.get(reverse("risk_settings")).status_code == CHECKLIST_PAGE[role]
    drafts = ChecklistVersion.objects.filter(status="draft").count()
    response = c.post(reverse("checklist_draft"))
    now = ChecklistVersion.objects.filter(status="draft").count()
    weight = RiskSettings.objects.get().weight_complaint
    settings_post = c.post(reverse("risk_settings"), {**_settings_form(), "weight_complaint": "۴"})
    if EDIT_METHOD[role] == OK:
        assert (response.status_code, now) == (302, drafts + 1)
        assert settings_post.status_code == 302 and str(RiskSettings.objects.get().weight_complaint) == "4.00"
    else:
        assert (response.status_code, now) == (403, drafts), role
        assert settings_post.status_code == 403 and RiskSettings.objects.get().weight_complaint == weight


def _settings_form() -> dict[str, str]:
    from maharat.supervision.models import EDITABLE

    current = RiskSettings.objects.get()
    return {name: str(getattr(current, name)) for name in EDITABLE}
