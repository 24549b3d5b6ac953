"""Course-run, workshop and enrollment forms (issue 15): bounds with Persian messages naming the field, on the
page and in the API; Persian digits in every number box; a locked record's edit page; a full course run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from maharat.access.models import Account
from maharat.approval.locks import Period
from maharat.approval.models import PeriodReport, PeriodStatus
from maharat.common import jalali
from maharat.factories import CourseRunFactory, EnrollmentFactory, StandardFactory, TraineeFactory, make_unit
from maharat.org.models import Unit
from maharat.training.models import CourseRun, Enrollment, Workshop

pytestmark = pytest.mark.django_db



def days() -> tuple[dt.date, dt.date]:
    """57 calendar days, start and end included, ending today: a month still open for entry."""
    end = timezone.localdate()
    return end - dt.timedelta(days=56), end


def run_form(unit: Unit, standard, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    start, end = days()
    return {"unit": unit.code, "standard": standard.code, "mode": "fixed_center",
            "start_date": jalali.format_date(start, persian_digits=False),
            "end_date": jalali.format_date(end, persian_digits=False), "hours": "120", "capacity": "20", **changes}


def api_client(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_run(unit: Unit, standard, **changes: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    start, end = days()
    return {"code": "API-H15", "unit": unit.code, "standard": standard.code, "mode": "fixed_center",
            "start_date": start.isoformat(), "end_date": end.isoformat(), "hours": 120, "capacity": 20, **changes}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"hours": "30000"}, "hours", "ساعت دوره (۳۰۰۰۰) برای ۵۷ روزِ میان تاریخ شروع و پایان ممکن نیست؛ حداکثر ۵۷۰ ساعت (روزی ۱۰ ساعت)."),
    ({"hours": "0"}, "hours", "ساعت دوره باید بیشتر از صفر باشد."),
    ({"capacity": "0"}, "capacity", "ظرفیت دوره باید بین ۱ و ۲۰۰ نفر باشد."),
    ({"capacity": "201"}, "capacity", "ظرفیت دوره باید بین ۱ و ۲۰۰ نفر باشد."),
    ({"capacity": "-3"}, "capacity", "نمی‌تواند کمتر از ۰ باشد."),
])
def test_absurd_course_run_numbers_are_refused_on_the_page(client_in, changes, field, message) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(reverse("courserun_create"), run_form(make_unit(), StandardFactory(), **changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    html = response.content.decode()
    label = {"hours": "ساعت دوره", "capacity": "ظرفیت"}[field]
    assert f"{label}: {message}" in html  # the summary at the top names the field
    assert "Constraint" not in html and "violated" not in html
    assert CourseRun.objects.count() == 0


def test_a_sensible_course_run_is_accepted_at_the_bounds(client_in) -> None:  # type: ignore[no-untyped-def]
    response = client_in.post(reverse("courserun_create"),
                              run_form(make_unit(), StandardFactory(), hours="570", capacity="200"))
    assert response.status_code == 302, response.context["form"].errors
    assert CourseRun.objects.values_list("hours", "capacity").get() == (570, 200)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"hours": 30000}, "hours", "ساعت دوره (۳۰۰۰۰) برای ۵۷ روزِ میان تاریخ شروع و پایان ممکن نیست؛ حداکثر ۵۷۰ ساعت (روزی ۱۰ ساعت)."),
    ({"hours": 0}, "hours", "ساعت دوره باید بیشتر از صفر باشد."),
    ({"capacity": 0}, "capacity", "ظرفیت دوره باید بین ۱ و ۲۰۰ نفر باشد."),
    ({"capacity": 5000}, "capacity", "ظرفیت دوره باید بین ۱ و ۲۰۰ نفر باشد."),
])
def test_absurd_course_run_numbers_are_refused_by_the_api(user, changes, field, message) -> None:  # type: ignore[no-untyped-def]
    response = api_client(user).post("/api/v1/course-runs/", api_run(make_unit(), StandardFactory(), **changes),
                                     format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["fields"][field] == [message]
    assert CourseRun.objects.count() == 0


def test_a_workshop_needs_a_sensible_number_of_seats(client_in, user) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    response = client_in.post(reverse("workshop_create"), {"unit": unit.code, "code": "K-H15", "name": "جوشکاری",
                                                            "cluster": "industry", "seats": "0", "is_active": "on"})
    assert response.context["form"].errors["seats"] == ["ظرفیت کارگاه باید بین ۱ و ۲۰۰ نفر باشد."]
    api = api_client(user).post("/api/v1/workshops/", {"unit": unit.code, "code": "K-H15", "name": "جوشکاری",
                                                      "cluster": "industry", "seats": 0}, format="json")
    assert api.status_code == 400 and api.json()["error"]["fields"]["seats"] == ["ظرفیت کارگاه باید بین ۱ و ۲۰۰ نفر باشد."]
    assert not Workshop.objects.exists()


def test_number_boxes_are_text_boxes_with_a_numeric_keyboard(client_in) -> None:  # type: ignore[no-untyped-def]
    html = client_in.get(reverse("courserun_create")).content.decode()
    for name in ("hours", "capacity"):
        start = html.index(f'name="{name}"')
        tag = html[html.rindex("<input", 0, start): html.index(">", start)]
        assert 'type="text"' in tag and 'inputmode="numeric"' in tag and "pattern=" in tag, tag
    assert 'type="number"' not in html


def test_persian_digits_in_every_number_box_are_stored(client_in) -> None:  # type: ignore[no-untyped-def]
    unit, std = make_unit(), StandardFactory()
    response = client_in.post(reverse("courserun_create"), run_form(unit, std, hours="۱۲۰", capacity="۱۲"))
    assert response.status_code == 302, response.context["form"].errors
    run = CourseRun.objects.get()
    assert (run.hours, run.capacity) == (120, 12)

    response = client_in.post(reverse("workshop_create"), {"unit": unit.code, "code": "K-H15", "name": "جوشکاری",
                                                            "cluster": "industry", "seats": "١٢", "is_active": "on"})
    assert response.status_code == 302, response.context["form"].errors
    assert Workshop.objects.get().seats == 12  # Arabic-Indic digits too

    trainee = TraineeFactory()
    response = client_in.post(reverse("enrollment_create", args=[run.pk]),
                              {"trainee": trainee.national_code, "hours_attended": "۱۲", "status": "enrolled"})
    assert response.status_code == 302, response.context["form"].errors
    enrollment = Enrollment.objects.get()
    assert enrollment.hours_attended == 12
    response = client_in.post(reverse("enrollment_update", args=[enrollment.pk]),
                              {"hours_attended": "۱۰۸", "status": "completed"})
    assert response.status_code == 302, response.context["form"].errors
    enrollment.refresh_from_db()
    assert enrollment.hours_attended == 108


def test_a_locked_records_edit_page_says_so_when_opened(client_in) -> None:  # type: ignore[no-untyped-def]
    center = make_unit()
    run = CourseRunFactory(unit=center)
    enrollment = EnrollmentFactory(course_run=run)
    period = Period.of(run.end_date)
    PeriodReport.objects.create(unit=center, year=period.year, month=period.month, status=PeriodStatus.APPROVED)
    for url in (reverse("courserun_update", args=[run.pk]), reverse("enrollment_update", args=[enrollment.pk])):
        response = client_in.get(url)
        html = response.content.decode()
        assert 'data-testid="locked"' in html
        assert f"داده‌های {period.label()} این واحد تأیید شده و قفل است" in html
        assert all(field.disabled for field in response.context["form"].fields.values())
        assert "ذخیره</button>" not in html


def test_an_open_records_edit_page_has_no_lock_notice(client_in) -> None:  # type: ignore[no-untyped-def]
    run = CourseRunFactory()
    html = client_in.get(reverse("courserun_update", args=[run.pk])).content.decode()
    assert 'data-testid="locked"' not in html and "ذخیره</button>" in html


def test_a_past_deadline_is_told_on_the_edit_page(client_in) -> None:  # type: ignore[no-untyped-def]
    old = timezone.localdate() - dt.timedelta(days=120)
    run = CourseRunFactory(start_date=old - dt.timedelta(days=30), end_date=old)
    html = client_in.get(reverse("courserun_update", args=[run.pk])).content.decode()
    assert 'data-testid="locked"' in html and "مهلت ثبت اطلاعات" in html


def test_enrolling_into_a_full_course_run_says_it_is_full(client_in) -> None:  # type: ignore[no-untyped-def]
    run = CourseRunFactory(capacity=2)
    EnrollmentFactory(course_run=run)
    EnrollmentFactory(course_run=run)
    response = client_in.post(reverse("enrollment_create", args=[run.pk]),
                              {"trainee": TraineeFactory().national_code, "hours_attended": "۰", "status": "enrolled"})
    assert response.status_code == 200
    assert "ظرفیت این دوره (۲ نفر) پر است." in response.content.decode()
    assert Enrollment.objects.filter(course_run=run).count() == 2


def test_a_center_head_sees_the_full_message_too(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    center = make_unit()
    head = django_user_model.objects.create_user("head-h15", password="x-long-test-password")
    Account.objects.create(user=head, role="center_head", unit=center)
    run = CourseRunFactory(unit=center, capacity=1)
    EnrollmentFactory(course_run=run)
    client.force_login(head)
    response = client.post(reverse("enrollment_create", args=[run.pk]),
                           {"trainee": TraineeFactory(registered_unit=center).national_code, "hours_attended": "0",
                            "status": "enrolled"})
    assert "ظرفیت این دوره (۱ نفر) پر است." in response.content.decode()
