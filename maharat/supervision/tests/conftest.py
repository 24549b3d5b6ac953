"""A small tree with one account per role, licensed institutes inside and outside Qazvin, and helpers that plan
and perform visits through the services, as the pages do.

    IR (HQ: planner, viewer)
    ├── IR-26 Qazvin (manager, expert)
    │   └── county
    │       ├── center (head)
    │       ├── institute (manager), licensed grade 2
    │       └── neighbour institute (manager), licensed grade 1
    └── IR-03 another province (manager, expert)
        └── county
            └── far institute (manager), licensed grade 3
Institutes here are licensed by the tests themselves (the modules are `unlicensed`: see maharat/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from maharat.access.models import Account
from maharat.catalog.models import Cluster
from maharat.factories import TODAY, make_unit, today_is
from maharat.institutes.factories import license_unit
from maharat.org.models import Unit, UnitKind
from maharat.supervision.models import Result, Visit
from maharat.supervision.services import visits
from maharat.supervision.services.findings import FindingData


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/supervision/tests/" in str(item.fspath):
            item.add_marker(pytest.mark.unlicensed)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with today_is(TODAY):  # Sunday 1405/09/01 (2026-11-22)
        yield


@pytest.fixture(autouse=True)
def _storage(tmp_path: Path, settings: Any) -> None:
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"


def account(django_user_model: Any, name: str, role: str, unit: Unit, **names: str) -> Any:
    user = django_user_model.objects.create_user(name, password="supervision-test-password", **names)
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
        "licence": license_unit(institute, issued_on=dt.date(2022, 3, 21), clusters=[Cluster.SERVICES], grade=2),
        "neighbour_licence": license_unit(neighbour, issued_on=dt.date(2021, 6, 1), clusters=[Cluster.INDUSTRY],
                                          grade=1),
        "far_licence": license_unit(far, issued_on=dt.date(2022, 3, 21), grade=3),
    }
    people = {
        "hq_planner": account(django_user_model, "planner", "hq_planner", hq),
        "hq_viewer": account(django_user_model, "viewer", "hq_viewer", hq),
        "manager": account(django_user_model, "manager", "provincial_manager", qazvin, first_name="علی",
                           last_name="مدیر"),
        "expert": account(django_user_model, "expert", "provincial_expert", qazvin, first_name="زهرا",
                          last_name="کارشناس"),
        "head": account(django_user_model, "head", "center_head", center),
        "institute_manager": account(django_user_model, "institute", "institute_manager", institute),
        "neighbour_manager": account(django_user_model, "neighbour", "institute_manager", neighbour),
        "other_manager": account(django_user_model, "othermanager", "provincial_manager", other),
        "other_expert": account(django_user_model, "otherexpert", "provincial_expert", other),
        "far_manager": account(django_user_model, "farmanager", "institute_manager", far),
    }
    return {"hq": hq, "qazvin": qazvin, "other": other, "county": county, "center": center, "institute": institute,
            "neighbour": neighbour, "far": far, **licences, **people}


def planned(world: dict[str, Any], by: str = "expert", where: str = "institute", kind: str = "scheduled",
            day: dt.date | None = None, **kw: Any) -> Visit:
    return visits.plan_visit(world[by], institute=world[where], kind=kind, planned_on=day or TODAY, **kw)


def results(visit: Visit, *, failing: int = 0, day: dt.date | None = None, days: int = 10, na: int = 0,
            free: list[FindingData] | None = None, **kw: Any) -> visits.Results:
    """Answers to every item of the visit's checklist: the first `failing` items fail (each with its corrective
    action), the next `na` are not applicable, the rest pass."""
    answers = {}
    for i, item in enumerate(visit.checklist.items.order_by("order", "pk")):
        if i < failing:
            answers[item.pk] = visits.AnswerData(result=Result.FAIL, fix=FindingData(
                action_plan=f"رفع نقص: {item.text}", working_days=days))
        elif i < failing + na:
            answers[item.pk] = visits.AnswerData(result=Result.NA)
        else:
            answers[item.pk] = visits.AnswerData(result=Result.PASS)
    return visits.Results(visited_on=day or TODAY, answers=answers, free=free or [], **kw)


def done(world: dict[str, Any], by: str = "expert", where: str = "institute", failing: int = 2,
         **kw: Any) -> Visit:
    """A visit planned and performed on TODAY by the expert, `failing` items failed."""
    visit = planned(world, by=by, where=where, kind=kw.pop("kind", "scheduled"))
    return visits.complete_visit(world[by], visit, results(visit, failing=failing, **kw))


def proposal_for(world: dict[str, Any], where: str = "institute", by: str = "expert") -> Any:
    """A sanction proposal for the institute: a visit with one failed item whose corrective action went past its
    deadline (the daily escalation run a month on)."""
    from maharat.supervision import escalation
    from maharat.supervision.models import SanctionProposal

    done(world, by=by, where=where, failing=1)
    escalation.run(TODAY + dt.timedelta(days=30))
    return SanctionProposal.objects.get(institute=world[where], status="pending")


def complaint_about(world: dict[str, Any], where: str = "institute", **changes: Any) -> Any:
    from maharat.supervision.services import complaints

    values: dict[str, Any] = {"institute": world[where].code, "complainant_kind": "trainee", "category": "fees",
                              "description": "شهریه دوره آرایشگری دو برابر تعرفه گرفته شد.", "name": "مریم احمدی",
                              "mobile": "09121234567", "sms_consent": True}
    values.update(changes)
    return complaints.submit(complaints.ComplaintData(**values))
