"""Fixtures shared by every app's tests."""

from __future__ import annotations

import pytest

from maharat.org.models import Unit


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache: its database is rolled back, so what an earlier test cached
    (verification verdicts, rate-limit counters) describes records that no longer exist."""
    from django.core.cache import cache

    cache.clear()
    yield


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
