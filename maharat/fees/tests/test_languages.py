"""The fees pages in both languages, read as the platform's crawler reads every page: no Persian on an English
page but stored data, no Latin digits on a Persian page but codes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.factories import (
    TODAY,
    CourseRunFactory,
    EnrollmentFactory,
    StandardFactory,
    TraineeFactory,
    make_unit,
    today_is,
)
from maharat.fees import services
from maharat.web.tests.test_crawl import layout_and_language, read, stored_text

from .test_fees import person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_caps_page_and_a_course_run_with_its_fees_in_both_languages(django_user_model: Any,
                                                                          language: str) -> None:
    from maharat.org.models import Unit, UnitKind

    with today_is(TODAY):
        institute = make_unit(UnitKind.FREE_INSTITUTE, parent=make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-26")))
        planner = person(django_user_model, "planner", "hq_planner", Unit.objects.get(code="IR"))
        run = CourseRunFactory(unit=institute, standard=StandardFactory(cluster=institute.cluster, level=2), hours=40,
                               start_date=TODAY - dt.timedelta(days=3), end_date=TODAY + dt.timedelta(days=20))
        services.set_cap(planner, year=1405, cluster=institute.cluster, level=2, per_hour=90_000)
        services.set_tariff(planner, year=1405, per_hour=10_000)
        services.set_fee(planner, run, 3_000_000)
        EnrollmentFactory(course_run=run, trainee=TraineeFactory(first_name="مریم", last_name="کریمی"))
        services.close_early(planner, run, closed_on=TODAY, reason="closed", consent_documented=True)
        client = Client()
        client.force_login(planner)
        client.cookies["django_language"] = language
        check = layout_and_language(stored_text())
        problems: list[str] = []
        for url in (reverse("fees_caps") + "?year=1405", run.get_absolute_url()):
            response = client.get(url)
            assert response.status_code == 200, url
            problems += check(read(url, 200, response.content.decode(), language))
        assert not problems, "\n".join(problems[:30])
