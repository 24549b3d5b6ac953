"""A small tree with one account of each role, two licensed institutes in Qazvin and one in another province,
HQ's programme of 1405, and helpers that take a loan through its steps as the pages would.

    IR (HQ: planner, viewer)
    ├── IR-26 Qazvin (manager, expert, assessor)
    │   └── county
    │       ├── institute (manager)            ← the loans' institute
    │       ├── neighbour institute (manager)
    │       ├── center (head, trainer)
    │       └── partner (viewer)
    └── IR-03 another province (manager, expert)
        └── county
            └── far institute (manager)

Institutes here are licensed by the tests themselves (the modules are `unlicensed`: see maharat/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maharat.access.models import Account
from maharat.factories import TODAY, make_unit, today_is
from maharat.institutes.factories import license_unit
from maharat.loans import programmes, services
from maharat.loans.models import Loan, LoanProgramme
from maharat.org.models import Unit, UnitKind

LICENSED = dt.date(2022, 3, 21)  # 1401/01/01
RECEIVED = dt.date(2026, 10, 23)  # 1405/08/01
DECIDED = dt.date(2026, 10, 28)  # 1405/08/06
PAID_OUT = dt.date(2026, 11, 1)  # 1405/08/10: the first instalment falls due 1405/09/10 = 2026-12-01


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/loans/tests/" in str(item.fspath):
            item.add_marker(pytest.mark.unlicensed)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with today_is(TODAY):  # Sunday 1405/09/01 (2026-11-22)
        yield


@pytest.fixture(autouse=True)
def _storage(tmp_path: Path, settings: Any) -> None:
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"


def account(django_user_model: Any, name: str, role: str, unit: Unit) -> Any:
    user = django_user_model.objects.create_user(name, password="loans-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


PROGRAMME = {"year": 1405, "title": "تسهیلات تجهیز کارگاه‌های آموزشگاه‌های آزاد", "budget": 10_000_000_000,
             "interest_rate": 4, "max_amount": 2_000_000_000, "max_term_months": 36, "grace_months": 6,
             "hq_threshold": 1_000_000_000, "is_open": True, "notes": ""}


@pytest.fixture
def world(db: Any, django_user_model: Any) -> dict[str, Any]:
    hq, qazvin, other = (Unit.objects.get(code=c) for c in ("IR", "IR-26", "IR-03"))
    county = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان قزوین")
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه آزاد مهر", cluster="industry")
    neighbour = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه آزاد همسایه", cluster="services")
    center = make_unit(UnitKind.FIXED_CENTER, parent=county, name="مرکز شهید بابایی")
    partner = make_unit(UnitKind.PARTNER, parent=county, name="کمیته امداد", partner_type="relief")
    far_county = make_unit(UnitKind.COUNTY, parent=other, name="تبریز")
    far = make_unit(UnitKind.FREE_INSTITUTE, parent=far_county, name="آموزشگاه آزاد دور", cluster="industry")
    for unit in (institute, neighbour, far):
        license_unit(unit, issued_on=LICENSED, clusters=[unit.cluster])
    people = {
        "hq_planner": account(django_user_model, "planner", "hq_planner", hq),
        "hq_viewer": account(django_user_model, "viewer", "hq_viewer", hq),
        "manager": account(django_user_model, "manager", "provincial_manager", qazvin),
        "expert": account(django_user_model, "expert", "provincial_expert", qazvin),
        "assessor": account(django_user_model, "assessor", "assessor", qazvin),
        "head": account(django_user_model, "head", "center_head", center),
        "trainer": account(django_user_model, "trainer", "trainer", center),
        "partner_viewer": account(django_user_model, "partner", "partner_viewer", partner),
        "institute_manager": account(django_user_model, "institute", "institute_manager", institute),
        "neighbour_manager": account(django_user_model, "neighbour", "institute_manager", neighbour),
        "other_manager": account(django_user_model, "othermanager", "provincial_manager", other),
        "other_expert": account(django_user_model, "otherexpert", "provincial_expert", other),
        "far_manager": account(django_user_model, "farmanager", "institute_manager", far),
    }
    programme = programmes.create(people["hq_planner"], **PROGRAMME)
    return {"hq": hq, "qazvin": qazvin, "other": other, "county": county, "institute": institute,
            "neighbour": neighbour, "center": center, "partner": partner, "far": far, "programme": programme,
            **people}


def applied(world: dict[str, Any], *, by: str = "expert", institute: str = "institute", amount: int = 500_000_000,
            term: int = 24, programme: LoanProgramme | None = None, **kw: Any) -> Loan:
    kw.setdefault("received_on", RECEIVED)
    kw.setdefault("purpose", "equipment")
    kw.setdefault("description", "خرید دستگاه تراش CNC برای کارگاه ماشین‌ابزار")
    return services.apply(world[by], programme=programme or world["programme"], institute=world[institute],
                          amount=amount, term_months=term, **kw)


def approved(world: dict[str, Any], loan: Loan, *, by: str = "manager", **kw: Any) -> Loan:
    kw.setdefault("on", DECIDED)
    return services.approve(world[by], loan, **kw)


def disbursed(world: dict[str, Any], loan: Loan, *, on: dt.date = PAID_OUT, reference: str = "PAY-1405-0001") -> Loan:
    return services.disburse(world["expert"], loan, on=on, reference=reference)


def paid_out(world: dict[str, Any], **kw: Any) -> Loan:
    """A loan of the Qazvin institute taken to disbursement: 500 million over 24 months, 6 of them grace."""
    return disbursed(world, approved(world, applied(world, **kw)))


def fresh(loan: Loan) -> Loan:
    return Loan.objects.get(pk=loan.pk)
