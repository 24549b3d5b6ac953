"""Every supervision page, for each role that reaches it, in Persian and in English: no error behind a link the
page offers, no Persian interface text on an English page (stored data excepted), no Latin digits on a Persian
one (codes excepted). The platform's crawler (web/tests/test_crawl.py) is run from this app's pages, with records
in every state; its rules are judged on the page's own content (<main>), the menu being the crawl's own test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.factories import TODAY
from maharat.supervision import escalation
from maharat.supervision.services import checklist
from maharat.supervision.services import complaints as complaint_services
from maharat.web.tests.test_crawl import crawl, layout_and_language, menu_urls, read, stored_text

from .conftest import complaint_about, done, planned

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]


@pytest.fixture
def records(world: dict[str, Any]) -> dict[str, Any]:
    first = done(world, failing=2, internal_note="یادداشت")
    planned(world, follow_up_of=first)
    planned(world, where="neighbour", kind="unannounced")
    done(world, where="neighbour", failing=1)
    escalation.run(TODAY + dt.timedelta(days=30))
    answered = complaint_about(world)
    complaint_services.step(world["manager"], answered, "start")
    complaint_services.step(world["manager"], answered, "respond", "پاسخ داده شد.")
    complaint_about(world, category="safety")
    checklist.open_draft(world["hq_planner"])
    return world


def _main(page: Any) -> Any:
    html = page.html
    start, end = html.find("<main"), html.find("</main>")
    body = html[start:end + 7] if start >= 0 and end > start else html
    return read(page.url, page.status, "<nav></nav>" + body, page.language)


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("role", ["hq_planner", "hq_viewer", "manager", "expert", "institute_manager"])
def test_every_page_in_both_languages(records: dict[str, Any], role: str, language: str) -> None:
    client = Client()
    client.force_login(records[role])
    home = client.get(reverse("home")).content.decode()
    start = [u for u in menu_urls(home) if u.startswith("/supervision/")]
    pages, problems = crawl(client, start, language=language, full=True, limit=120)
    check = layout_and_language(stored_text())
    for page in pages:
        if page.url.startswith("/supervision/"):
            problems += check(_main(page))
    ours = [p for p in problems if "/supervision/" in p]
    assert len([p for p in pages if p.url.startswith("/supervision/")]) > 3
    assert not ours, "\n".join(sorted(set(ours))[:60])


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_public_pages_in_both_languages(world: dict[str, Any], language: str) -> None:
    c = complaint_about(world)
    client = Client()
    starts = [reverse("complaint_public"), reverse("complaint_public") + "?province=IR-26",
              reverse("complaint_track_code", args=[c.tracking_code]) + "?new=1"]
    pages, problems = crawl(client, starts, language=language, full=True, limit=10)
    check = layout_and_language(stored_text())
    for page in pages:
        if page.url.startswith("/supervision/"):
            problems += check(_main(page))
    assert not [p for p in problems if "/supervision/" in p]
