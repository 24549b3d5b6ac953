"""Fixtures: a private storage folder per test, attachments enabled on course runs for the test only, and the
people of a small tree (a center in Qazvin with a course run, another center beside it, another province)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maharat.access.models import Account
from maharat.attachments import registry
from maharat.factories import CourseRunFactory, make_unit
from maharat.kit import sections
from maharat.org.models import Unit, UnitKind
from maharat.training.models import CourseRun


@pytest.fixture(autouse=True)
def storage_root(tmp_path: Path, settings: Any) -> Path:
    root = tmp_path / "var" / "attachments"
    settings.ATTACHMENTS_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _enable(model: type) -> Iterator[None]:
    """Attachments on `model` for one test: the registration is undone after it, section included."""
    if registry.is_enabled(model):  # enabled by its own app: nothing to add, nothing to undo
        yield
        return
    registry.enable(model)
    try:
        yield
    finally:
        registry._enabled.pop(model._meta.label_lower, None)
        remaining = [s for s in sections._sections.get(model, []) if s.template != registry.SECTION_TEMPLATE]
        if remaining:
            sections._sections[model] = remaining
        else:
            sections._sections.pop(model, None)


@pytest.fixture
def enabled(db: Any) -> Iterator[None]:
    yield from _enable(CourseRun)


def account(django_user_model: Any, name: str, role: str, unit: Unit) -> Any:
    user = django_user_model.objects.create_user(name, password="attach-test-password", first_name=name.title())
    Account.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def world(enabled: None, django_user_model: Any) -> dict[str, Any]:
    qazvin, other_province, hq = (Unit.objects.get(code=c) for c in ("IR-26", "IR-03", "IR"))
    center = make_unit(UnitKind.FIXED_CENTER, name="مرکز شماره ۱")
    neighbour = make_unit(UnitKind.FIXED_CENTER, name="مرکز همسایه")
    run = CourseRunFactory(unit=center)
    neighbour_run = CourseRunFactory(unit=neighbour)
    people = {
        "manager": account(django_user_model, "manager", "provincial_manager", qazvin),
        "expert": account(django_user_model, "expert", "provincial_expert", qazvin),
        "other_manager": account(django_user_model, "other", "provincial_manager", other_province),
        "hq_viewer": account(django_user_model, "viewer", "hq_viewer", hq),
        "hq_planner": account(django_user_model, "hqplanner", "hq_planner", hq),
        "head": account(django_user_model, "head", "center_head", center),
        "neighbour_head": account(django_user_model, "neighbour", "center_head", neighbour),
        "trainer": account(django_user_model, "trainer", "trainer", center),
        "assessor": account(django_user_model, "assessor", "assessor", qazvin),
    }
    people["no_account"] = django_user_model.objects.create_user("loose", password="attach-test-password")
    return {"run": run, "neighbour_run": neighbour_run, "center": center, "neighbour": neighbour, **people}
