"""Period locking: three distinct reasons, exceptions, and the approval workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from maharat.access.models import Account
from maharat.approval import services
from maharat.approval.locks import LockReason, Period, PeriodLocked, ensure_editable
from maharat.approval.models import PeriodReport, PeriodStatus
from maharat.approval.selectors import completeness, completeness_totals, reporting_units
from maharat.audit.models import AuditEntry
from maharat.factories import CourseRunFactory, EnrollmentFactory, make_unit
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def account(django_user_model, role: str, unit: Unit, name: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(name, password="lock-test-password")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


@pytest.fixture
def people(django_user_model):  # type: ignore[no-untyped-def]
    center = make_unit(UnitKind.FIXED_CENTER, name="مرکز قفل")
    return {
        "center": center,
        "head": account(django_user_model, "center_head", center, "head"),
        "manager": account(django_user_model, "provincial_manager", Unit.objects.get(code="IR-26"), "manager"),
        "hq": account(django_user_model, "hq_planner", Unit.objects.get(code="IR"), "hq"),
        "other_manager": account(django_user_model, "provincial_manager", Unit.objects.get(code="IR-03"), "ea"),
    }


def this_month() -> Period:
    return Period.of(timezone.localdate())


def last_month() -> Period:
    """A month that is over and still open for entry: with the `today` fixture (1405/09/01), Aban 1405."""
    return Period.of(timezone.localdate() - dt.timedelta(days=1))


def test_deadline_passed(people) -> None:  # type: ignore[no-untyped-def]
    old = timezone.localdate() - dt.timedelta(days=120)
    with pytest.raises(PeriodLocked) as exc:
        ensure_editable(people["center"].pk, old)
    assert exc.value.reason == LockReason.DEADLINE
    assert "مهلت ثبت" in exc.value.messages[0]


def test_current_month_is_open(people) -> None:  # type: ignore[no-untyped-def]
    ensure_editable(people["center"].pk, timezone.localdate())


def test_closed_by_hq(people) -> None:  # type: ignore[no-untyped-def]
    p = this_month()
    services.close_period(user=people["hq"], year=p.year, month=p.month)
    with pytest.raises(PeriodLocked) as exc:
        ensure_editable(people["center"].pk, timezone.localdate())
    assert exc.value.reason == LockReason.CLOSED
    assert "بسته" in exc.value.messages[0]


def test_workflow_submit_approve_accept_locks_with_the_approved_message(people, today) -> None:  # type: ignore[no-untyped-def]
    p, center = last_month(), people["center"]
    day = p.last_day()
    services.submit(user=people["head"], unit=center, year=p.year, month=p.month)
    ensure_editable(center.pk, day)  # submitted data may still be corrected
    services.approve(user=people["manager"], unit=center, year=p.year, month=p.month)
    with pytest.raises(PeriodLocked) as exc:
        ensure_editable(center.pk, day)
    assert exc.value.reason == LockReason.APPROVED and "تأیید شده" in exc.value.messages[0]
    services.accept(user=people["hq"], unit=center, year=p.year, month=p.month)
    assert PeriodReport.objects.get(unit=center).status == PeriodStatus.ACCEPTED
    actions = list(AuditEntry.objects.filter(unit=center).order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["submit", "approve", "accept"]


def test_three_messages_are_distinct(people) -> None:  # type: ignore[no-untyped-def]
    from maharat.approval.locks import message

    p = this_month()
    texts = {message(r, p) for r in (LockReason.DEADLINE, LockReason.CLOSED, LockReason.APPROVED)}
    assert len(texts) == 3


def test_return_needs_a_reason_and_reopens(people, today) -> None:  # type: ignore[no-untyped-def]
    p, center = last_month(), people["center"]
    services.submit(user=people["head"], unit=center, year=p.year, month=p.month)
    with pytest.raises(ValidationError):
        services.return_for_correction(user=people["manager"], unit=center, year=p.year, month=p.month, reason=" ")
    services.return_for_correction(user=people["manager"], unit=center, year=p.year, month=p.month, reason="آمار زنان ناقص است")
    report = PeriodReport.objects.get(unit=center)
    assert report.status == PeriodStatus.RETURNED and report.return_reason == "آمار زنان ناقص است"
    services.submit(user=people["head"], unit=center, year=p.year, month=p.month)  # resubmitted after correction


def test_wrong_role_wrong_province_and_wrong_state_are_refused(people) -> None:  # type: ignore[no-untyped-def]
    p, center = this_month(), people["center"]
    with pytest.raises(PermissionDenied):
        services.approve(user=people["head"], unit=center, year=p.year, month=p.month)  # a center cannot approve
    with pytest.raises(PermissionDenied):
        services.submit(user=people["other_manager"], unit=center, year=p.year, month=p.month)
    with pytest.raises(ValidationError):
        services.accept(user=people["hq"], unit=center, year=p.year, month=p.month)  # nothing approved yet


def test_exception_reopens_a_locked_month_until_it_expires(people) -> None:  # type: ignore[no-untyped-def]
    center = people["center"]
    old_day = timezone.localdate() - dt.timedelta(days=120)
    p = Period.of(old_day)
    with pytest.raises(PeriodLocked):
        ensure_editable(center.pk, old_day)
    with pytest.raises(PermissionDenied):
        services.grant_exception(user=people["other_manager"], unit=center, year=p.year, month=p.month,
                                 until=timezone.now() + dt.timedelta(days=2), reason="اصلاح")
    exc = services.grant_exception(user=people["manager"], unit=center, year=p.year, month=p.month,
                                   until=timezone.now() + dt.timedelta(days=2), reason="اصلاح ساعت حضور")
    ensure_editable(center.pk, old_day)
    exc.until = timezone.now() - dt.timedelta(minutes=1)
    exc.save()
    with pytest.raises(PeriodLocked):
        ensure_editable(center.pk, old_day)


def test_editing_a_locked_record_through_the_page_says_why(people, client) -> None:  # type: ignore[no-untyped-def]
    old_day = timezone.localdate() - dt.timedelta(days=120)
    run = CourseRunFactory(unit=people["center"], start_date=old_day - dt.timedelta(days=30), end_date=old_day)
    enrollment = EnrollmentFactory(course_run=run, hours_attended=100)
    client.force_login(people["head"])
    response = client.post(reverse("enrollment_update", args=[enrollment.pk]),
                           {"hours_attended": "50", "status": "completed"})
    assert response.status_code == 200
    assert "مهلت ثبت" in " ".join(response.context["form"].error_summary()), response.context["form"].errors
    enrollment.refresh_from_db()
    assert enrollment.hours_attended == 100  # nothing was saved


def test_moving_a_course_out_of_a_locked_month_is_refused(people, client) -> None:  # type: ignore[no-untyped-def]
    old_day = timezone.localdate() - dt.timedelta(days=120)
    run = CourseRunFactory(unit=people["center"], start_date=old_day - dt.timedelta(days=30), end_date=old_day)
    from maharat.access.writes import check_locks

    run.end_date = timezone.localdate()
    with pytest.raises(PeriodLocked):
        from maharat.training.models import CourseRun

        check_locks(CourseRun.objects.get(pk=run.pk), run)


def test_completeness_counts_on_time_late_and_missing(people) -> None:  # type: ignore[no-untyped-def]
    center = people["center"]
    second = make_unit(UnitKind.FIXED_CENTER, name="مرکز دوم")
    third = make_unit(UnitKind.FIXED_CENTER, name="مرکز سوم")
    p = Period.of(timezone.localdate() - dt.timedelta(days=120))
    tz = timezone.get_current_timezone()
    on_time = dt.datetime.combine(p.deadline() - dt.timedelta(days=1), dt.time(9), tzinfo=tz)
    late = dt.datetime.combine(p.deadline() + dt.timedelta(days=3), dt.time(9), tzinfo=tz)
    PeriodReport.objects.create(unit=center, year=p.year, month=p.month, status="submitted", submitted_at=on_time)
    PeriodReport.objects.create(unit=second, year=p.year, month=p.month, status="submitted", submitted_at=late)
    units = reporting_units(people["manager"], Unit.objects.get(code="IR-26")).filter(pk__in=[center.pk, second.pk, third.pk])
    rows, totals = completeness(units, p.year)
    cells = {row.unit.pk: row.cells[p.month - 1] for row in rows}
    assert cells == {center.pk: "on_time", second.pk: "late", third.pk: "missing"}
    assert totals[p.month - 1] == {"on_time": 1, "late": 1, "missing": 1, "pending": 0}


def test_completeness_totals_counted_in_the_database_agree_with_each_units_cells(people) -> None:  # type: ignore[no-untyped-def]
    """The totals HQ sees over the whole country are counted in SQL; each unit's cells come from timeliness().
    Sent at the deadline's last local minute counts as on time, a minute later as late (UTC is 3:30 behind)."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    past, current = Period.of(today - dt.timedelta(days=150)), Period.of(today)
    centers = [people["center"], *(make_unit(UnitKind.FIXED_CENTER, name=f"مرکز {i}") for i in range(5))]
    last_minute = dt.datetime.combine(past.deadline(), dt.time(23, 59), tzinfo=tz)
    sent = {
        0: last_minute, 1: last_minute + dt.timedelta(minutes=1), 2: last_minute - dt.timedelta(days=20),
        3: last_minute + dt.timedelta(days=9),
    }
    for i, at in sent.items():
        PeriodReport.objects.create(unit=centers[i], year=past.year, month=past.month, status="submitted",
                                    submitted_at=at.astimezone(dt.UTC))
    PeriodReport.objects.create(unit=centers[4], year=past.year, month=past.month, status="returned")  # not sent
    if current.year == past.year:
        PeriodReport.objects.create(unit=centers[5], year=current.year, month=current.month, status="submitted",
                                    submitted_at=timezone.now())
    units = reporting_units(people["manager"], Unit.objects.get(code="IR-26")).filter(pk__in=[c.pk for c in centers])
    rows, by_rows = completeness(units, past.year)
    expected = [{"on_time": 0, "late": 0, "missing": 0, "pending": 0} for _ in range(12)]
    for row in rows:
        for m, cell in enumerate(row.cells):
            expected[m][cell] += 1
    assert completeness_totals(units, past.year) == expected == by_rows
    assert expected[past.month - 1] == {"on_time": 2, "late": 2, "missing": 2, "pending": 0}


def test_period_pages(people, client, today) -> None:  # type: ignore[no-untyped-def]
    p = last_month()
    client.force_login(people["head"])
    page = client.get(reverse("period_list", args=[people["center"].code]), {"year": p.year})
    assert page.status_code == 200 and len(page.context["months"]) == 12
    response = client.post(reverse("period_action", args=[people["center"].code, p.year, p.month, "submit"]),
                           {"confirm": "on"})
    assert response.status_code == 302
    assert PeriodReport.objects.get(unit=people["center"]).status == "submitted"
    client.force_login(people["other_manager"])
    assert client.get(reverse("period_list", args=[people["center"].code])).status_code == 404
    client.force_login(people["manager"])
    report = client.get(reverse("completeness"), {"unit": "IR-26", "year": p.year})
    assert report.status_code == 200
    assert any(row.unit == people["center"] for row in report.context["rows"])
