"""A small tree with one account of each role, and the items the tests act on.

    IR (HQ: planner, viewer)
    ├── IR-26 Qazvin (manager, expert, assessor)
    │   └── county
    │       ├── center (head, trainer), with an urban branch under it
    │       ├── neighbour center (head)
    │       ├── institute (manager)
    │       └── partner (viewer)
    └── IR-03 another province (manager)
        └── county
            └── far center (head)
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maharat.access.models import Account
from maharat.factories import TODAY, make_unit, today_is
from maharat.followup import services
from maharat.followup.models import FollowUp
from maharat.org.models import Unit, UnitKind


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    # Sunday 1405/09/01 (2026-11-22): five working days on is Saturday 1405/09/07, past Friday.
    with today_is(TODAY):
        yield


@pytest.fixture(autouse=True)
def _storage(tmp_path: Path, settings: Any) -> None:
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"


def account(django_user_model: Any, name: str, role: str, unit: Unit, **names: str) -> Any:
    user = django_user_model.objects.create_user(name, password="followup-test-password", **names)
    Account.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def world(db: Any, django_user_model: Any) -> dict[str, Any]:
    hq, qazvin, other = (Unit.objects.get(code=c) for c in ("IR", "IR-26", "IR-03"))
    county = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان قزوین")
    center = make_unit(UnitKind.FIXED_CENTER, parent=county, name="مرکز شهید بابایی")
    branch = make_unit(UnitKind.URBAN_BRANCH, parent=center, name="شعبه شهری")
    neighbour = make_unit(UnitKind.FIXED_CENTER, parent=county, name="مرکز همسایه")
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه آزاد نمونه")
    partner = make_unit(UnitKind.PARTNER, parent=county, name="کمیته امداد", partner_type="relief")
    far_center = make_unit(UnitKind.FIXED_CENTER, parent=make_unit(UnitKind.COUNTY, parent=other, name="تبریز"),
                           name="مرکز دور")
    people = {
        "hq_planner": account(django_user_model, "planner", "hq_planner", hq),
        "hq_viewer": account(django_user_model, "viewer", "hq_viewer", hq),
        "manager": account(django_user_model, "manager", "provincial_manager", qazvin, first_name="مدیر",
                           last_name="قزوین"),
        "expert": account(django_user_model, "expert", "provincial_expert", qazvin),
        "assessor": account(django_user_model, "assessor", "assessor", qazvin),
        "head": account(django_user_model, "head", "center_head", center, first_name="رئیس", last_name="مرکز"),
        "trainer": account(django_user_model, "trainer", "trainer", center),
        "branch_head": account(django_user_model, "branchhead", "center_head", branch),
        "neighbour_head": account(django_user_model, "neighbour", "center_head", neighbour),
        "institute_manager": account(django_user_model, "institute", "institute_manager", institute),
        "partner_viewer": account(django_user_model, "partner", "partner_viewer", partner),
        "other_manager": account(django_user_model, "othermanager", "provincial_manager", other),
        "far_head": account(django_user_model, "farhead", "center_head", far_center),
    }
    return {"hq": hq, "qazvin": qazvin, "other": other, "county": county, "center": center, "branch": branch,
            "neighbour": neighbour, "institute": institute, "partner": partner, "far_center": far_center, **people}


def raised(world: dict[str, Any], by: str, owner: str, **kw: Any) -> FollowUp:
    kw.setdefault("title", "نصب کپسول آتش‌نشانی")
    kw.setdefault("working_days", 5)
    return services.raise_item(world[by], owner_unit=world[owner], **kw)


@pytest.fixture
def items(world: dict[str, Any]) -> dict[str, FollowUp]:
    """An item Qazvin raised for its center, one HQ raised for the same center, one HQ raised for Qazvin
    itself, and one the other province raised for its own center."""
    return {
        "mine": raised(world, "manager", "center", title="رفع نقص ایمنی کارگاه"),
        "from_hq": raised(world, "hq_planner", "center", title="ارسال گزارش بازدید ستاد"),
        "province": raised(world, "hq_planner", "qazvin", title="بازنگری برنامه استان"),
        "far": raised(world, "other_manager", "far_center", title="پیگیری استان دیگر"),
    }
