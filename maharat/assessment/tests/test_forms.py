"""Assessment forms (issue 15): generated test-session codes, and a results table that reports every bad score
at once, by row and candidate, keeps what was typed and saves all or nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from maharat.access.models import Account
from maharat.assessment.models import Candidate, Result, TestSession
from maharat.common import jalali
from maharat.factories import CourseRunFactory, EnrollmentFactory, StandardFactory, TraineeFactory, make_unit
from maharat.org.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("manager-h15", password="assess-pass-123")
    Account.objects.create(user=user, role="provincial_manager", unit=Unit.objects.get(code="IR-26"))
    return user


@pytest.fixture
def session_with_three():  # type: ignore[no-untyped-def]
    center = make_unit(name="مرکز آزمون")
    run = CourseRunFactory(unit=center, hours=240)
    session = TestSession.objects.create(code="T-H15", standard=run.standard, assessor_unit=center,
                                         held_on=timezone.localdate())
    names = (("زهرا", "احمدی"), ("مریم", "بهرامی"), ("سارا", "نوری"))
    for first, last in names:
        enrollment = EnrollmentFactory(course_run=run, trainee=TraineeFactory(first_name=first, last_name=last,
                                                                              registered_unit=center))
        Candidate.objects.create(session=session, trainee=enrollment.trainee, enrollment=enrollment)
    return session, list(session.candidates.order_by("trainee__last_name"))


def test_a_test_sessions_code_is_made_not_typed(client, manager) -> None:  # type: ignore[no-untyped-def]
    client.force_login(manager)
    form = client.get(reverse("testsession_create")).context["form"]
    assert "code" not in form.fields
    center, std = make_unit(), StandardFactory()
    today = timezone.localdate()
    data = {"standard": std.code, "assessor_unit": center.code, "capacity": "۳۰",
            "held_on": jalali.format_date(today, persian_digits=False)}
    for _ in range(2):
        response = client.post(reverse("testsession_create"), data)
        assert response.status_code == 302, response.context["form"].errors
    year = jalali.year_of(today)
    codes = list(TestSession.objects.order_by("code").values_list("code", flat=True))
    assert codes == [f"{center.code}-{year}-T0001", f"{center.code}-{year}-T0002"]
    assert TestSession.objects.filter(capacity=30).count() == 2


def test_every_bad_score_is_reported_by_row_and_nothing_is_saved(client, manager, session_with_three) -> None:  # type: ignore[no-untyped-def]
    session, (first, second, third) = session_with_three
    client.force_login(manager)
    typed = {f"theory-{first.pk}": "۸۰", f"practice-{first.pk}": "90",
             f"theory-{second.pk}": "150", f"practice-{second.pk}": "95",
             f"theory-{third.pk}": "۷۰", f"practice-{third.pk}": "abc"}
    response = client.post(reverse("testsession_action", args=[session.pk, "results"]), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ردیف ۲ (مریم بهرامی): نمره نظری باید عددی بین ۰ و ۱۰۰ باشد." in html
    assert "ردیف ۳ (سارا نوری): نمره عملی باید عددی بین ۰ و ۱۰۰ باشد." in html
    assert "ردیف ۱" not in html.split('data-testid="results-errors"')[1].split("</ul>")[0]
    # Every value stays as typed, the good ones and the bad ones, shown in the page's digits.
    shown = {f"theory-{first.pk}": "۸۰", f"practice-{first.pk}": "۹۰", f"theory-{second.pk}": "۱۵۰",
             f"practice-{second.pk}": "۹۵", f"theory-{third.pk}": "۷۰", f"practice-{third.pk}": "abc"}
    for name, value in shown.items():
        assert f'name="{name}" value="{value}"' in html, name
    # All or nothing: the valid first row is not saved either.
    assert list(session.candidates.values_list("theory_score", flat=True)) == [None, None, None]
    assert set(session.candidates.values_list("result", flat=True)) == {Result.PENDING}


def test_a_refusal_from_the_service_keeps_the_table_and_saves_nothing(client, manager, session_with_three) -> None:  # type: ignore[no-untyped-def]
    session, (first, second, _third) = session_with_three
    client.force_login(manager)
    TestSession.objects.filter(pk=session.pk).update(is_closed=True)  # closed in another tab meanwhile
    response = client.post(reverse("testsession_action", args=[session.pk, "results"]),
                           {f"theory-{first.pk}": "80", f"practice-{first.pk}": "90", f"absent-{second.pk}": "on"})
    html = response.content.decode()
    assert "ردیف ۱ (زهرا احمدی): نتایج این آزمون نهایی شده است." in html
    assert "ردیف ۲ (مریم بهرامی): نتایج این آزمون نهایی شده است." in html
    assert set(session.candidates.values_list("result", flat=True)) == {Result.PENDING}


def test_a_valid_table_is_saved_whole(client, manager, session_with_three) -> None:  # type: ignore[no-untyped-def]
    session, (first, second, third) = session_with_three
    client.force_login(manager)
    response = client.post(reverse("testsession_action", args=[session.pk, "results"]), {
        f"theory-{first.pk}": "۸۰", f"practice-{first.pk}": "۹۰", f"theory-{second.pk}": "40",
        f"practice-{second.pk}": "95", f"absent-{third.pk}": "on"})
    assert response.status_code == 302
    results = list(session.candidates.order_by("trainee__last_name").values_list("theory_score", "result"))
    assert results == [(80, Result.PASS), (40, Result.FAIL), (None, Result.ABSENT)]
    page = client.get(reverse("testsession_detail", args=[session.pk])).content.decode()
    assert f'name="theory-{first.pk}" value="۸۰"' in page  # Persian digits on a Persian page; read back either way


def test_the_course_run_picker_suggests_only_runs_in_scope(client, manager, session_with_three) -> None:  # type: ignore[no-untyped-def]
    session, _candidates = session_with_three
    far = CourseRunFactory(code="FAR-RUN-1", unit=make_unit(
        parent=make_unit("county", parent=Unit.objects.get(code="IR-03"), name="تبریز"), name="مرکز تبریز"))
    near = CourseRunFactory(code="NEAR-RUN-1", unit=session.assessor_unit)
    client.force_login(manager)
    html = client.get(reverse("testsession_detail", args=[session.pk])).content.decode()
    options = html.split('<datalist id="id_course_run-options">')[1].split("</datalist>")[0]
    assert f'value="{near.code}"' in options and far.code not in html
    found = client.get(reverse("lookup", args=["courserun"]), {"q": "RUN-1"}).json()["results"]
    assert [r["value"] for r in found] == [near.code]
