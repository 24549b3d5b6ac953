"""Schemathesis against the platform's own OpenAPI schema, in process: no input may produce a server error,
and every response must match the schema.

The schema is the one served at /api/schema/, plus the two public verification operations (plain Django
views, so drf-spectacular does not describe them). Each generated request goes to one of the nine roles,
signed in with a session cookie and a CSRF token like a browser, or is sent anonymously (the role is picked
from the request itself, so a replayed failure goes to the same role; SCHEMATHESIS_EVERY_ROLE=1 sends each
request as everyone). The phases are Schemathesis' own: examples, coverage and fuzzing (one test per
operation), then stateful (linked operations, as an HQ planner). Each case is rolled back after it, so all
start from the same small tree. PostgreSQL only: it is the production database, and the one that refuses
NUL bytes in text.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maharat_ci \\
        .venv/bin/pytest maharat/api/tests/test_schemathesis.py -q -p no:cacheprovider

Budget: SCHEMATHESIS_MAX_EXAMPLES generated cases per operation in the fuzzing phase and scenarios in the
stateful one (default 10; the examples and coverage phases are fixed by the schema, about 7,000 requests);
SCHEMATHESIS_MAX_SECONDS for the whole module (default 900: the operations still untested then are
skipped, saying so). SCHEMATHESIS_ROLES=hq_planner,... narrows the roles. At the end the number of
requests made is printed (run with -s to see it).
"""

from __future__ import annotations

import os
import sys
import time
import traceback
import zlib
from collections import Counter
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import Client
from django.test.client import ClientHandler
from django.utils import timezone
from django.utils.crypto import get_random_string

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="run on PostgreSQL, the production database (it refuses NUL bytes in text)"),
]

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
MAX_SECONDS = int(os.environ.get("SCHEMATHESIS_MAX_SECONDS", "900"))
ALL_ROLES = ("hq_planner", "hq_viewer", "provincial_manager", "provincial_expert", "center_head",
             "institute_manager", "trainer", "assessor", "partner_viewer")
EVERY_ROLE = os.environ.get("SCHEMATHESIS_EVERY_ROLE", "") == "1"
ROLES = tuple(r for r in os.environ.get("SCHEMATHESIS_ROLES", ",".join(ALL_ROLES)).split(",") if r)
CHECKS = [not_a_server_error, response_schema_conformance]
STATS: Counter[str] = Counter()
CLOCK: dict[str, float] = {}


def within_budget() -> None:
    if time.monotonic() > CLOCK.get("deadline", float("inf")):
        pytest.skip(f"the time budget (SCHEMATHESIS_MAX_SECONDS={MAX_SECONDS}) is spent")

# The public verification API is two plain Django views; describe them so that they are tested too.
VERIFY_PATHS: dict[str, Any] = {
    "/api/v1/verify/": {"post": {
        "operationId": "verify_payload", "security": [{}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "properties": {"payload": {}, "signature": {"type": "string"}}}}}},
        "responses": {
            "200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VerifyResult"}}}},
            "400": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VerifyError"}}}},
            "429": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VerifyError"}}}},
        },
    }},
    "/api/v1/verify/{serial}/": {"get": {
        "operationId": "verify_serial", "security": [{}],
        "parameters": [{"name": "serial", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {
            "200": {"description": "", "content": {"application/json": {"schema": {"type": "object"}}}},
            "429": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/VerifyError"}}}},
        },
    }},
}
VERIFY_COMPONENTS = {
    "VerifyResult": {"type": "object", "required": ["signature_valid", "status", "current"],
                     "properties": {"signature_valid": {"type": "boolean"}, "status": {"type": "string"},
                                    "current": {"type": "boolean"}, "certificate": {"type": ["object", "null"]}}},
    "VerifyError": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
}


class InProcessApp:
    """Django as a WSGI application inside the test's transaction, as django.test.Client runs it (the
    connection is not closed between requests). Counts requests and keeps the traceback of a server error."""

    def __init__(self) -> None:
        self.handler = ClientHandler(enforce_csrf_checks=True)
        self.last_error = ""

    def _on_exception(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        self.last_error = traceback.format_exc()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        STATS["requests"] += 1
        self.last_error = ""
        got_request_exception.connect(self._on_exception)
        try:
            response = self.handler(environ)
        finally:
            got_request_exception.disconnect(self._on_exception)
        STATS[f"status {response.status_code // 100}xx"] += 1
        headers = list(response.items())
        headers += [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        if response.streaming:
            return response.streaming_content
        return [response.content]


APP = InProcessApp()


def build_small_tree() -> dict[str, Any]:
    """A small tree under Qazvin with one of every record, and a user of every role."""
    from django.contrib.auth import get_user_model

    from maharat.access.models import Account
    from maharat.assessment import services as assessment_services
    from maharat.assessment.models import TestSession
    from maharat.factories import (
        CourseRunFactory,
        EnrollmentFactory,
        StandardFactory,
        TraineeFactory,
        TrainerFactory,
        WorkshopFactory,
        make_unit,
    )
    from maharat.org.models import Unit
    from maharat.plans.models import Commitment

    hq, qazvin = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-26")
    county = make_unit("county", parent=qazvin, name="شهرستان آزمون")
    center = make_unit(parent=county, name="مرکز آزمون")
    institute = make_unit("free_institute", parent=county, name="آموزشگاه آزمون")
    partner = make_unit("partner", parent=qazvin, name="شریک آزمون")
    standard = StandardFactory()
    run = CourseRunFactory(unit=center, standard=standard, hours=120)
    trainee = TraineeFactory(registered_unit=center, referred_by=partner)
    EnrollmentFactory(course_run=run, trainee=trainee, hours_attended=120)
    TrainerFactory(home_unit=center)
    WorkshopFactory(unit=center)
    Commitment.objects.create(year=1404, unit=qazvin, indicator="person_hours", section="public", target=1000)
    units = {"hq_planner": hq, "hq_viewer": hq, "provincial_manager": qazvin, "provincial_expert": qazvin,
             "center_head": center, "institute_manager": institute, "trainer": center, "assessor": center,
             "partner_viewer": partner}
    users = {}
    for role, unit in units.items():
        user = get_user_model().objects.create_user(f"st-{role}", password="schemathesis-pass-1")
        Account.objects.create(user=user, role=role, unit=unit)
        users[role] = user
    session = TestSession.objects.create(code="ST-1", standard=standard, assessor_unit=center,
                                         held_on=timezone.localdate())
    candidate = assessment_services.register_candidate(user=users["hq_planner"], session=session, trainee=trainee)
    candidate = assessment_services.record_result(user=users["hq_planner"], candidate=candidate, theory=80, practice=90)
    assessment_services.issue(user=users["hq_planner"], candidate=candidate)
    return users


def signed_in(user: Any) -> dict[str, Any]:
    """The cookies and header a browser holds after signing in: a session and a CSRF token."""
    client = Client()
    client.force_login(user)
    secret = get_random_string(32)
    return {"cookies": {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                        django_settings.CSRF_COOKIE_NAME: secret},
            "headers": {"X-CSRFToken": secret}}


def config() -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": int(os.environ.get("SCHEMATHESIS_SEED", "1405")),
        "generation": {"max-examples": MAX_EXAMPLES, "mode": "all", "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True},
                   "stateful": {"enabled": True}},
        "suppress-health-check": ["all"],
    })


@pytest.fixture
def sessions(db, settings, monkeypatch) -> dict[str | None, dict[str, Any]]:  # type: ignore[no-untyped-def]
    from rest_framework.throttling import UserRateThrottle

    # The rate limits are tested elsewhere; here they would answer 429 and hide the rest.
    settings.MAHARAT_VERIFY_RATE = 10**9
    monkeypatch.setattr(UserRateThrottle, "allow_request", lambda self, request, view: True)
    users = build_small_tree()
    return {None: {"cookies": {}, "headers": {}}, **{role: signed_in(users[role]) for role in ROLES}}


def platform_schema() -> dict[str, Any]:
    """What /api/schema/ serves (drf-spectacular's generator), with the verification operations added."""
    from drf_spectacular.generators import SchemaGenerator

    raw = SchemaGenerator().get_schema(request=None, public=True)
    raw["paths"].update(VERIFY_PATHS)
    raw.setdefault("components", {}).setdefault("schemas", {}).update(VERIFY_COMPONENTS)
    return raw


# Loaded when the module is collected (no database needed); the requests go to APP, in process.
schema = schemathesis.openapi.from_dict(platform_schema(), config=config())
schema.app = APP


def test_the_schema_is_the_one_served(client) -> None:  # type: ignore[no-untyped-def]
    served = client.get("/api/schema/?format=json").json()
    assert set(served["paths"]) == set(schema.raw_schema["paths"]) - set(VERIFY_PATHS)


def roles_for(case: Any, sessions: dict[str | None, dict[str, Any]]) -> list[str | None]:
    """Every role, or (the default budget) one picked from the case itself, so that a replayed or shrunk
    case goes to the same role again."""
    everyone = list(sessions)
    if EVERY_ROLE:
        return everyone
    key = repr((case.method, case.path, case.path_parameters, case.query, case.body)).encode()
    return [everyone[zlib.crc32(key) % len(everyone)]]


def call_and_check(case: Any, sessions: dict[str | None, dict[str, Any]]) -> None:
    within_budget()
    meta = getattr(case, "_meta", None)
    STATS[f"phase {getattr(getattr(meta, 'phase', None), 'name', '?')}"] += 1
    for role in roles_for(case, sessions):
        credentials = sessions[role]
        with transaction.atomic():  # each case starts from the same tree: a failure replays the same way
            response = case.call(headers=credentials["headers"], cookies=credentials["cookies"])
            transaction.set_rollback(True)
        try:
            case.validate_response(response, checks=CHECKS)
        except Exception:
            STATS["failing responses"] += 1
            # Shown under "Captured stderr" of the failing test: who asked, and the server's traceback.
            sys.stderr.write(f"as {role or 'anonymous'}: {case.method} {case.formatted_path} {case.query}\n"
                             f"{APP.last_error}\n")
            raise


@schema.parametrize()
@hypothesis_settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_server_error_and_responses_match_the_schema(case, sessions) -> None:  # type: ignore[no-untyped-def]
    call_and_check(case, sessions)


def test_stateful(sessions) -> None:  # type: ignore[no-untyped-def]
    """Sequences of linked operations (create, then read, change and delete what was created)."""
    Machine = schema.as_state_machine()

    class Linked(Machine):  # type: ignore[misc, valid-type]
        role: str | None = "hq_planner"

        def setup(self) -> None:  # each scenario starts from the same tree
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def call(self, case: Any, **kwargs: Any) -> Any:
            within_budget()
            credentials = sessions.get(self.role) or sessions[None]
            return case.call(headers=credentials["headers"], cookies=credentials["cookies"], **kwargs)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception:
                STATS["failing responses"] += 1
                sys.stderr.write(f"{case.method} {case.formatted_path}\n{APP.last_error}\n")
                raise

    Linked.run(settings=hypothesis_settings(max_examples=max(1, MAX_EXAMPLES), deadline=None, database=None,
                                            suppress_health_check=list(HealthCheck), stateful_step_count=6))


@pytest.fixture(scope="module", autouse=True)
def _report() -> Any:
    CLOCK["deadline"] = time.monotonic() + MAX_SECONDS
    yield
    if STATS:
        print("\nschemathesis:", ", ".join(f"{k}={v}" for k, v in sorted(STATS.items())))
