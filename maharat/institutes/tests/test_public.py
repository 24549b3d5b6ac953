"""The public register and licence verification: searchable, stable, no personal data, rate-limited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.factories import TODAY
from maharat.institutes import services
from maharat.institutes.models import Institute

pytestmark = pytest.mark.django_db


def test_the_register_lists_licensed_institutes_without_personal_data(world: dict[str, Any]) -> None:
    Institute.objects.filter(pk=world["institute"].pk).update(founder_name="مؤسس محرمانه", founder_code="0013542419")
    page = Client().get(reverse("institute_register")).content.decode()
    assert "آموزشگاه آزاد نمونه" in page and "آموزشگاه دور" in page
    assert "مؤسس محرمانه" not in page and "0013542419" not in page
    detail = Client().get(reverse("institute_public", args=[world["institute"].code])).content.decode()
    assert world["licence"].number in detail and "مؤسس محرمانه" not in detail


def test_search_by_name_province_field_and_status(world: dict[str, Any]) -> None:
    c = Client()
    def names(**q: str) -> set[str]:
        html = c.get(reverse("institute_register"), q).content.decode()
        return {n for n in ("آموزشگاه آزاد نمونه", "آموزشگاه همسایه", "آموزشگاه دور") if n in html}

    assert names(q="همسایه") == {"آموزشگاه همسایه"}
    assert names(province="IR-26") == {"آموزشگاه آزاد نمونه", "آموزشگاه همسایه"}
    assert names(cluster="industry") == {"آموزشگاه همسایه"}
    services.decide(world["manager"], world["licence"], services.DecisionData(
        kind="suspend", reason="تعلیق", effective_until=TODAY + dt.timedelta(days=10)))
    assert names(status="suspended") == {"آموزشگاه آزاد نمونه"}
    assert names(q="\x00'; DROP TABLE") == set()


def test_verification_tells_the_status_and_the_public_sanctions(world: dict[str, Any]) -> None:
    c = Client()
    number = world["licence"].number
    valid = c.get(reverse("licence_verify_number", args=[number])).content.decode()
    assert 'data-status="active"' in valid
    services.decide(world["manager"], world["licence"], services.DecisionData(
        kind="suspend", reason="تعلیق", effective_until=TODAY + dt.timedelta(days=10)))
    assert 'data-status="suspended"' in c.get(reverse("licence_verify"), {"number": number.lower()}).content.decode()
    page = c.get(reverse("institute_public", args=[world["institute"].code])).content.decode()
    assert 'data-testid="public-sanctions"' in page and "تعلیق پروانه" in page
    unknown = c.get(reverse("licence_verify_number", args=["L-99-9999-9999"])).content.decode()
    assert 'data-status="unknown"' in unknown


def test_the_public_pages_are_rate_limited(world: dict[str, Any], settings: Any) -> None:
    settings.MAHARAT_VERIFY_RATE = 3
    c = Client()
    codes = [c.get(reverse("institute_register")).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
