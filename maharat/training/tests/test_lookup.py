"""Record pickers with search-as-you-type (issue 15): the lookup endpoint answers inside the user's scope only,
the page offers suggestions without JavaScript, and a unit head's own unit is filled in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from maharat.access.models import Account
from maharat.factories import StandardFactory, TrainerFactory, make_unit
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_user_model):  # type: ignore[no-untyped-def]
    mine = make_unit(name="مرکز شماره یک آبیک")
    neighbour = make_unit(name="مرکز شماره دو آبیک")
    far = make_unit(parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-03"), name="تبریز"),
                    name="مرکز تبریز")
    head = django_user_model.objects.create_user("head-lookup", password="lookup-test-password")
    Account.objects.create(user=head, role="center_head", unit=mine)
    return {"mine": mine, "neighbour": neighbour, "far": far, "head": head}


def values(client, kind: str, q: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    response = client.get(reverse("lookup", args=[kind]), {"q": q})
    assert response.status_code == 200
    return [r["value"] for r in response.json()["results"]]


def test_units_are_suggested_only_inside_the_users_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["head"])
    assert values(client, "training-unit") == [world["mine"].code]
    assert values(client, "training-unit", "آبیک") == [world["mine"].code]  # the neighbour is not in scope
    assert values(client, "training-unit", world["far"].code) == []


def test_a_planner_finds_units_by_name_or_code_with_persian_typing(client_in, world) -> None:  # type: ignore[no-untyped-def]
    assert set(values(client_in, "training-unit", "آبيك")) == {world["mine"].code, world["neighbour"].code}  # Arabic ي ك
    assert values(client_in, "training-unit", world["far"].code.lower()) == [world["far"].code]
    response = client_in.get(reverse("lookup", args=["training-unit"]), {"q": "تبریز"}).json()
    assert response["results"] == [{"value": world["far"].code, "label": "مرکز تبریز"}]


def test_trainers_are_suggested_by_name_inside_the_scope(client, world) -> None:  # type: ignore[no-untyped-def]
    near = TrainerFactory(first_name="رضا", last_name="کاظمی", home_unit=world["mine"])
    TrainerFactory(first_name="رضا", last_name="کاظمیان", home_unit=world["far"])
    client.force_login(world["head"])
    assert values(client, "trainer", "کاظمی") == [near.national_code]
    assert values(client, "trainer", "۰" if near.national_code.startswith("0") else near.national_code[:3]) == [
        near.national_code]


def test_standards_are_found_by_title(client, world) -> None:  # type: ignore[no-untyped-def]
    std = StandardFactory(title="مهارت آزمایشی زرافه")
    StandardFactory(title="مهارت آزمایشی کرگدن", is_active=False)
    client.force_login(world["head"])
    assert values(client, "standard", "زرافه") == [std.code]
    assert values(client, "standard", "کرگدن") == []  # inactive standards are not offered for a new run


def test_the_lookup_needs_a_login_and_a_known_kind(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("lookup", args=["training-unit"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world["head"])
    assert client.get(reverse("lookup", args=["no-such-kind"])).status_code == 404


def test_the_form_offers_suggestions_and_fills_in_the_one_unit(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["head"])
    response = client.get(reverse("courserun_create"))
    html = response.content.decode()
    unit_box = html[html.index('name="unit"') - 200: html.index("</datalist>", html.index('name="unit"'))]
    assert f'value="{world["mine"].code}"' in unit_box  # pre-filled: the head has exactly one unit to use
    assert f'data-lookup="{reverse("lookup", args=["training-unit"])}"' in unit_box
    assert 'list="id_unit-options"' in unit_box and '<datalist id="id_unit-options">' in unit_box
    assert world["neighbour"].code not in html and world["far"].code not in html
    for name in ("standard", "trainer", "workshop"):
        assert f'list="id_{name}-options"' in html and f'<datalist id="id_{name}-options">' in html
    assert "<select" not in html[html.index('name="standard"') - 300: html.index('name="standard"')]


def test_a_planner_with_many_units_gets_an_empty_box(client_in, world) -> None:  # type: ignore[no-untyped-def]
    html = client_in.get(reverse("workshop_create")).content.decode()
    tag = html[html.rindex("<input", 0, html.index('name="unit"')): html.index(">", html.index('name="unit"'))]
    assert "value=" not in tag


def test_typing_the_code_still_works_without_javascript(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world["head"])
    response = client.post(reverse("workshop_create"), {"unit": world["mine"].code.lower(), "code": "k-lookup",
                                                         "name": "برق", "cluster": "industry", "seats": "۱۶",
                                                         "is_active": "on"})
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(reverse("workshop_create"), {"unit": world["neighbour"].code, "code": "k-lookup-2",
                                                         "name": "برق", "cluster": "industry", "seats": "16"})
    assert response.context["form"].errors["unit"] == ["واحد آموزشی با این کد وجود ندارد."]
