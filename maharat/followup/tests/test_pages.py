"""The pages in both languages, read as the platform's crawler reads every page (web/tests/test_crawl.py): no
Persian on an English page but stored data, no Latin digits on a Persian page but codes; every link they
offer opens; and the menu entry is shown to the roles that may open it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.factories import CourseRunFactory
from maharat.followup import reminders, selectors, services
from maharat.followup.models import FollowUp
from maharat.web.tests.test_crawl import _followed, layout_and_language, read, stored_text

from .conftest import raised

pytestmark = pytest.mark.django_db


@pytest.fixture
def lived(world: dict[str, Any], items: dict[str, FollowUp]) -> dict[str, FollowUp]:
    """Items in every state: answered, rejected, closed, cancelled, overdue and escalated, one with a source."""
    import datetime as dt

    from maharat.factories import today_is

    answered = services.respond(world["head"], items["mine"], "انجام شد؛ ۳ کپسول نصب شد")
    services.reject(world["hq_planner"], services.respond(world["manager"], items["province"], "انجام شد"), "ناقص")
    closed = raised(world, "manager", "center", title="بسته", owner_person=world["head"])
    services.verify(world["manager"], services.respond(world["head"], closed, "انجام شد"))
    services.cancel(world["hq_planner"], items["from_hq"], "تکراری")
    services.raise_item(world["manager"], owner_unit=world["center"], title="مدارک دوره", working_days=2,
                        source=CourseRunFactory(unit=world["center"]), description="خط اول\nخط ۲")
    with today_is(dt.date(2026, 12, 20)):
        reminders.run()
    return {"answered": answered, "closed": closed, **items}


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("role", ["head", "manager", "hq_planner", "expert", "hq_viewer"])
def test_every_page_in_both_languages(world: dict[str, Any], lived: dict[str, FollowUp], role: str,
                                      language: str) -> None:
    client = Client()
    client.force_login(world[role])
    start = [reverse("followup_list"), *(reverse("followup_list") + f"?tab={t}" for t in ("owed", "raised", "all")),
             *(item.get_absolute_url() for item in selectors.visible(world[role]))]
    if role in ("manager", "hq_planner", "expert"):
        start.append(reverse("followup_create"))
    pages, problems = own_pages(client, start, language)
    assert len(pages) > 5
    assert not problems, "\n".join(problems[:40])


OWN = ("/followups/", "/attachments/of/")


def stored_lines() -> re.Pattern[str] | None:
    """The crawler's stored data, and each line of the items' multi-line text: a description or a note is
    shown a line at a time (linebreaksbr), and each line is stored data as much as the whole."""
    whole = stored_text()
    lines = {line.strip() for item in FollowUp.objects.all()
             for text in (item.description, item.response_note, item.reject_reason, item.cancel_reason)
             for line in text.splitlines() if line.strip()}
    parts = ([whole.pattern] if whole is not None else []) + [re.escape(v) for v in sorted(lines, key=len, reverse=True)]
    return re.compile("|".join(parts)) if parts else None


def own_pages(client: Client, start: list[str], language: str) -> tuple[list[str], list[str]]:
    """The crawler's reading of each page, following only this app's links (and the attachments list of an
    item): every link must open, and the page must pass the crawler's layout and language check."""
    client.cookies["django_language"] = language
    check = layout_and_language(stored_lines())
    queue, seen, problems = list(start), set(), []
    while queue and len(seen) < 80:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        page = read(url, response.status_code, response.content.decode(), language)
        problems += check(page)
        queue += [u for u in (_followed(link) for link in page.links) if u and u.startswith(OWN) and "format=" not in u]
    return sorted(seen), problems


def test_the_english_form_and_its_errors(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["manager"])
    client.cookies["django_language"] = "en"
    page = client.post(reverse("followup_create"), {"owner_unit": "NOPE", "title": "ع" * 300, "working_days": "0"})
    html = page.content.decode()
    assert "Responsible unit" in html and "Deadline (working days)" in html
    assert "“Title”" in html and "at most 200 characters" in html and "Cannot be less than 1." in html
    assert "There is no unit with this code within your reach" in html


def test_the_menu_offers_follow_ups_to_those_who_may_open_them(world: dict[str, Any]) -> None:
    link = f'href="{reverse("followup_list")}"'
    for role, shown in (("head", True), ("manager", True), ("hq_viewer", True), ("institute_manager", True),
                        ("trainer", False), ("assessor", False), ("partner_viewer", False)):
        client = Client()
        client.force_login(world[role])
        html = client.get(reverse("home")).content.decode()
        nav = html[html.index('id="mainnav"'):html.index("</nav>")]
        assert (link in nav) == shown, role
