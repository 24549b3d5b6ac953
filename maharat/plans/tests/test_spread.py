"""Spreading a commitment (plans/spread.py): one formula, fed last year's figures; every write through the
permission layer and the audit trail. A small tree from the factories is enough: the figures are inputs."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maharat.access.models import Account
from maharat.audit.models import AuditEntry
from maharat.factories import CommitmentFactory, make_unit
from maharat.org.models import Unit, UnitKind
from maharat.plans.models import Commitment
from maharat.plans.services import set_commitment
from maharat.plans.spread import allocation, shares, split, spread, spread_commitment

REFUSED = "شما اجازه ثبت تعهد برای این واحد را ندارید."


@given(st.integers(0, 10**9), st.lists(st.floats(0.001, 1), min_size=1, max_size=30))
def test_split_is_exact_for_any_shares(total: int, weights: list[float]) -> None:
    s = sum(weights)
    parts = split(Decimal(total), {i: w / s for i, w in enumerate(weights)})
    assert sum(parts.values()) == total and all(p >= 0 for p in parts.values())


def test_the_spread_follows_last_years_shares_and_adds_up() -> None:
    assert shares({1: 300.0, 2: 100.0, 3: 0.0}) == {1: 0.75, 2: 0.25, 3: 0.0}
    assert shares({1: 0.0, 2: 0.0}) == {1: 0.5, 2: 0.5}  # nothing achieved: equal shares
    parts = spread(Decimal(1_000_003), {1: 300.0, 2: 100.0, 3: 0.0})
    assert parts == {1: Decimal(750_002), 2: Decimal(250_001), 3: Decimal(0)}


def _account(django_user_model, unit: Unit, role: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"{role}-{unit.code}", password="a-long-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def tree(db):  # type: ignore[no-untyped-def]
    """Qazvin with two counties, a free institute in the first."""
    qazvin = Unit.objects.get(code="IR-26")
    first, second = make_unit(UnitKind.COUNTY, name="الف"), make_unit(UnitKind.COUNTY, name="ب")
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=first)
    return qazvin, first, second, institute


def test_spreading_sets_each_childs_part_audited(tree, user) -> None:  # type: ignore[no-untyped-def]
    qazvin, first, second, _ = tree
    CommitmentFactory(unit=qazvin, year=1404, indicator="person_hours", section="public", target=Decimal(90_001))
    parts = spread_commitment(user=user, parent=qazvin, children=[first, second], year=1404, indicator="person_hours",
                              section="public", last_year={first.pk: 2_000.0, second.pk: 1_000.0})
    assert parts == {first.pk: Decimal(60_001), second.pk: Decimal(30_000)}
    stored = dict(Commitment.objects.filter(unit__in=[first, second], year=1404).values_list("unit_id", "target"))
    assert stored == parts
    assert AuditEntry.objects.filter(content_type__model="commitment", action="create").count() == 2
    rows = allocation(qazvin, [first, second], 1404)
    assert [(r["children_total"], r["gap"], r["children_count"], r["status"]) for r in rows] == [
        (Decimal(90_001), Decimal(0), 2, "balanced")]
    set_commitment(user=user, unit=second, year=1404, indicator="person_hours", section="public", target=29_000)
    assert allocation(qazvin, [first, second], 1404)[0]["status"] == "under"


def test_nothing_to_spread_is_said_in_persian(tree, user) -> None:  # type: ignore[no-untyped-def]
    qazvin, first, second, _ = tree
    with pytest.raises(ValidationError, match="تعهدی ندارد"):
        spread_commitment(user=user, parent=qazvin, children=[first, second], year=1404, indicator="trainees",
                          section="public", last_year={})
    CommitmentFactory(unit=qazvin, year=1404, indicator="trainees", section="public")
    with pytest.raises(ValidationError, match="برای تقسیم تعهد ندارد"):
        spread_commitment(user=user, parent=qazvin, children=[], year=1404, indicator="trainees", section="public",
                          last_year={})


def test_a_unit_commitment_belongs_to_its_parent(tree, django_user_model) -> None:  # type: ignore[no-untyped-def]
    """The permission layer's rule (a commitment is owned by its unit's parent): a province spreads its own
    commitment over its counties but does not raise it, and touches no other province's."""
    qazvin, first, _, institute = tree
    manager = _account(django_user_model, qazvin, "provincial_manager")
    with pytest.raises(PermissionDenied, match=REFUSED):
        set_commitment(user=manager, unit=qazvin, year=1404, indicator="trainees", section="public", target=10)
    assert set_commitment(user=manager, unit=first, year=1404, indicator="trainees", section="public", target=10)
    assert set_commitment(user=manager, unit=first, year=1404, indicator="trainees", section="public", target=12)
    assert set_commitment(user=manager, unit=institute, year=1404, indicator="trainees", section="private", target=4)
    assert set_commitment(user=manager, unit=first, year=1404, indicator="trainees", section="public", target=None) is None
    assert not Commitment.objects.filter(unit=first, section="public").exists()
    with pytest.raises(PermissionDenied, match=REFUSED):
        set_commitment(user=manager, unit=Unit.objects.get(code="IR-03"), year=1404, indicator="trainees",
                       section="public", target=10)
    expert = _account(django_user_model, qazvin, "provincial_expert")  # reads commitments, sets none
    with pytest.raises(PermissionDenied, match=REFUSED):
        set_commitment(user=expert, unit=first, year=1404, indicator="trainees", section="public", target=10)
    actions = list(AuditEntry.objects.filter(content_type__model="commitment").order_by("id").values_list("action", flat=True))
    assert actions == ["create", "update", "create", "delete"]


def test_plans_imports_nothing_from_the_layers_above() -> None:
    """Layers: common → access/audit → records → workflows (plans) → monitoring → edges. Plans' figures come
    in as arguments (spread.py); a plans module importing monitoring, exchange, api, demo or web would invert that."""
    above = ("maharat.monitoring", "maharat.exchange", "maharat.api", "maharat.demo", "maharat.web")
    root = Path(__file__).resolve().parents[1]
    found = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            found += [f"{path.name}: {n}" for n in names if n.startswith(above)]
    assert found == []
