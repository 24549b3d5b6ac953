"""Two application processes on one PostgreSQL database serve the same figures (docs/deployment.md)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes share PostgreSQL, not the embedded SQLite file")
def test_a_second_process_serves_the_same_scorecard(live_server, django_user_model) -> None:  # type: ignore[no-untyped-def]
    import json

    from maharat.access.models import Account
    from maharat.access.tokens import issue
    from maharat.common import jalali
    from maharat.factories import CourseRunFactory, EnrollmentFactory, make_unit
    from maharat.org.models import Unit

    hq = Unit.objects.get_or_create(code="IR", defaults={"name": "ستاد", "kind": "hq", "path": "IR/", "depth": 0})[0]
    if not Unit.objects.filter(code="IR-26").exists():  # transactional tests start from a flushed database
        from importlib import import_module

        from django.apps import apps

        import_module("maharat.org.migrations.0002_hq_and_provinces").load(apps, None)
    user = django_user_model.objects.create_user("two-proc", password="two-process-pass")
    Account.objects.create(user=user, role="hq_planner", unit=hq)
    token = issue(user)[1]
    run = CourseRunFactory(unit=make_unit(), hours=100)
    EnrollmentFactory(course_run=run, hours_attended=70)
    year = jalali.from_gregorian(run.end_date).year

    port = free_port()
    settings = connection.settings_dict
    url = f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "maharat.config.settings.test",
           "DJANGO_ALLOW_ASYNC_UNSAFE": ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE")
    second = subprocess.Popen([sys.executable, "-m", "maharat.cli", "runserver", "--noreload", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def get(base: str) -> dict:
            request = urllib.request.Request(f"{base}/api/v1/scorecard/?year={year}&unit=IR",
                                             headers={"Authorization": f"Token {token}"})
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())

        for _ in range(100):  # wait for the second process to listen
            try:
                get(f"http://127.0.0.1:{port}")
                break
            except OSError:
                time.sleep(0.2)
        first, other = get(live_server.url), get(f"http://127.0.0.1:{port}")
        assert first == other and first["total"]["achieved"] == 70
        EnrollmentFactory(course_run=run, hours_attended=30)  # a write through this process ...
        assert get(f"http://127.0.0.1:{port}")["total"]["achieved"] == 100  # ... is seen at once by the other
        assert get(live_server.url) == get(f"http://127.0.0.1:{port}")
    finally:
        second.terminate()
        second.wait(timeout=10)
