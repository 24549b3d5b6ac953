"""The licence's rule on training holds on every write path: the page (test_pages), the import and the API
refuse a course run at an institute that is not licensed on its dates, or outside its fields, with the reason."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from maharat.exchange.services import start_import
from maharat.factories import TODAY, StandardFactory
from maharat.institutes import services
from maharat.training.models import CourseRun

pytestmark = pytest.mark.django_db
HEADERS = ["کد دوره", "کد واحد برگزارکننده", "کد استاندارد", "شیوه اجرا", "تاریخ شروع", "تاریخ پایان", "ساعت دوره",
           "ظرفیت", "کد ملی مربی", "کد کارگاه"]


def suspended(world: dict[str, Any]) -> None:
    services.decide(world["manager"], world["licence"], services.DecisionData(
        kind="suspend", reason="تعلیق", effective_until=TODAY + dt.timedelta(days=30)))


def rows_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADERS, *rows])
    return buffer.getvalue().encode()


def test_the_import_refuses_each_row_with_its_reason_and_imports_nothing(world: dict[str, Any]) -> None:
    suspended(world)
    services_std, industry = StandardFactory(cluster="services"), StandardFactory(cluster="industry")
    code = world["institute"].code
    rows = [[f"{code}-T1", code, services_std.code, "آموزشگاه آزاد", "1405/09/10", "1405/10/10", "60", "20", "", ""],
            [f"{code}-T2", code, industry.code, "آموزشگاه آزاد", "1405/11/10", "1405/12/10", "60", "20", "", ""],
            [f"{code}-T3", code, services_std.code, "آموزشگاه آزاد", "1405/11/10", "1405/12/10", "60", "20", "", ""]]
    batch = start_import(user=world["expert"], kind="course_runs", file_name="runs.csv", data=rows_csv(rows),
                         dry_run=False, background=False)
    assert batch.status == "rejected"
    by_row = {p["row"]: p["message"] for p in batch.problems}
    assert set(by_row) == {2, 3}
    assert "تعلیق" in by_row[2] and "خدمات" in by_row[3]
    assert not CourseRun.objects.filter(unit=world["institute"]).exists()


def test_the_api_refuses_in_persian_and_accepts_inside_the_licence(world: dict[str, Any]) -> None:
    suspended(world)
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "expert", "password": "licensing-test-password"})
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    std = StandardFactory(cluster="services")
    body = {"code": "API-INST-1", "unit": world["institute"].code, "standard": std.code, "mode": "free_institute",
            "start_date": (TODAY + dt.timedelta(days=5)).isoformat(),
            "end_date": (TODAY + dt.timedelta(days=20)).isoformat(), "capacity": 10}
    refused = client.post("/api/v1/course-runs/", body, format="json")
    assert refused.status_code == 400
    assert "تعلیق" in str(refused.json())
    body.update(start_date=(TODAY + dt.timedelta(days=31)).isoformat(),
                end_date=(TODAY + dt.timedelta(days=60)).isoformat())
    accepted = client.post("/api/v1/course-runs/", body, format="json")
    assert accepted.status_code == 201, accepted.json()
