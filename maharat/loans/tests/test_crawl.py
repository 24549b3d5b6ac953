"""The loans' pages crawled as each role, in Persian and in English, with loans in every state (the platform's
crawler, web/tests/test_crawl.py): no error behind a link the pages offer, the layout on each, no Latin digits in
Persian display text and no Persian in English display text (stored names and notes apart)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from maharat.loans import services
from maharat.web.tests.test_crawl import crawl, layout_and_language, stored_text

from .conftest import applied, approved, paid_out

pytestmark = pytest.mark.django_db

START = ("loan_list", "loan_overdue_list", "loan_totals", "loan_programme_list", "loan_create", "loan_programme_create")


@pytest.fixture
def every_state(world: dict[str, Any]) -> None:
    repaying = paid_out(world)
    services.record_repayment(world["expert"], repaying, on=dt.date(2026, 11, 20), amount=2_000_000, reference="R-1")
    applied(world, institute="neighbour")
    far = applied(world, by="other_expert", institute="far", amount=300_000_000)
    services.reject(world["other_manager"], far, reason="طرح ناقص است")
    approved(world, applied(world, by="other_expert", institute="far", amount=200_000_000), by="other_manager")


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("role", ["hq_planner", "hq_viewer", "manager", "expert", "institute_manager",
                                  "other_expert"])
def test_crawl(world: dict[str, Any], every_state: None, role: str, language: str) -> None:
    from maharat.factories import today_is

    client = Client()
    client.force_login(world[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    check = layout_and_language(stored_text())
    start = []
    for name in START:
        url = reverse(name)
        if client.get(url).status_code == 200:
            start.append(url)
    with today_is(dt.date(2027, 1, 20)):  # instalments late, so the overdue list has rows
        client.force_login(world[role])
        pages, problems = crawl(client, start, language=language, checks=[check], full=True, limit=80)
    assert len([p for p in pages if p.url.startswith("/loans/")]) >= 4
    # Only the loans' own pages are this app's to answer for (the crawl also reaches other apps' pages).
    problems = [p for p in problems if p.startswith("/loans/")]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:60])
