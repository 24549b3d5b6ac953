"""Imports and the monthly period lock, inside the write's transaction; and the domain's own messages per row."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maharat.access.models import Account
from maharat.approval import services as approval
from maharat.approval.locks import LockReason, Period, message
from maharat.approval.models import PeriodReport, PeriodStatus
from maharat.audit.models import AuditEntry
from maharat.factories import CourseRunFactory, TraineeFactory, make_unit
from maharat.kit.importing import Importer
from maharat.kit.importing.signals import after_write
from maharat.org.models import Unit
from maharat.training.models import Enrollment

from .test_imports import csv_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["کد دوره", "کد ملی کارآموز", "ساعت حضور", "وضعیت"]


def account(django_user_model, role: str, unit: Unit, name: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(name, password="period-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


def make_month(django_user_model):  # type: ignore[no-untyped-def]
    """A course run of this month at a center, three trainees, and the people who import and approve."""
    center = make_unit(name="مرکز دوره ماهانه")
    run = CourseRunFactory(unit=center, hours=100, capacity=20)
    return {
        "run": run, "center": center, "period": Period.of(run.end_date),
        "trainees": [TraineeFactory(registered_unit=center) for _ in range(3)],
        "importer": account(django_user_model, "hq_planner", Unit.objects.get(code="IR"), "period-importer"),
        "head": account(django_user_model, "center_head", center, "period-head"),
        "manager": account(django_user_model, "provincial_manager", Unit.objects.get(code="IR-26"), "period-manager"),
    }


@pytest.fixture
def month(django_user_model):  # type: ignore[no-untyped-def]
    return make_month(django_user_model)


def approve(month) -> None:  # type: ignore[no-untyped-def]
    p = month["period"]
    # The run ends today, a month not over yet, which cannot be sent; what matters here is the approval.
    PeriodReport.objects.update_or_create(unit=month["center"], year=p.year, month=p.month,
                                          defaults={"status": PeriodStatus.SUBMITTED})
    approval.approve(user=month["manager"], unit=month["center"], year=p.year, month=p.month)


def enrollment_file(month, hours: str = "80") -> bytes:  # type: ignore[no-untyped-def]
    return csv_bytes([[month["run"].code, t.national_code, hours, "پایان دوره"] for t in month["trainees"]],
                     headers=HEADERS)


def start(month, data: bytes):  # type: ignore[no-untyped-def]
    from maharat.exchange.services import start_import

    return start_import(user=month["importer"], kind="enrollments", file_name="e.csv", data=data, dry_run=False,
                        background=False)


def test_a_month_approved_between_the_check_and_the_write_is_not_written(month, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    checked = Importer.commit

    def approved_meanwhile(self, plan, outcome, inside=None):  # type: ignore[no-untyped-def]
        approve(month)  # every row was found editable; now the province approves the month
        return checked(self, plan, outcome, inside)

    monkeypatch.setattr(Importer, "commit", approved_meanwhile)
    batch = start(month, enrollment_file(month))
    assert batch.status == "rejected"
    assert not Enrollment.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="enrollment").exists()
    locked = message(LockReason.APPROVED, month["period"])
    assert [(p["row"], p["message"]) for p in batch.problems] == [(2, locked), (3, locked), (4, locked)]


def test_a_month_approved_while_the_rows_are_written_is_rolled_back(month) -> None:  # type: ignore[no-untyped-def]
    """The last check, just before the commit: here the approval comes from within the write itself (a
    receiver), which stands for a month submitted and approved elsewhere while a long file was being written."""

    def approve_during_write(sender, **kwargs):  # type: ignore[no-untyped-def]
        approve(month)

    after_write.connect(approve_during_write, sender=Enrollment, dispatch_uid="test-approve-during-write")
    try:
        batch = start(month, enrollment_file(month))
    finally:
        after_write.disconnect(dispatch_uid="test-approve-during-write", sender=Enrollment)
    assert batch.status == "rejected" and batch.problem_count == 3
    assert not Enrollment.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="enrollment").exists()


def test_a_locked_month_is_refused_while_the_file_is_checked(month) -> None:  # type: ignore[no-untyped-def]
    approve(month)
    batch = start(month, enrollment_file(month))
    assert batch.status == "rejected" and not Enrollment.objects.exists()
    assert batch.problems[0]["message"] == message(LockReason.APPROVED, month["period"])


def page_messages(**fields) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """What a page's form would say: the model's own validation."""
    try:
        Enrollment(**fields).full_clean(validate_unique=False)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def test_enrollment_rows_get_the_messages_of_the_model(month) -> None:  # type: ignore[no-untyped-def]
    run, trainee = month["run"], month["trainees"][0]
    batch = start(month, csv_bytes([[run.code, trainee.national_code, "101", "پایان دوره"]], headers=HEADERS))
    expected = page_messages(course_run=run, trainee=trainee, hours_attended=101, status="completed")
    assert [(p["row"], p["column"], p["message"]) for p in batch.problems] == [
        (2, "ساعت حضور", expected["hours_attended"][0])]
    assert "۱۰۰" in expected["hours_attended"][0]  # the model's message, with Persian digits

    young = TraineeFactory(registered_unit=month["center"], birth_date=run.start_date.replace(year=run.start_date.year - 10))
    batch = start(month, csv_bytes([[run.code, young.national_code, "0", "در حال آموزش"]], headers=HEADERS))
    expected = page_messages(course_run=run, trainee=young, hours_attended=0, status="enrolled")
    assert [(p["row"], p["column"], p["message"]) for p in batch.problems] == [(2, "کد ملی کارآموز", expected["trainee"][0])]


def test_a_full_course_run_is_refused_with_the_models_message(month) -> None:  # type: ignore[no-untyped-def]
    run = month["run"]
    run.capacity = 2
    run.save()
    batch = start(month, enrollment_file(month))
    assert [(p["row"], p["column"]) for p in batch.problems] == [(4, "کد دوره")]
    assert batch.problems[0]["message"] == "ظرفیت این دوره (۲ نفر) پر است."
    assert not Enrollment.objects.exists()
