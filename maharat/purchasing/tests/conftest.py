"""A small tree with one account of each role, two institutes in Qazvin and one in another province, and
helpers that build a contract, its runs and learners the way the pages would.

    IR (HQ: planner, viewer)
    ├── IR-26 Qazvin (manager, expert, assessor)
    │   └── county
    │       ├── institute (manager)        ← the contracts' institute
    │       ├── neighbour institute (manager)
    │       ├── center (head, trainer)
    │       └── partner (viewer)
    └── IR-03 another province (manager, expert)
        └── county
            └── far institute (manager)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from maharat.access.models import Account
from maharat.assessment.models import Candidate, Certificate, Result, TestSession
from maharat.catalog.models import Standard
from maharat.factories import (
    TODAY,
    CourseRunFactory,
    EnrollmentFactory,
    StandardFactory,
    TraineeFactory,
    make_unit,
    today_is,
)
from maharat.org.models import Unit, UnitKind
from maharat.purchasing import services
from maharat.purchasing.models import Contract
from maharat.training.models import CourseRun, Enrollment

START = dt.date(2026, 3, 21)  # 1405/01/01
END = dt.date(2027, 3, 20)  # 1405/12/29


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with today_is(TODAY):  # 1405/09/01
        yield


@pytest.fixture(autouse=True)
def _storage(tmp_path: Path, settings: Any) -> None:
    settings.ATTACHMENTS_ROOT = tmp_path / "attachments"


def account(django_user_model: Any, name: str, role: str, unit: Unit) -> Any:
    user = django_user_model.objects.create_user(name, password="purchase-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


def license(unit: Unit, on: dt.date = dt.date(2025, 1, 1)) -> None:
    """The institute licensed from `on` (the institutes app's test factory)."""
    from maharat.institutes.factories import license_unit

    license_unit(unit, issued_on=on, clusters=[unit.cluster or "industry"])


@pytest.fixture
def world(db: Any, django_user_model: Any) -> dict[str, Any]:
    hq, qazvin, other = (Unit.objects.get(code=c) for c in ("IR", "IR-26", "IR-03"))
    county = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان قزوین")
    institute = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه آزاد مهر", cluster="industry")
    neighbour = make_unit(UnitKind.FREE_INSTITUTE, parent=county, name="آموزشگاه آزاد همسایه", cluster="industry")
    center = make_unit(UnitKind.FIXED_CENTER, parent=county, name="مرکز شهید بابایی")
    partner = make_unit(UnitKind.PARTNER, parent=county, name="کمیته امداد", partner_type="relief")
    far_county = make_unit(UnitKind.COUNTY, parent=other, name="تبریز")
    far = make_unit(UnitKind.FREE_INSTITUTE, parent=far_county, name="آموزشگاه آزاد دور", cluster="industry")
    people = {
        "hq_planner": account(django_user_model, "planner", "hq_planner", hq),
        "hq_viewer": account(django_user_model, "viewer", "hq_viewer", hq),
        "manager": account(django_user_model, "manager", "provincial_manager", qazvin),
        "manager2": account(django_user_model, "manager2", "provincial_manager", qazvin),
        "expert": account(django_user_model, "expert", "provincial_expert", qazvin),
        "assessor": account(django_user_model, "assessor", "assessor", qazvin),
        "institute_manager": account(django_user_model, "institute", "institute_manager", institute),
        "neighbour_manager": account(django_user_model, "neighbour", "institute_manager", neighbour),
        "head": account(django_user_model, "head", "center_head", center),
        "trainer": account(django_user_model, "trainer", "trainer", center),
        "partner_viewer": account(django_user_model, "partner", "partner_viewer", partner),
        "other_manager": account(django_user_model, "othermanager", "provincial_manager", other),
        "other_expert": account(django_user_model, "otherexpert", "provincial_expert", other),
        "far_manager": account(django_user_model, "farinstitute", "institute_manager", far),
    }
    welding = StandardFactory(title="جوشکاری", cluster="industry")
    turning = StandardFactory(title="تراشکاری", cluster="industry")
    return {"hq": hq, "qazvin": qazvin, "other": other, "county": county, "institute": institute,
            "neighbour": neighbour, "center": center, "partner": partner, "far": far, "welding": welding,
            "turning": turning, **people}


def make_contract(world: dict[str, Any], *, by: str = "expert", institute: str = "institute",
                  standards: list[Standard] | None = None, **terms: Any) -> Contract:
    province = world[institute].province
    values: dict[str, Any] = {"trainees": 10, "price": 100_000_000, "start_date": START, "end_date": END}
    values.update(terms)
    return services.create_contract(
        world[by], province=province, institute=world[institute],
        standards=standards if standards is not None else [world["welding"]], target_groups=terms.pop(
            "target_groups", []), **{k: v for k, v in values.items() if k != "target_groups"})


def signed(world: dict[str, Any], contract: Contract, by: str = "manager") -> Contract:
    license(contract.institute)
    return services.sign(world[by], contract)


def run_of(contract: Contract, *, standard: Standard | None = None, start: dt.date = dt.date(2026, 6, 1),
           end: dt.date = dt.date(2026, 8, 1), mode: str = "free_institute", capacity: int = 200,
           link: Any = None) -> CourseRun:
    """A course run of the contract's institute, linked to the contract by `link` (a user) when given."""
    run = CourseRunFactory(unit=contract.institute, standard=standard or contract.standards.first(),
                           start_date=start, end_date=end, mode=mode, capacity=capacity, hours=120)
    if link is not None:
        services.add_run(link, contract, run)
    return run


def enroll(run: CourseRun, n: int = 1, *, status: str = "completed", **trainee: Any) -> list[Enrollment]:
    trainee.setdefault("registered_unit", run.unit)
    made = []
    for _ in range(n):
        made.append(EnrollmentFactory(course_run=run, trainee=TraineeFactory(**trainee), status=status,
                                      hours_attended=120 if status == "completed" else 0))
    return made


def certify(enrollment: Enrollment, *, on: dt.date | None = None, status: str = "valid") -> Certificate:
    run = enrollment.course_run
    session = TestSession.objects.create(code=f"T-{enrollment.pk}", standard=run.standard, assessor_unit=run.unit,
                                         held_on=on or run.end_date)
    candidate = Candidate.objects.create(session=session, trainee=enrollment.trainee, enrollment=enrollment,
                                         theory_score=80, practice_score=90, result=Result.PASS)
    return Certificate.objects.create(
        serial=f"S{enrollment.pk:08d}", trainee=enrollment.trainee, standard=run.standard, candidate=candidate,
        issuing_unit=run.unit, training_unit=run.unit, issued_on=on or run.end_date, status=status,
        payload="{}", signature="-")


def now() -> dt.datetime:
    return timezone.now()
