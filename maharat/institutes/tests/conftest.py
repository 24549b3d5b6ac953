"""A small tree for licensing, one account per role, and licensed institutes inside and outside Qazvin.

    IR (HQ: planner, viewer)
    ├── IR-26 Qazvin (manager, expert)
    │   └── county
    │       ├── center (head, trainer)
    │       ├── institute (manager), licensed for services
    │       └── neighbour institute (manager), licensed for industry
    └── IR-03 another province (manager)
        └── county
            └── far institute, licensed
Institutes here are licensed by the tests themselves (the module is `unlicensed`: see maharat/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maharat.access.models import Account
from maharat.catalog.models import Cluster
from maharat.common.validators import national_code_check_digit
from maharat.factories import TODAY, make_unit, today_is
from maharat.institutes import services
from maharat.institutes.factories import license_unit
from maharat.institutes.models import Application, Licence
from maharat.org.models import Unit, UnitKind


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/institutes/tests/" in str(item.fspath):
            item.add_marker(pytest.mark.unlicensed)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with today_is(TODAY):  # Sunday 1405/09/01
        yield


@pytest.fixture(autouse=True)
def _storage(tmp_path: Path, settings: Any) -> None:
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"


def code(nine: str) -> str:
    return nine + str(national_code_check_digit(nine))


def account(django_user_model: Any, name: str, role: str, unit: Unit) -> Any:
    user = django_user_model.objects.create_user(name, password="licensing-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def world(db: Any, django_user_model: Any) -> dict[str, Any]:
    hq, qazvin, other = (Unit.objects.get(code=c) for c in ("IR", "IR-26", "IR-03"))
    county = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان قزوین")
    center = make_unit(UnitKind.FIXED_CENTER, parent=county, name="مرکز شهید بابایی")
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه آزاد نمونه", cluster=Cluster.SERVICES)
    neighbour = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه همسایه", cluster=Cluster.INDUSTRY)
    far_county = make_unit(UnitKind.COUNTY, parent=other, name="تبریز")
    far = make_unit(UnitKind.FREE_INSTITUTE, parent=far_county, name="آموزشگاه دور")
    licences = {
        "licence": license_unit(institute, issued_on=dt.date(2022, 3, 21), clusters=[Cluster.SERVICES]),
        "neighbour_licence": license_unit(neighbour, issued_on=dt.date(2022, 3, 21), clusters=[Cluster.INDUSTRY]),
        "far_licence": license_unit(far, issued_on=dt.date(2022, 3, 21)),
    }
    people = {
        "hq_planner": account(django_user_model, "planner", "hq_planner", hq),
        "hq_viewer": account(django_user_model, "viewer", "hq_viewer", hq),
        "manager": account(django_user_model, "manager", "provincial_manager", qazvin),
        "expert": account(django_user_model, "expert", "provincial_expert", qazvin),
        "head": account(django_user_model, "head", "center_head", center),
        "trainer": account(django_user_model, "trainer", "trainer", center),
        "institute_manager": account(django_user_model, "institute", "institute_manager", institute),
        "neighbour_manager": account(django_user_model, "neighbour", "institute_manager", neighbour),
        "other_manager": account(django_user_model, "othermanager", "provincial_manager", other),
        "other_expert": account(django_user_model, "otherexpert", "provincial_expert", other),
    }
    return {"hq": hq, "qazvin": qazvin, "other": other, "county": county, "far_county": far_county,
            "center": center, "institute": institute, "neighbour": neighbour, "far": far, **licences, **people}


def data(**changes: Any) -> services.ApplicationData:
    values: dict[str, Any] = dict(
        proposed_name="آموزشگاه آزاد فناوری فردا", founder_name="سمیه رضایی", founder_code=code("008457594"),
        founder_mobile="09121234567", manager_name="سمیه رضایی", manager_national_code=code("008457594"),
        licence_type="be", clusters=[Cluster.ICT, Cluster.INDUSTRY], address="قزوین، خیابان فردوسی، پلاک ۱۲",
        postal_code="3413657891", capacity=45)
    values.update(changes)
    return services.ApplicationData(**values)


def inspected(world: dict[str, Any], **changes: Any) -> Application:
    """A founder's application taken by the expert up to the board's table."""
    app = services.apply_new(world["expert"], county=world["county"], data=data(**changes))
    services.step(world["expert"], app, "accept_documents", note="مدارک کامل است.")
    return services.step(world["expert"], app, "record_inspection", note="فضا مطابق است.", passed=True)


def fresh(licence: Licence) -> Licence:
    return Licence.objects.get(pk=licence.pk)
