"""Each role on each licensing page, inside and outside its reach; the answers are written here by hand.

200: shown; 403: the role may not do this at all; 404: the record lies outside the role's subtree (nothing of
it is revealed); 302: a form posted and taken (redirect to the record)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.factories import TODAY
from maharat.institutes import services
from maharat.institutes.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionKind,
    Licence,
    LicenceStatus,
)

from .conftest import code, data, inspected

pytestmark = pytest.mark.django_db

ROLES = ["hq_planner", "hq_viewer", "manager", "expert", "head", "trainer", "institute_manager", "neighbour_manager",
         "other_manager"]
# The institute's licence page (Qazvin), and the far institute's (the other province).
LICENCE_PAGE = {"hq_planner": (200, 200), "hq_viewer": (200, 200), "manager": (200, 404), "expert": (200, 404),
                "head": (403, 403), "trainer": (403, 403), "institute_manager": (200, 404),
                "neighbour_manager": (404, 404), "other_manager": (404, 200)}
# A founder's application at Qazvin's county: the institutes never see it (it sits above them).
APPLICATION_PAGE = {"hq_planner": 200, "hq_viewer": 200, "manager": 200, "expert": 200, "head": 403, "trainer": 403,
                    "institute_manager": 404, "neighbour_manager": 404, "other_manager": 404}
NEW_APPLICATION_FORM = {"hq_planner": 200, "hq_viewer": 403, "manager": 200, "expert": 200, "head": 403,
                        "trainer": 403, "institute_manager": 200, "neighbour_manager": 200, "other_manager": 200}


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("role", ROLES)
def test_the_licence_page_by_role(world: dict[str, Any], role: str) -> None:
    c = client_for(world[role])
    mine, far = LICENCE_PAGE[role]
    assert c.get(reverse("licence_detail", args=[world["licence"].pk])).status_code == mine
    assert c.get(reverse("licence_detail", args=[world["far_licence"].pk])).status_code == far


@pytest.mark.parametrize("role", ROLES)
def test_the_application_page_by_role(world: dict[str, Any], role: str) -> None:
    app = services.apply_new(world["expert"], county=world["county"], data=data())
    assert client_for(world[role]).get(reverse("application_detail", args=[app.pk])).status_code == \
        APPLICATION_PAGE[role]


@pytest.mark.parametrize("role", ROLES)
def test_the_new_application_form_by_role(world: dict[str, Any], role: str) -> None:
    # The form itself opens for whoever may add licensing records; where the county lies is checked on saving.
    assert client_for(world[role]).get(reverse("application_create")).status_code == NEW_APPLICATION_FORM[role]


def test_the_lists_hold_only_what_is_in_reach(world: dict[str, Any]) -> None:
    page = client_for(world["manager"]).get(reverse("licence_list")).content.decode()
    assert world["licence"].number in page and world["neighbour_licence"].number in page
    assert world["far_licence"].number not in page
    own = client_for(world["institute_manager"]).get(reverse("licence_list")).content.decode()
    assert world["licence"].number in own and world["neighbour_licence"].number not in own


def _post_application(c: Client, county: str, **extra: str) -> Any:
    values = {"county": county, "proposed_name": "آموزشگاه آزاد نو", "founder_kind": "natural",
              "founder_name": "حمید کریمی", "founder_code": code("228213984"), "manager_name": "حمید کریمی",
              "manager_national_code": code("228213984"), "licence_type": "jim", "clusters": ["ict"],
              "address": "قزوین، بلوار", "postal_code": "", "capacity": "۳۵"}
    values.update(extra)
    return c.post(reverse("application_create"), values)


def test_the_expert_enters_an_application_with_persian_digits(world: dict[str, Any]) -> None:
    response = _post_application(client_for(world["expert"]), world["county"].code)
    app = Application.objects.get(proposed_name="آموزشگاه آزاد نو")
    assert response.status_code == 302 and response["Location"] == app.get_absolute_url()
    assert app.capacity == 35


def test_a_county_of_another_province_is_answered_as_unknown(world: dict[str, Any]) -> None:
    response = _post_application(client_for(world["expert"]), world["far_county"].code)
    assert response.status_code == 200
    assert "شهرستانی با این کد در حوزه شما نیست" in response.content.decode()
    assert not Application.objects.exists()


def test_the_form_shows_every_error_at_once(world: dict[str, Any]) -> None:
    response = _post_application(client_for(world["expert"]), world["county"].code, founder_code="1111111111",
                                 capacity="۹۹۹۹۹", clusters="")
    page = response.content.decode()
    assert response.status_code == 200
    for label in ("کد ملی / شناسه ملی مؤسس", "ظرفیت", "رشته"):
        assert label in page
    assert not Application.objects.exists()


def test_steps_and_grant_through_the_pages(world: dict[str, Any]) -> None:
    app = services.apply_new(world["expert"], county=world["county"], data=data())
    expert, manager = client_for(world["expert"]), client_for(world["manager"])
    assert expert.post(reverse("application_step", args=[app.pk, "accept_documents"]), {"note": ""}).status_code == 302
    assert expert.post(reverse("application_step", args=[app.pk, "record_inspection"]),
                       {"day": "۱۴۰۵/۰۸/۳۰", "passed": "yes", "note": "مطابق"}).status_code == 302
    app.refresh_from_db()
    assert (app.status, app.inspected_on) == (ApplicationStatus.INSPECTED, dt.date(2026, 11, 21))
    # The expert is not the board: the grant is refused, and nothing changes.
    assert expert.post(reverse("application_decide", args=[app.pk, "grant"]),
                       {"reason": "x", "grade": "2"}).status_code == 403
    response = manager.post(reverse("application_decide", args=[app.pk, "grant"]), {"reason": "تأیید", "grade": "1"})
    licence = Licence.objects.get(institute__unit__name="آموزشگاه آزاد فناوری فردا")
    assert response["Location"] == licence.get_absolute_url()
    page = manager.get(licence.get_absolute_url()).content.decode()
    assert licence.number in page and 'data-status="active"' in page


def test_a_suspension_decided_on_the_page_and_appealed_by_the_institute(world: dict[str, Any]) -> None:
    licence = world["licence"]
    manager, own = client_for(world["manager"]), client_for(world["institute_manager"])
    response = manager.post(reverse("licence_decide", args=[licence.pk]), {
        "kind": "suspend", "reason": "تعطیلی بدون اطلاع", "effective_until": "۱۴۰۵/۱۰/۰۱"})
    decision = Decision.objects.get(licence=licence, kind=DecisionKind.SUSPEND)
    assert response["Location"] == decision.get_absolute_url()
    assert Licence.objects.get(pk=licence.pk).status == LicenceStatus.SUSPENDED
    page = own.get(decision.get_absolute_url()).content.decode()
    assert 'data-testid="appeal"' in page and 'data-testid="ruling"' not in page
    own.post(reverse("decision_appeal", args=[decision.pk]), {"grounds": "بازپرداخت انجام شد"})
    hq_page = client_for(world["hq_planner"]).get(decision.get_absolute_url()).content.decode()
    assert 'data-testid="ruling"' in hq_page
    # The institute cannot decide on itself, nor the neighbour appeal for it.
    assert own.post(reverse("licence_decide", args=[licence.pk]), {"kind": "warning", "reason": "x"}).status_code == 403
    assert client_for(world["neighbour_manager"]).post(reverse("decision_appeal", args=[decision.pk]),
                                                       {"grounds": "x"}).status_code == 404


def test_the_letters_are_pdfs_for_who_may_see_them(world: dict[str, Any]) -> None:
    decision = services.decide(world["manager"], world["licence"], services.DecisionData(
        kind="warning", reason="تذکر کتبی"))
    own = client_for(world["institute_manager"])
    letter = own.get(reverse("decision_pdf", args=[decision.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF") and len(letter.content) > 5000
    assert own.get(reverse("licence_pdf", args=[world["licence"].pk])).content.startswith(b"%PDF")
    assert client_for(world["neighbour_manager"]).get(reverse("decision_pdf", args=[decision.pk])).status_code == 404


def test_a_course_run_page_refuses_an_unlicensed_date_with_the_reason(world: dict[str, Any]) -> None:
    from maharat.factories import StandardFactory

    services.decide(world["manager"], world["licence"], services.DecisionData(
        kind="suspend", reason="تعلیق", effective_until=TODAY + dt.timedelta(days=30)))
    standard = StandardFactory(cluster="services")
    response = client_for(world["institute_manager"]).post(reverse("courserun_create"), {
        "unit": world["institute"].code, "standard": standard.code, "mode": "free_institute",
        "start_date": "۱۴۰۵/۰۹/۱۰", "end_date": "۱۴۰۵/۱۰/۱۰", "hours": "۶۰", "capacity": "۲۰"})
    assert response.status_code == 200
    assert "تعلیق" in response.content.decode()


def test_an_inspected_application_shows_the_board_its_choices(world: dict[str, Any]) -> None:
    app = inspected(world)
    page = client_for(world["manager"]).get(app.get_absolute_url()).content.decode()
    assert 'data-testid="grant"' in page and 'data-testid="refuse"' in page
    expert_page = client_for(world["expert"]).get(app.get_absolute_url()).content.decode()
    assert 'data-testid="grant"' not in expert_page


def test_the_institutes_unit_page_shows_its_licence(world: dict[str, Any]) -> None:
    page = client_for(world["institute_manager"]).get(world["institute"].get_absolute_url()).content.decode()
    assert 'data-testid="unit-licence"' in page and world["licence"].number in page
    center = client_for(world["head"]).get(world["center"].get_absolute_url()).content.decode()
    assert 'data-testid="unit-licence"' not in center


def test_renewal_is_offered_in_the_last_six_months_only(world: dict[str, Any]) -> None:
    from .conftest import fresh

    licence = world["licence"]
    own = client_for(world["institute_manager"])
    renew = reverse("application_renew", args=[world["institute"].pk])
    assert renew not in own.get(licence.get_absolute_url()).content.decode()
    Decision.objects.filter(licence=licence).update(new_expiry=TODAY + dt.timedelta(days=150))
    services.recompute(fresh(licence))
    assert renew in own.get(licence.get_absolute_url()).content.decode()
    assert renew not in client_for(world["neighbour_manager"]).get(
        reverse("licence_detail", args=[world["neighbour_licence"].pk])).content.decode()


def test_the_public_nav_leads_to_the_register() -> None:
    html = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("institute_register")}"' in html
