"""Every page and API address, asked for by a signed-in HQ planner and a provincial manager with hostile
values in the query and the path, answers 200, a redirect or a 4xx: never a server error, never a traceback.

The addresses are read from the URL configuration itself (django.urls.get_resolver), so a new page is
probed as soon as it exists. Path parameters are filled with real codes and ids from a small tree, and with
hostile ones (0, a huge number, NOPE, SQL, Persian digits); each real address is then asked again with each
hostile query below.

A fuzzing suite, so it runs once, on PostgreSQL (marked heavy), on a fixed budget: each address gets its
plain request, QUERIES_PER_ROUTE of the hostile queries and two of the hostile values per path parameter, the
queries and values rotating over the addresses so that every one of them is still sent (about a quarter of
the full matrix's 4,000 requests a role). `make fuzz` (MAHARAT_FUZZ=full) sends the full matrix.
"""

from __future__ import annotations

import os
import re
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from maharat.access.models import Account
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

pytestmark = pytest.mark.django_db

LONG = "ش" * 3000 + "x" * 3000
SQL = "'; DROP TABLE org_unit; --"
# Each is sent on its own: a value refused early (an unknown unit, a NUL) would hide the others.
HOSTILE_QUERIES: list[dict[str, str] | str] = [
    {"year": "0"},
    {"year": "99999"},
    {"year": "-1"},
    {"year": "۱۴۰۳", "page": "۲"},
    {"year": "9" * 5000},
    {"page": "0"},
    {"page": "999999999"},
    {"page": "-1", "per_page": "-1"},
    {"q": "\x00"},
    "q=%00",  # the raw query string: decodes to a NUL
    {"q": "%00"},  # the text "%00"
    {"q": LONG},
    {"q": SQL, "unit": SQL},
    {"q": "۱۲۳۴۵۶۷۸۹۰ ي ك"},
    {"unit": "NOPE"},
    {"unit": "IR-26", "year": "0", "month": "13", "indicator": "NOPE", "section": "NOPE", "sort": "NOPE",
     "margin": "nan", "format": "NOPE"},
    {"margin": "1e400", "sort": "-" + LONG, "kind": "NOPE", "parent": "NOPE", "serial": SQL, "session": SQL,
     "course_run": SQL},
    {"since": "9999/99/99", "until": "0000/00/00", "username": SQL, "action": "NOPE"},
    {"since": "1403/13/40", "until": "۱۵۰۱/۰۱/۰۱"},
    {"since": "9999/01/01", "until": "0100/01/01", "held_on": "0206-10-02"},
    {"next": "https://evil.example/", "status": "NOPE", "mode": "NOPE", "o": "NOPE", "p": "-1"},
]
# For addresses that are slow to answer (PDFs, the schema) or that only redirect us (the admin, for
# non-staff): the queries that reach the most code.
FEW_QUERIES = [{"year": "0"}, "q=%00", {"page": "999999999", "unit": "NOPE"}]
SLOW_SECONDS = 0.25
FULL = os.environ.get("MAHARAT_FUZZ") == "full"
QUERIES_PER_ROUTE = 3
VALUES_PER_PARAM = 2
HOSTILE_INTS = ["0", "999999999", "9223372036854775808"]
HOSTILE_TEXT = ["NOPE", SQL, "۱۴۰۳", "x" * 300]


@dataclass(frozen=True)
class Route:
    parts: tuple[Any, ...]  # the patterns from the root to the view
    name: str | None
    callback: Any

    @property
    def label(self) -> str:
        return "".join(str(p) for p in self.parts)

    def params(self) -> dict[str, str]:
        """Parameter name -> converter name ('int', 'str', 'path', ... or 'regex')."""
        found: dict[str, str] = {}
        for part in self.parts:
            if isinstance(part, RoutePattern):
                for match in re.finditer(r"<(?:(\w+):)?(\w+)>", str(part)):
                    found[match.group(2)] = match.group(1) or "str"
            elif isinstance(part, RegexPattern):
                for name in part.regex.groupindex:
                    found[name] = "regex"
        return found

    def build(self, values: dict[str, str]) -> str:
        path = ""
        for part in self.parts:
            text = str(part)
            if isinstance(part, RoutePattern):
                text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], text)
            elif isinstance(part, RegexPattern):
                text = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", lambda m: values[m.group(1)], text)
                text = text.lstrip("^").rstrip("$").replace("\\.", ".").replace("/?", "/")
            path += text
        return "/" + path


def routes(patterns: list[Any] | None = None, parts: tuple[Any, ...] = ()) -> Iterator[Route]:
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, (*parts, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Route((*parts, entry.pattern), entry.name, entry.callback)


def model_of(route: Route) -> Any:
    """The model a view shows, to fill its pk with a real one."""
    view = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    model = getattr(view, "model", None)
    if model is None and getattr(view, "serializer_class", None) is not None:
        model = getattr(getattr(view.serializer_class, "Meta", None), "model", None)
    if model is None:
        from maharat.assessment.models import Certificate, TestSession
        from maharat.training.models import CourseRun

        name = route.name or ""
        model = next((m for prefix, m in (("testsession", TestSession), ("certificate", Certificate),
                                          ("courserun", CourseRun)) if name.startswith(prefix)), None)
    return model


@pytest.fixture
def tree(django_user_model) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A small tree under Qazvin with one record of each kind, a certificate, and the two users."""
    from maharat.assessment import services as assessment_services
    from maharat.assessment.models import TestSession
    from maharat.plans.models import Commitment

    hq, qazvin = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-26")
    county = make_unit("county", parent=qazvin, name="شهرستان آزمون")
    center = make_unit(parent=county, name="مرکز آزمون")
    standard = StandardFactory()
    run = CourseRunFactory(unit=center, standard=standard, hours=120)
    trainee = TraineeFactory(registered_unit=center)
    EnrollmentFactory(course_run=run, trainee=trainee, hours_attended=120)
    TrainerFactory(home_unit=center)
    WorkshopFactory(unit=center)
    Commitment.objects.create(year=1404, unit=qazvin, indicator="person_hours", section="public", target=1000)
    users = {}
    for role, unit in (("hq_planner", hq), ("provincial_manager", qazvin)):
        user = django_user_model.objects.create_user(f"hostile-{role}", password="hostile-pass-123")
        Account.objects.create(user=user, role=role, unit=unit)
        users[role] = user
    session = TestSession.objects.create(code="HQ-1", standard=standard, assessor_unit=center,
                                         held_on=timezone.localdate())
    candidate = assessment_services.register_candidate(user=users["hq_planner"], session=session, trainee=trainee)
    candidate = assessment_services.record_result(user=users["hq_planner"], candidate=candidate, theory=90, practice=90)
    certificate = assessment_services.issue(user=users["hq_planner"], candidate=candidate)
    return {"users": users, "run": run, "serial": certificate.serial}


def real_values(route: Route, tree: dict[str, Any]) -> dict[str, str]:
    model = model_of(route)
    pk = model.objects.order_by("pk").values_list("pk", flat=True).first() if model is not None else None
    values = {"pk": str(pk or 1), "run": str(tree["run"].pk), "code": "IR-26", "year": "1404", "month": "1",
              "action": "submit", "indicator": "person_hours", "section": "public", "kind": "trainees",
              "serial": tree["serial"], "format": "json", "object_id": "1", "app_label": "org", "url": "nope/"}
    return {name: values.get(name, "1" if conv == "int" else "x") for name, conv in route.params().items()}


def rotating(items: list[Any], index: int, share: int) -> list[Any]:
    """`share` of `items` for the index-th address, moving on by `share` each address: over enough addresses
    every item is taken. All of them in the full run."""
    if FULL or share >= len(items):
        return items
    return [items[(index * share + j) % len(items)] for j in range(share)]


def hostile_paths(route: Route, tree: dict[str, Any], index: int = 0) -> Iterator[str]:
    real = real_values(route, tree)
    for name, conv in route.params().items():
        values = HOSTILE_INTS if conv == "int" else [*HOSTILE_TEXT, *HOSTILE_INTS[:1]]
        for value in rotating(values, index, VALUES_PER_PARAM):
            if name == "year" and value == "0":
                yield route.build({**real, name: value, "month": "13"})
            yield route.build({**real, name: value})


class Probe:
    """Sends the requests and keeps every failing one, with the server's traceback."""

    def __init__(self, user: Any) -> None:
        self.client = Client(raise_request_exception=False)
        self.client.force_login(user)
        self.failures: list[str] = []
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.error = ""

    def _on_exception(self, sender: Any, **kwargs: Any) -> None:
        self.error = traceback.format_exc()

    def get(self, path: str, query: dict[str, str] | str | None = None) -> None:
        self.requests += 1
        self.error = ""
        got_request_exception.connect(self._on_exception)
        try:
            if isinstance(query, str):
                response = self.client.get(path, QUERY_STRING=query)
            else:
                response = self.client.get(path, query or {})
        finally:
            got_request_exception.disconnect(self._on_exception)
        self.statuses[response.status_code] += 1
        body = b"" if getattr(response, "streaming", False) else response.content
        shown = f"GET {path} {query if isinstance(query, str) else {k: v[:40] for k, v in (query or {}).items()}}"
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {shown}\n{self.error.strip().splitlines()[-1:]}")
        elif b"Traceback (most recent call last)" in body:
            self.failures.append(f"traceback shown: {shown}")


@pytest.mark.heavy
@pytest.mark.parametrize("role", ["hq_planner", "provincial_manager"])
def test_no_address_fails_on_hostile_input(tree, role, settings, capsys) -> None:  # type: ignore[no-untyped-def]
    settings.MAHARAT_VERIFY_RATE = 10**9  # the public pages' rate limit would answer 429 and hide the rest
    probe = Probe(tree["users"][role])
    probed = 0
    sent: set[int] = set()  # which of HOSTILE_QUERIES went out
    for route in routes():
        if route.label.startswith(("accounts/logout", "i18n/")):
            continue  # signing out would end the probe's session; the language switch only redirects
        probed += 1
        path = route.build(real_values(route, tree))
        started = time.perf_counter()
        probe.get(path)
        slow = time.perf_counter() - started > SLOW_SECONDS or route.label.startswith("admin/")
        if slow:
            queries = FEW_QUERIES
        else:
            queries = rotating(HOSTILE_QUERIES, probed, QUERIES_PER_ROUTE)
            sent.update(HOSTILE_QUERIES.index(q) for q in queries)
        for query in queries:
            probe.get(path, query)
        for hostile in hostile_paths(route, tree, probed):
            probe.get(hostile)
    with capsys.disabled():
        print(f"\nhostile queries ({role}): {probed} URL patterns, {probe.requests} requests, "
              f"{len(probe.failures)} failures; answers {dict(sorted(probe.statuses.items()))}")
    assert probed > 50
    assert sent == set(range(len(HOSTILE_QUERIES))), "the budget left hostile queries unsent"
    assert not probe.failures, "\n".join(probe.failures)


def test_every_address_answers_in_english_too(tree, settings) -> None:  # type: ignore[no-untyped-def]
    """The English catalogue's texts are format strings too: a stray % there is a server error in English only."""
    from django.conf import settings as django_settings

    settings.MAHARAT_VERIFY_RATE = 10**9
    probe = Probe(tree["users"]["hq_planner"])
    probe.client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    for route in routes():
        if not route.label.startswith(("accounts/logout", "i18n/", "admin/")):
            probe.get(route.build(real_values(route, tree)))
    assert not probe.failures, "\n".join(probe.failures)


def test_period_close_never_redirects_elsewhere(tree, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(tree["users"]["hq_planner"])
    for target in ("https://evil.example/", "//evil.example/", "\\\\evil.example", "javascript:alert(1)"):
        response = client.post("/periods/close/", {"year": "1404", "month": "1", "next": target})
        assert response.status_code == 302 and response["Location"] == "/", target
    response = client.post("/periods/close/", {"year": "0", "month": "1", "next": "/periods/IR-26/?year=1404"})
    assert response["Location"] == "/periods/IR-26/?year=1404"


def test_posted_years_out_of_range_are_not_saved(tree, client) -> None:  # type: ignore[no-untyped-def]
    from maharat.plans.models import Commitment

    client.force_login(tree["users"]["hq_planner"])
    before = Commitment.objects.count()
    for year in ("0", "99999", "-1"):
        response = client.post(f"/commitments/IR-26/?year={year}", {"indicator": "person_hours", "section": "public",
                                                                   "target": "10"})
        assert response.status_code < 500
    assert not Commitment.objects.exclude(year__range=(1300, 1500)).exists()
    assert Commitment.objects.count() == before  # refused, not saved under another year


def test_every_export_answers_for_both_roles(tree, client) -> None:  # type: ignore[no-untyped-def]
    from maharat.kit.importing import KINDS as IMPORTERS

    for role in ("hq_planner", "provincial_manager"):
        client.force_login(tree["users"][role])
        for kind in IMPORTERS:
            response = client.get(f"/import/export/{kind}/")
            assert response.status_code == 200, (role, kind, response.status_code)


def test_nul_and_deep_json_are_refused_with_the_structured_error(tree, client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/v1/verify/MH-0000/", {"q": "a\x00b"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/verify/", deep, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "too_deep"
    nested: Any = {"serial": "x"}
    for _ in range(40):
        nested = {"a": nested}
    response = client.post("/api/v1/verify/", {"payload": nested, "signature": "x"}, content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/v1/verify/", {"payload": {"a": [[[[[[[[[1]]]]]]]]]}, "signature": "x"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["signature_valid"] is False
    client.force_login(tree["users"]["hq_planner"])
    response = client.get("/monitoring/", {"q": "\x00"})
    assert response.status_code == 400


def test_period_actions_on_periods_that_do_not_exist(tree, client) -> None:  # type: ignore[no-untyped-def]
    client.force_login(tree["users"]["provincial_manager"])
    for year, month in ((0, 1), (99999, 1), (1404, 13), (1404, 0)):
        response = client.post(f"/periods/IR-26/{year}/{month}/approve/")
        assert response.status_code == 404, (year, month, response.status_code)


def test_the_api_refuses_out_of_range_values_with_the_structured_error(tree) -> None:  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(tree["users"]["hq_planner"])
    for path in ("/api/v1/scorecard/?year=0", "/api/v1/scorecard/?year=99999", "/api/v1/course-runs/?year=0",
                 "/api/v1/commitments/?year=-1", "/api/v1/scorecard/?year=abc"):
        response = api.get(path)
        assert response.status_code == 400, path
        assert "year" in response.json()["error"]["fields"], path
    assert api.get("/api/v1/scorecard/?year=۱۴۰۴&unit=IR").status_code == 200
    created = api.post("/api/v1/units/", {"code": "IR-90", "kind": "province", "name": "استان آزمون", "parent": "IR"},
                      format="json")
    assert created.status_code == 201 and created.json()["id"] and created.json()["province"] is None
    orphan = api.post("/api/v1/units/", {"code": "ZZ-1", "kind": "county", "name": "بی‌والد"}, format="json")
    assert orphan.status_code == 400 and "parent" in orphan.json()["error"]["fields"]
    for body in ({"year": 0}, {"year": 99999}, {"reported": "-5"}, {"target": "-1"}):
        data = {"year": 1404, "unit": "IR-26", "indicator": "person_hours", "section": "public", "target": "5", **body}
        response = api.post("/api/v1/commitments/", data, format="json")
        assert response.status_code == 400, body
    session = {"code": "T-OLD", "standard": StandardFactory().code, "assessor_unit": "IR-26", "held_on": "0206-10-02"}
    response = api.post("/api/v1/test-sessions/", session, format="json")
    assert response.status_code == 400 and "held_on" in response.json()["error"]["fields"]
    assert api.get("/api/v1/units/", {"unit": "IR\x00"}).status_code == 400
    assert api.post("/api/v1/trainees/", {"registered_unit": "IR\x00"}, format="json").status_code == 400
