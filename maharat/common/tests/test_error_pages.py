"""A refusal or a wrong address is a page of the platform, in Persian, with its layout: never a bare English one."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from maharat.access.models import Account
from maharat.org.models import Unit


def test_a_refused_page_keeps_the_layout_and_says_why_in_persian(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("partner1", password="partner-password-1")
    Account.objects.create(user=user, role="partner_viewer", unit=Unit.objects.get(code="IR-26"))
    client.force_login(user)
    response = client.get(reverse("workshop_list"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="forbidden"' in html and "<nav" in html
    assert "نقش شما اجازه این کار را ندارد." in html
    assert "Forbidden" not in html


@override_settings(DEBUG=False)
def test_a_mistyped_address_is_a_persian_page_not_a_list_of_url_patterns(client, user) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="not-found"' in html and "صفحه پیدا نشد" in html
    assert "urlpatterns" not in html.lower() and "Using the URLconf" not in html


def test_enrolling_into_a_full_course_run_says_it_is_full(client_in) -> None:  # type: ignore[no-untyped-def]
    from maharat.factories import CourseRunFactory, EnrollmentFactory, TraineeFactory
    from maharat.training.models import Enrollment

    run = CourseRunFactory(capacity=1)
    EnrollmentFactory(course_run=run)
    newcomer = TraineeFactory()
    response = client_in.post(reverse("enrollment_create", args=[run.pk]),
                              {"trainee": newcomer.national_code, "hours_attended": "0", "status": "enrolled"})
    assert response.status_code == 200
    assert "ظرفیت این دوره (۱ نفر) پر است." in response.content.decode()
    assert Enrollment.objects.filter(course_run=run).count() == 1


def test_a_server_error_is_a_persian_page_that_needs_no_database() -> None:
    from django.template import loader

    html = loader.get_template("500.html").render()  # no request, no context: the handler's own conditions
    assert 'lang="fa" dir="rtl"' in html and "دوباره امتحان کنید" in html
