"""Accounts of each role, and a clean holiday table for tests that want one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from maharat.access.models import Account
from maharat.org.factories import make_unit
from maharat.org.models import Unit, UnitKind

ROLES = ("hq_planner", "hq_viewer", "provincial_manager", "provincial_expert", "center_head", "institute_manager",
         "trainer", "assessor", "partner_viewer")


@pytest.fixture
def account(db, django_user_model) -> Callable[[str], Any]:  # type: ignore[no-untyped-def]
    """account(role): a user of that role at its usual place (HQ, Qazvin province, a center in Qazvin...)."""

    def make(role: str) -> Any:
        if role.startswith("hq_"):
            unit = Unit.objects.get(code="IR")
        elif role.startswith("provincial_"):
            unit = Unit.objects.get(code="IR-26")
        elif role == "institute_manager":
            unit = make_unit(UnitKind.FREE_INSTITUTE, name="آموزشگاه تقویم")
        elif role == "partner_viewer":
            unit = make_unit(UnitKind.PARTNER, name="کمیته امداد تقویم", partner_type="relief")
        else:
            unit = make_unit(UnitKind.FIXED_CENTER, name="مرکز تقویم")
        user = django_user_model.objects.create_user(f"wd-{role}", password="calendar-test-password")
        Account.objects.create(user=user, role=role, unit=unit)
        return user

    return make


@pytest.fixture
def planner(account):  # type: ignore[no-untyped-def]
    return account("hq_planner")
