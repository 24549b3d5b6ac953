"""The crawler: signed in as each role, in Persian and in English, follow every menu link and the links of
each page reached, and fail on

- an error status (400 or above) behind a link the platform itself offered;
- a page without the layout (no `<nav`);
- Persian letters in an English page's display text;
- Latin digits in a Persian page's display text.

Display text is what a reader sees: scripts, styles, SVG, attributes, URLs, and what is marked as not being
text of the page's language are left out first — `dir="ltr"` spans, `<code>`, `<bdi>` and `<kbd>` (codes
and serials are shown as stored, Latin, on every page: see the `code` filter), and elements whose `lang`
says they are in the other language (the language switch: «فارسی» on English pages, «English» on Persian).
A code a page shows without marking it is still recognised by its shape (common/persian.py CODE_SHAPE).

The allow-list on English pages is stored data that has no English form: values of the platform's text
columns (people's and units' names, workshop names, notes...), except where the model keeps an English
twin (a unit's name_en, a standard's title_en, a target group's name_en) — there the English one must be
shown. Interface text (labels, choices, months, messages) is never stored, so it is never allowed.

`crawl(...)` is reusable (the accessibility checks call it with their own `check`). In CI the crawl is
bounded: every URL pattern once per role and language (and at most PER_PAGE links from a page).
`CRAWL_FULL=1` follows every distinct URL, up to FULL_LIMIT pages per role and language.

pending_list: a leak whose fix lies in a file another change is working on may be reported as a warning until
that fix lands; each entry names the fix, and is deleted with it. The list is empty: every leak fails the test.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from django.conf import settings
from django.db import connection, models
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from maharat.common.persian import CODE_SHAPE  # codes are shown as stored (Latin): not display digits

FULL = os.environ.get("CRAWL_FULL", "") not in ("", "0")
PER_PAGE = 400 if FULL else 60
FULL_LIMIT = 3000

PERSIAN_LETTERS = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF]")
PERSIAN_WORD = re.compile(r"[\u0600-\u06FF\uFB50-\uFDFF\uFE70-\uFEFF\u200c]+")
LATIN_DIGITS = re.compile(r"[0-9]")
URLS = re.compile(r"(?:https?://|www\.)\S+|(?<!\w)/[\w\-./?=&%]+")

# Never followed: sign-out, the back office (Django's own English/Persian admin), the language switch,
# static files, the API (JSON), and downloads (xlsx/csv/pdf exports are checked by their own tests).
SKIP_PREFIXES = ("/accounts/logout/", "/admin/", "/i18n/", "/static/", "/api/", "/favicon.ico", "/media/")
SKIP_QUERY = ("format", "export", "download")
DOWNLOADS = (".pdf", ".xlsx", ".csv", ".zip")  # followed in the full crawl only (slow to render)
SKIP_ELEMENTS = {"script", "style", "svg", "code", "bdi", "kbd", "samp", "template", "noscript", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
        "wbr"}


@dataclass
class Page:
    url: str
    status: int
    html: str
    language: str
    text: list[tuple[str, str]] = field(default_factory=list)  # display text nodes: (innermost element, text)
    links: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    """Text nodes a reader sees, and the same-site links."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from the check)
        self.text: list[tuple[str, str]] = []
        self.links: list[str] = []

    def _hidden(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag in VOID:
            return
        lang = (found.get("lang") or "").split("-")[0]
        # dir="ltr" marks a code inside a Persian page; an English page is left to right throughout.
        code_span = self.language == "fa" and tag != "html" and found.get("dir") == "ltr"
        hidden = (self._hidden() or tag in SKIP_ELEMENTS or code_span or (bool(lang) and lang != self.language))
        self.stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):  # tolerate unclosed elements (<li>, <p>)
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.text.append((self.stack[-1][0] if self.stack else "", " ".join(data.split())))


def read(url: str, status: int, html: str, language: str) -> Page:
    reader = _Reader(language)
    reader.feed(html)
    return Page(url, status, html, language, reader.text, reader.links)


# ------------------------------------------------------------------------------------------- the checks
Problem = str
Check = Callable[[Page], list[Problem]]


def stored_text() -> re.Pattern[str] | None:
    """Stored values with Persian letters that have no English form (see the module's docstring), as one
    pattern, longest first."""
    from django.apps import apps

    twins = {("org", "unit", "name"): "name_en", ("catalog", "standard", "title"): "title_en",
             ("people", "targetgroup", "name"): "name_en"}
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("maharat."):
            continue
        for f in model._meta.concrete_fields:
            if not isinstance(f, (models.CharField, models.TextField)) or f.choices:
                continue
            qs = model._default_manager.exclude(**{f.name: ""})
            twin = twins.get((model._meta.app_label, model._meta.model_name, f.name))
            if twin:
                qs = qs.filter(**{twin: ""})
            values.update(v for v in qs.values_list(f.name, flat=True).distinct()[:50000] if v
                          and PERSIAN_LETTERS.search(v))
    from django.contrib.auth import get_user_model

    # People's names also appear one word at a time and in other orders ("first last", "last، first").
    names = {v for model, fields in _people(get_user_model()) for f in fields
             for v in model._default_manager.exclude(**{f: ""}).values_list(f, flat=True).distinct()}
    words = values | {w for v in names for w in PERSIAN_WORD.findall(v)}
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def _people(user_model: Any) -> list[tuple[Any, tuple[str, ...]]]:
    from maharat.people.models import Trainee, Trainer

    person = ("first_name", "last_name")
    return [(user_model, person), (Trainee, (*person, "father_name")), (Trainer, person)]


@dataclass(frozen=True)
class Pending:
    """A leak found by the crawl whose fix lies in a file of another part of the platform: reported as a
    warning, not a failure, until the fix lands — then the entry is deleted. Keep this list short."""

    name: str
    fix: str
    applies: Callable[[Page, str, str, str], bool]  # (page, problem kind "en"/"fa"/"status", element, text)


def _route(page_or_url: Page | str) -> str:
    url = page_or_url.url if isinstance(page_or_url, Page) else page_or_url
    try:
        return resolve(urlsplit(url).path).route
    except Resolver404:
        return ""


def pending_list() -> list[Pending]:
    """Leaks known but not fixed yet (each entry names its fix, and is deleted with it): none now. An entry's
    `applies` may use _route(page) to name the pages it covers."""
    return []


def layout_and_language(allowed_data: re.Pattern[str] | None, pending: Iterable[Pending] = (),
                        postponed: list[Problem] | None = None) -> Check:
    """The layout, and the page's language; problems that a `pending` entry covers go to `postponed`."""
    pending = list(pending)

    def report(problems: list[Problem], page: Page, kind: str, tag: str, text: str, message: str) -> None:
        for entry in pending:
            if entry.applies(page, kind, tag, text):
                if postponed is not None:
                    postponed.append(f"{message} — pending: {entry.name}")
                return
        problems.append(message)

    def check(page: Page) -> list[Problem]:
        problems: list[Problem] = []
        if "<nav" not in page.html:
            problems.append(f"{page.url}: no layout (<nav>)")
        for tag, node in page.text:
            shown = URLS.sub(" ", node)
            if page.language == "en" and PERSIAN_LETTERS.search(shown):
                rest = allowed_data.sub(" ", shown) if allowed_data is not None else shown
                if PERSIAN_LETTERS.search(rest):
                    report(problems, page, "en", tag, shown, f"{page.url} [en]: Persian text «{node[:120]}»")
            if page.language == "fa" and LATIN_DIGITS.search(CODE_SHAPE.sub(" ", shown)):
                report(problems, page, "fa", tag, shown, f"{page.url} [fa]: Latin digits «{node[:120]}»")
        return problems

    return check


# ------------------------------------------------------------------------------------------- the crawl
def pattern_of(url: str) -> str:
    """The URL pattern and the names of its query parameters: the unit of the bounded crawl."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
        name = match.route or match.url_name or parts.path
    except Resolver404:
        name = parts.path
    return name + "?" + ",".join(sorted({k for k, _v in parse_qsl(parts.query)}))


def _followed(href: str) -> str | None:
    href, _frag = urldefrag(href.strip())
    if not href.startswith("/") or href.startswith("//"):
        return None  # another site, mailto:, javascript:, a fragment
    parts = urlsplit(href)
    if parts.path.startswith(SKIP_PREFIXES):
        return None
    if any(k in SKIP_QUERY for k, _v in parse_qsl(parts.query)):
        return None
    if parts.path.endswith(DOWNLOADS) and not FULL:
        return None
    return href


def crawl(client: Client, start: Iterable[str], *, language: str, checks: Iterable[Check] = (),
          pending: Iterable[Pending] = (), postponed: list[Problem] | None = None,
          full: bool = FULL, per_page: int = PER_PAGE, limit: int = FULL_LIMIT,
          seen_patterns: set[str] | None = None) -> tuple[list[Page], list[Problem]]:
    """Visit `start` and what their pages link to, in `language`; returns the pages read and the problems
    (an error status, and whatever `checks` find on each page). Bounded (the default in CI): each URL
    pattern once (pass `seen_patterns` to share that across calls); full: each distinct URL, up to `limit`
    pages. An error status that a `pending` entry covers goes to `postponed`."""
    pending = list(pending)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    checks = list(checks)
    queue = [(u, "start") for u in (_followed(s) for s in start) if u]
    visited: set[str] = set()
    patterns = seen_patterns if seen_patterns is not None else set()
    pages: list[Page] = []
    problems: list[Problem] = []
    while queue and len(pages) < limit:
        url, came_from = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        if not full:
            key = pattern_of(url)
            if key in patterns:
                continue
            patterns.add(key)
        response: Any = client.get(url, follow=True)
        if response.status_code >= 400:
            message = f"{url} [{language}]: status {response.status_code} (linked from {came_from})"
            known = [e for e in pending if e.applies(Page(url, response.status_code, "", language), "status", "", "")]
            if known and postponed is not None:
                postponed.append(f"{message} — pending: {known[0].name}")
            elif not known:
                problems.append(message)
            continue
        kind = response.get("Content-Type", "")
        if "text/html" not in kind:
            continue
        final = response.redirect_chain[-1][0] if response.redirect_chain else url
        page = read(final, response.status_code, response.content.decode(), language)
        pages.append(page)
        for check in checks:
            problems.extend(check(page))
        for href in page.links[:per_page]:
            target = _followed(href)
            if target and target not in visited:
                queue.append((target, page.url))
    return pages, problems


def menu_urls(html: str) -> list[str]:
    nav = html[html.index('id="mainnav"'):html.index("</nav>")]
    return [href for href in re.findall(r'href="([^"#]+)"', nav)]


# ------------------------------------------------------------------------------------------- the test
ROLES = ["hq_planner", "hq_viewer", "provincial_manager", "provincial_expert", "center_head", "institute_manager",
         "trainer", "assessor", "partner_viewer"]
PROVINCE = "IR-20"  # a small province: the demo builds it in a few seconds


@pytest.fixture(scope="module")
def country(built_once):  # type: ignore[no-untyped-def]
    from maharat.demo.builder import DemoBuilder
    from maharat.factories import TODAY, today_is

    def build() -> dict[str, Any]:
        DemoBuilder(seed=3, scale=0.002, provinces=[PROVINCE], today=TODAY).build()
        users = accounts_for(PROVINCE)
        allowed = stored_text()  # after the accounts: their names are stored data too
        return {"users": users, "allowed": allowed, "pending": pending_list()}

    with today_is(TODAY), built_once(build) as built:
        yield built


def accounts_for(province_code: str) -> dict[str, Any]:
    """One account per role in `province_code` (the demo's own accounts sit in Qazvin, not built here)."""
    from django.contrib.auth import get_user_model

    from maharat.access.models import Account
    from maharat.org.models import PartnerType, Unit, UnitKind

    province = Unit.objects.get(code=province_code)
    inside = Unit.objects.filter(province=province)
    center = inside.filter(kind=UnitKind.FIXED_CENTER).order_by("code").first()
    places = {
        "hq_planner": Unit.objects.get(code="IR"), "hq_viewer": Unit.objects.get(code="IR"),
        "provincial_manager": province, "provincial_expert": province, "center_head": center, "trainer": center,
        "assessor": center, "institute_manager": inside.filter(kind=UnitKind.FREE_INSTITUTE).order_by("code").first(),
        "partner_viewer": inside.filter(kind=UnitKind.PARTNER, partner_type=PartnerType.RELIEF).first()
        or inside.filter(kind=UnitKind.PARTNER).first(),
    }
    users = {}
    for role, unit in places.items():
        assert unit is not None, role
        user = get_user_model().objects.create_user(f"crawl-{role}", password="crawl-password-1",
                                                    first_name="ناصر", last_name="کرمی")
        Account.objects.create(user=user, role=role, unit=unit)
        users[role] = user
    return users


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor == "postgresql",
                    reason="on PostgreSQL the same crawl runs in Chromium (test_browser_crawl.py)")
@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_crawl(country, role: str, language: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(country["users"][role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    home = client.get(reverse("home"))
    assert home.status_code == 200
    start = [reverse("home"), *menu_urls(home.content.decode()), reverse("security"), reverse("password_change")]
    postponed: list[Problem] = []
    check = layout_and_language(country["allowed"], country["pending"], postponed)
    pages, problems = crawl(client, start, language=language, checks=[check], pending=country["pending"],
                            postponed=postponed)
    assert len(pages) > 3
    if os.environ.get("CRAWL_REPORT"):  # a file to append every problem to, for fixing them in bulk
        with open(os.environ["CRAWL_REPORT"], "a", encoding="utf-8") as out:
            out.writelines(f"{role} {p}\n" for p in problems + postponed)
    if postponed:
        warnings.warn(f"{role} [{language}]: {len(postponed)} pending language problems, e.g. {postponed[0]}",
                      stacklevel=1)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(sorted(set(problems))[:80])
