"""Fixtures shared by every app's tests."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.db import connection, transaction

from maharat.factories import TODAY, today_is
from maharat.org.models import Unit

T = TypeVar("T")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The heavy suites (marked `heavy`: the crawl in a browser, the long differential test) run on PostgreSQL,
    the production database: once in CI (.ci/run), where the suite runs on both. On the embedded SQLite they
    run only with MAHARAT_HEAVY=1, which keeps `make test` quick."""
    if connection.vendor == "postgresql" or os.environ.get("MAHARAT_HEAVY", "") not in ("", "0"):
        return
    skip = pytest.mark.skip(reason="heavy suite: runs on PostgreSQL (.ci/run), or with MAHARAT_HEAVY=1")
    for item in items:
        if item.get_closest_marker("heavy"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: its database is rolled back, so what an earlier test cached
    (verification verdicts, rate-limit counters) describes records that no longer exist."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _licensed_institutes(request: pytest.FixtureRequest) -> Iterator[None]:
    """A free institute a test creates is licensed, as every institute on record is since the licensing app
    came (its migration licensed them): tests of course runs, imports and the API at an institute are about
    those, not about licensing. A test about licensing itself says `@pytest.mark.unlicensed`."""
    if request.node.get_closest_marker("unlicensed"):
        yield
        return
    from django.db.models.signals import post_save

    def license_new(sender: type, instance: Unit, created: bool, raw: bool = False, **kwargs: Any) -> None:
        if created and not raw and instance.kind == "free_institute" and instance.province_id is not None:
            from maharat.institutes.factories import license_unit

            license_unit(instance)

    post_save.connect(license_new, sender=Unit, dispatch_uid="tests-license-institutes")
    try:
        yield
    finally:
        post_save.disconnect(sender=Unit, dispatch_uid="tests-license-institutes")


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    """The platform's clock reads maharat.factories.TODAY for this test (see today_is)."""
    with today_is(TODAY) as day:
        yield day


@pytest.fixture(scope="session")
def built_once(django_db_setup, django_db_blocker) -> Callable[[Callable[[], T]], contextlib.AbstractContextManager[T]]:  # type: ignore[no-untyped-def]
    """For a module-scoped fixture whose records many tests read: `with built_once(build) as result: yield
    result`. The records are built once, inside a transaction that stays open while the module's tests run
    (each in its own savepoint, rolled back after it) and is rolled back at the end, so no other test sees them.

    The deferred foreign-key checks of everything built are run once, straight after building. Otherwise
    PostgreSQL keeps them pending until commit, Django's test teardown runs them (SET CONSTRAINTS ALL
    IMMEDIATE) inside every test's savepoint, and rolling the savepoint back marks them pending again: the
    demo country's 180,000 enrollments cost 30-40 s of teardown per test."""

    @contextlib.contextmanager
    def keep(build: Callable[[], Any]) -> Iterator[Any]:
        with django_db_blocker.unblock(), transaction.atomic():
            result = build()
            connection.check_constraints()
            yield result
            transaction.set_rollback(True)

    return keep


@pytest.fixture
def qazvin(db) -> Unit:  # type: ignore[no-untyped-def]
    return Unit.objects.get(code="IR-26")


@pytest.fixture
def user(db, django_user_model):  # type: ignore[no-untyped-def]
    """An HQ planner: may do everything everywhere, like the national back office."""
    from maharat.access.models import Account

    user = django_user_model.objects.create_user("planner", password="a-long-test-password", is_staff=False)
    Account.objects.create(user=user, role="hq_planner", unit=Unit.objects.get(code="IR"))
    return user


@pytest.fixture
def client_in(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


# ------------------------------------------------------------------ real-browser tests (marked browser, serial)
REFERENCE_MIGRATIONS = [
    "maharat.org.migrations.0002_hq_and_provinces",
    "maharat.people.migrations.0002_target_groups",
    "maharat.catalog.migrations.0002_starter_catalog",
    "maharat.workdays.migrations.0002_holidays_1405_1406",
]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def reference_data(transactional_db):  # type: ignore[no-untyped-def]
    """The live server needs committed data, so these tests flush the database after themselves, reference
    data included; reload it from the same migration functions that install it."""
    from importlib import import_module

    from django.apps import apps

    for name in REFERENCE_MIGRATIONS:
        import_module(name).load(apps, None)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """Playwright driving Debian's chromium (never a downloaded browser)."""
    # Playwright's sync API runs an event loop in this thread; the ORM calls in these tests are ordinary
    # blocking calls, so Django's async-safety guard is lifted for the module's tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: `make test` installs it (scripts/ensure-system-packages.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
