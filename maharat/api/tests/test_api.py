"""The REST API: every endpoint, the permission layer behind it, and structured Persian errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from maharat.access.models import Account
from maharat.access.tokens import ApiToken, hash_key
from maharat.audit.models import AuditEntry
from maharat.factories import CourseRunFactory, EnrollmentFactory, StandardFactory, TraineeFactory, make_unit
from maharat.org.models import Unit
from maharat.people.models import Trainee

pytestmark = pytest.mark.django_db


def api_for(django_user_model, role: str, code: str) -> APIClient:  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(f"api-{role}-{code}", password="api-pass-1234")
    Account.objects.create(user=user, role=role, unit=Unit.objects.get(code=code))
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": user.username, "password": "api-pass-1234"}).json()["token"]
    assert ApiToken.objects.filter(user=user, key_hash=hash_key(token)).exists()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def hq(django_user_model) -> APIClient:  # type: ignore[no-untyped-def]
    return api_for(django_user_model, "hq_planner", "IR")


@pytest.fixture
def qazvin(django_user_model) -> APIClient:  # type: ignore[no-untyped-def]
    return api_for(django_user_model, "provincial_expert", "IR-26")


def ea_center() -> Unit:
    return make_unit(parent=make_unit("county", parent=Unit.objects.get(code="IR-03"), name="تبریز"), name="مرکز تبریز")


def test_anonymous_requests_are_refused_in_persian() -> None:
    response = APIClient().get("/api/v1/trainees/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert "وارد شوید" in response.json()["error"]["message"]


def test_trainee_crud_with_audit(hq) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    created = hq.post("/api/v1/trainees/", {
        "national_code": "۴۹۹۳۷۰۸۹۹", "first_name": "علي", "last_name": "رضایی", "sex": "F", "birth_date": "1996-05-04",
        "residence": "rural", "registered_unit": unit.code, "target_groups": ["villagers"], "mobile": "+989121234567",
    }, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["national_code"] == "0499370899" and body["mobile"] == "09121234567"
    pk = body["id"]
    assert hq.patch(f"/api/v1/trainees/{pk}/", {"last_name": "کریمی"}, format="json").status_code == 200
    assert Trainee.objects.get(pk=pk).last_name == "کریمی"
    assert AuditEntry.objects.filter(object_id=str(pk), action="update").exists()
    listed = hq.get("/api/v1/trainees/", {"q": "0499370899"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == pk
    assert hq.delete(f"/api/v1/trainees/{pk}/").status_code == 204
    assert AuditEntry.objects.filter(object_id=str(pk), action="delete").exists()


def test_validation_errors_name_the_field_in_persian(hq) -> None:  # type: ignore[no-untyped-def]
    response = hq.post("/api/v1/trainees/", {"national_code": "1234567890", "first_name": "x", "last_name": "y",
                                             "sex": "F", "birth_date": "2090-01-01", "residence": "urban",
                                             "registered_unit": "IR-99"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "رقم کنترل" in " ".join(error["fields"]["national_code"])
    assert "registered_unit" in error["fields"]


def test_other_provinces_records_are_not_found_by_id(qazvin) -> None:  # type: ignore[no-untyped-def]
    foreign = TraineeFactory(registered_unit=ea_center())
    mine = TraineeFactory()
    assert qazvin.get(f"/api/v1/trainees/{foreign.pk}/").status_code == 404
    assert qazvin.patch(f"/api/v1/trainees/{foreign.pk}/", {"last_name": "x"}, format="json").status_code == 404
    assert qazvin.delete(f"/api/v1/trainees/{foreign.pk}/").status_code == 404
    ids = [r["id"] for r in qazvin.get("/api/v1/trainees/").json()["results"]]
    assert mine.pk in ids and foreign.pk not in ids
    assert qazvin.get("/api/v1/trainees/", {"q": foreign.national_code}).json()["count"] == 0
    moved = qazvin.post("/api/v1/trainees/", {"national_code": "0499370899", "first_name": "a", "last_name": "b",
                                              "sex": "M", "birth_date": "1990-01-01", "residence": "urban",
                                              "registered_unit": foreign.registered_unit.code}, format="json")
    # A unit outside the scope is answered as an unknown code (it does not say that the unit exists).
    assert moved.status_code == 400 and "registered_unit" in moved.json()["error"]["fields"]


def test_roles_without_the_right_get_403(django_user_model) -> None:  # type: ignore[no-untyped-def]
    viewer = api_for(django_user_model, "hq_viewer", "IR")
    assert viewer.get("/api/v1/trainees/").status_code == 200
    response = viewer.post("/api/v1/standards/", {"code": "1", "title": "t", "cluster": "ict", "theory_hours": 1,
                                                  "practice_hours": 1}, format="json")
    assert response.status_code == 403 and "اجازه" in response.json()["error"]["message"]


def test_course_runs_enrollments_and_the_period_lock(hq) -> None:  # type: ignore[no-untyped-def]
    unit = make_unit()
    std = StandardFactory(theory_hours=40, practice_hours=60)
    today = timezone.localdate()
    run = hq.post("/api/v1/course-runs/", {"code": "API-RUN-1", "unit": unit.code, "standard": std.code,
                                           "mode": "online", "start_date": (today - dt.timedelta(days=20)).isoformat(),
                                           "end_date": today.isoformat(), "capacity": 10}, format="json")
    assert run.status_code == 201, run.json()
    assert run.json()["hours"] == 100
    trainee = TraineeFactory()
    e = hq.post("/api/v1/enrollments/", {"course_run": "API-RUN-1", "trainee": trainee.national_code,
                                         "hours_attended": 101, "status": "completed"}, format="json")
    assert e.status_code == 400 and "hours_attended" in e.json()["error"]["fields"]
    e = hq.post("/api/v1/enrollments/", {"course_run": "API-RUN-1", "trainee": trainee.national_code,
                                         "hours_attended": 90, "status": "completed"}, format="json")
    assert e.status_code == 201
    dup = hq.post("/api/v1/enrollments/", {"course_run": "API-RUN-1", "trainee": trainee.national_code,
                                           "hours_attended": 90, "status": "completed"}, format="json")
    assert dup.status_code == 400
    old = CourseRunFactory(unit=unit, start_date=today - dt.timedelta(days=200), end_date=today - dt.timedelta(days=150))
    old_e = EnrollmentFactory(course_run=old, hours_attended=100)
    locked = hq.patch(f"/api/v1/enrollments/{old_e.pk}/", {"hours_attended": 50}, format="json")
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "period_deadline"


def test_commitments_scorecard_and_read_only_certificates(hq, qazvin) -> None:  # type: ignore[no-untyped-def]
    county = make_unit("county", name="آبیک")
    created = hq.post("/api/v1/commitments/", {"year": 1405, "unit": "IR-26", "indicator": "person_hours",
                                               "section": "public", "target": "1000"}, format="json")
    assert created.status_code == 201, created.json()
    refused = qazvin.post("/api/v1/commitments/", {"year": 1405, "unit": "IR-26", "indicator": "person_hours",
                                                   "section": "public", "target": "5"}, format="json")
    assert refused.status_code == 403
    assert hq.post("/api/v1/commitments/", {"year": 1405, "unit": county.code, "indicator": "nonsense",
                                            "section": "public", "target": "5"}, format="json").status_code == 400
    card = hq.get("/api/v1/scorecard/", {"year": 1405, "unit": "IR"}).json()
    assert len(card["rows"]) == 31 and card["total"]["commitment"] == 1000
    assert hq.get("/api/v1/scorecard/", {"year": "x"}).json()["error"]["fields"]["year"]
    assert qazvin.get("/api/v1/scorecard/", {"year": 1405, "unit": "IR-03"}).status_code == 404
    assert hq.post("/api/v1/certificates/", {}, format="json").status_code == 405


def test_every_list_endpoint_answers_and_paginates(hq) -> None:  # type: ignore[no-untyped-def]
    for name in ("units", "standards", "trainees", "trainers", "workshops", "course-runs", "enrollments",
                 "commitments", "test-sessions", "candidates", "certificates"):
        response = hq.get(f"/api/v1/{name}/")
        assert response.status_code == 200, name
        assert {"count", "results"} <= set(response.json())
    units = hq.get("/api/v1/units/", {"unit": "IR-26"}).json()
    assert units["count"] >= 1 and all(u["code"].startswith("IR-26") for u in units["results"])


def test_schema_and_local_docs(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/trainees/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower() and "/static/" in docs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["national_code", "first_name", "sex", "birth_date", "registered_unit",
                                        "income_decile", "target_groups", "residence"]),
                       st.one_of(st.text(max_size=30), st.integers(), st.none(), st.lists(st.text(max_size=5)),
                                 st.booleans(), st.floats(allow_nan=False, allow_infinity=False))))
def test_no_input_produces_a_server_error(hq, data) -> None:  # type: ignore[no-untyped-def]
    response = hq.post("/api/v1/trainees/", data, format="json")
    assert response.status_code in (201, 400, 403), response.content
    if response.status_code == 400:
        assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("body", [b"NaN", b"{", b"[1, 2]", b"{\"national_code\": Infinity}", b"\xff\xfe"])
def test_malformed_json_is_a_structured_400(hq, body: bytes) -> None:  # type: ignore[no-untyped-def]
    response = hq.generic("POST", "/api/v1/trainees/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("parse_error", "validation_error")
