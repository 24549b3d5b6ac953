"""The demo's contracts (seed.py): every state of a contract and an invoice, a clawback, employment earned,
all through the services; built twice, it adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from maharat.factories import TODAY
from maharat.purchasing import seed, selectors
from maharat.purchasing.models import Contract, Invoice, InvoiceLine, LineKind

from .conftest import certify, enroll

pytestmark = pytest.mark.django_db


def test_the_demo_contracts(world: dict[str, Any]) -> None:
    from maharat.factories import CourseRunFactory

    def runs(unit: Any, starts: list[dt.date]) -> list[Any]:
        return [CourseRunFactory(unit=unit, standard=world["welding"], start_date=s, end_date=s + dt.timedelta(days=50),
                                 mode="free_institute", hours=120, capacity=100) for s in starts]

    last_year = runs(world["institute"], [dt.date(2025, 4, 10), dt.date(2025, 6, 1), dt.date(2025, 9, 1)])
    for run in last_year:
        learners = enroll(run, 4, sex="F")
        certify(learners[0])
    for run in runs(world["neighbour"], [dt.date(2024, 5, 1)]):
        enroll(run, 3)
    for run in runs(world["institute"], [dt.date(2026, 5, 1)]):
        enroll(run, 2, status="enrolled")
    made = seed.build(manager=world["manager"], expert=world["expert"], institute=world["institute"], today=TODAY)
    assert set(made) == {"active", "closed", "draft", "cancelled"}
    states = {key: Contract.objects.get(pk=pk).status for key, pk in made.items()}
    assert states == {"active": "active", "closed": "closed", "draft": "draft", "cancelled": "cancelled"}
    assert set(Invoice.objects.values_list("status", flat=True)) == {"paid", "approved", "issued"}
    assert InvoiceLine.objects.filter(kind=LineKind.CLAWBACK).exists()
    active = Contract.objects.get(pk=made["active"])
    figures = selectors.contract_figures(active)
    assert figures.earned["employment"] > 0 and figures.earned["certification"] > 0
    # 12 learners last year, a fifth of them not bought: 9 places; one run of 4 taken off leaves 8 counted.
    assert (active.trainees, figures.learners["enrollment"]) == (9, 8)
    assert seed.build_demo(TODAY) == {}  # the demo's accounts are not here, and contracts exist already
