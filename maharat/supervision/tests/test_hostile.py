"""Hostile values on the staff's forms, from the attacker's side: NUL bytes, control characters, huge numbers,
year 0, formulas; each refused with a Persian message naming its field, all at once, nothing half-saved.
Persian digits are taken everywhere."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.followup.models import FollowUp
from maharat.supervision.models import Answer, ChecklistItem, Finding, RiskSettings, Visit
from maharat.supervision.services import checklist

from .conftest import planned

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def results_form(visit: Visit, **changes: str) -> dict[str, str]:
    data = {"visited_on": "۱۴۰۵/۰۹/۰۱", "summary": "بازدید انجام شد"}
    for i, item in enumerate(visit.checklist.items.order_by("order", "pk")):
        data[f"result_{item.pk}"] = "fail" if i == 0 else "pass"
        data[f"days_{item.pk}"] = "۱۰"
        data[f"severity_{item.pk}"] = item.severity
        data[f"action_{item.pk}"] = "نصب کپسول" if i == 0 else ""
    data.update(changes)
    return data


def test_the_results_form_takes_persian_digits(world: dict[str, Any]) -> None:
    visit = planned(world)
    response = client_for(world["expert"]).post(reverse("visit_results", args=[visit.pk]), results_form(visit))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "done" and str(visit.visited_on) == "2026-11-22"
    assert visit.findings.get().working_days == 10


@pytest.mark.parametrize(("part", "value", "message"), [
    ("days", "1000000000000", "نمی‌تواند بیشتر از ۱۲۰ باشد."),
    ("days", "-1", "نمی‌تواند کمتر از ۱ باشد."),
    ("action", "=cmd|' /C calc'!A0", "«اقدام اصلاحی» نمی‌تواند با یکی از نشانه‌های"),
    ("action", "نصب\u202eکپسول", "«اقدام اصلاحی» نویسه کنترلی"),
    ("action", "ا" * 2001, "«اقدام اصلاحی» حداکثر ۲۰۰۰ نویسه است."),
    ("action", "", "«اقدام اصلاحی» را بنویسید."),
    ("severity", "fatal", "شدت"),
])
def test_a_failed_items_action_is_checked(world: dict[str, Any], part: str, value: str, message: str) -> None:
    visit = planned(world)
    first = visit.checklist.items.order_by("order", "pk").first()
    assert first is not None
    response = client_for(world["expert"]).post(reverse("visit_results", args=[visit.pk]),
                                                results_form(visit, **{f"{part}_{first.pk}": value}))
    assert response.status_code == 200
    assert f"{part}_{first.pk}" in response.context["form"].errors
    if part != "severity":
        assert message in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "planned"
    assert not Answer.objects.exists() and not Finding.objects.exists() and not FollowUp.objects.exists()


@pytest.mark.parametrize("day", ["0000/01/01", "۹۹۹۹/۰۱/۰۱", "1405/13/01", "1404/12/30", "فردا"])
def test_a_bad_date_names_the_date(world: dict[str, Any], day: str) -> None:
    visit = planned(world)
    response = client_for(world["expert"]).post(reverse("visit_results", args=[visit.pk]),
                                                results_form(visit, visited_on=day))
    assert response.status_code == 200 and "visited_on" in response.context["form"].errors
    assert Visit.objects.get(pk=visit.pk).status == "planned"
    page = client_for(world["expert"]).post(reverse("visit_create"), {
        "institute": world["institute"].code, "kind": "scheduled", "planned_on": day})
    assert page.status_code == 200 and "planned_on" in page.context["form"].errors
    assert Visit.objects.count() == 1


def test_every_fault_of_the_results_is_named_at_once(world: dict[str, Any]) -> None:
    visit = planned(world)
    first, second = list(visit.checklist.items.order_by("order", "pk"))[:2]
    response = client_for(world["expert"]).post(reverse("visit_results", args=[visit.pk]), results_form(
        visit, **{f"action_{first.pk}": "+1", f"result_{second.pk}": "", "internal_note": "@x",
                  "free_title_1": "یافته آزاد", "free_action_1": "", "free_severity_1": ""}))
    errors = response.context["form"].errors
    assert {f"action_{first.pk}", f"result_{second.pk}", "internal_note", "free_action_1", "free_severity_1"} <= set(errors)


def test_a_nul_byte_never_reaches_a_form(world: dict[str, Any]) -> None:
    visit = planned(world)
    c = client_for(world["expert"])
    assert c.post(reverse("visit_results", args=[visit.pk]), results_form(visit, summary="گزارش\x00")).status_code == 400
    assert c.post(reverse("visit_transition", args=[visit.pk, "cancel"]), {"note": "\x00"}).status_code == 400
    assert c.get(reverse("visit_list"), {"q": "\x00"}).status_code == 400
    assert Visit.objects.get(pk=visit.pk).status == "planned"


def test_a_cancel_reason_is_clean_text(world: dict[str, Any]) -> None:
    visit = planned(world)
    c = client_for(world["expert"])
    page = c.post(reverse("visit_transition", args=[visit.pk, "cancel"]), {"note": "=HYPERLINK()"}, follow=True)
    assert "«دلیل لغو» نمی‌تواند با یکی از نشانه‌های" in page.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == "planned"


@pytest.mark.parametrize(("field", "value"), [
    ("weight_critical", "1000000000"), ("weight_critical", "-1"), ("weight_critical", "abc"),
    ("window_months", "0"), ("window_months", "99999999999999999999"), ("high_risk_factor", "5"),
    ("complaint_working_days", "۰"),
])
def test_the_weights_refuse_what_no_formula_means(world: dict[str, Any], field: str, value: str) -> None:
    from maharat.supervision.models import EDITABLE

    current = RiskSettings.objects.get()
    data = {name: str(getattr(current, name)) for name in EDITABLE}
    data[field] = value
    response = client_for(world["hq_planner"]).post(reverse("risk_settings"), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert RiskSettings.objects.get().weight_critical == Decimal("6.00")


def test_the_weights_take_persian_digits_and_the_persian_decimal_point(world: dict[str, Any]) -> None:
    from maharat.supervision.models import EDITABLE

    current = RiskSettings.objects.get()
    data = {name: str(getattr(current, name)) for name in EDITABLE} | {"weight_month": "۰٫۷۵", "window_months": "۱۸"}
    assert client_for(world["hq_planner"]).post(reverse("risk_settings"), data).status_code == 302
    saved = RiskSettings.objects.get()
    assert (saved.weight_month, saved.window_months) == (Decimal("0.75"), 18)


@pytest.mark.parametrize(("field", "value"), [
    ("text", "=1+2"), ("text", "ب" * 301), ("article", "ماده\x1b۳۴"), ("weight", "۱۱"), ("weight", "0"),
    ("area", "roof"), ("severity", ""), ("order", "99999999999"),
])
def test_a_checklist_item_is_checked(world: dict[str, Any], field: str, value: str) -> None:
    draft = checklist.open_draft(world["hq_planner"])
    before = draft.items.count()
    data = {"area": "safety", "text": "کپسول در انبار", "article": "ماده ۶۰", "weight": "۲", "severity": "major",
            "order": "", field: value}
    response = client_for(world["hq_planner"]).post(reverse("checklist_item_add", args=[draft.pk]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert ChecklistItem.objects.filter(version=draft).count() == before
