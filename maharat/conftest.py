"""Fixtures shared by every app's tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.db import connection, transaction

from maharat.factories import TODAY, today_is
from maharat.org.models import Unit

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: its database is rolled back, so what an earlier test cached
    (verification verdicts, rate-limit counters) describes records that no longer exist."""
    from django.core.cache import cache

    cache.clear()
    yield


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
