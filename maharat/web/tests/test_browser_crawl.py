"""The crawl in a real browser: each demo role signs in through the sign-in page in Chromium, in Persian and in
English, and follows its menu and the links of the pages it reaches, each URL pattern once (test_crawl.py's
bounded crawl and its checks). What only a browser finds is checked too: a script error or a violation of the
content-security policy on any page, and any request for a file that fails or leaves the site (nothing loads
from a CDN). In CI it runs once, on PostgreSQL (`heavy`); the accessibility checks reuse the same crawl.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from .a11y import Auditor
from .test_crawl import (
    DOWNLOADS,
    PROVINCE,
    ROLES,
    Page,
    Problem,
    _followed,
    accounts_for,
    layout_and_language,
    menu_urls,
    pattern_of,
    pending_list,
    read,
    stored_text,
)

pytestmark = [pytest.mark.browser, pytest.mark.serial, pytest.mark.heavy]
PASSWORD = "crawl-password-1"  # test_crawl.accounts_for


@pytest.fixture
def country(transactional_db, reference_data):  # type: ignore[no-untyped-def]
    from maharat.demo.builder import DemoBuilder
    from maharat.factories import TODAY, today_is

    with today_is(TODAY):
        DemoBuilder(seed=3, scale=0.002, provinces=[PROVINCE], today=TODAY).build()
        users = accounts_for(PROVINCE)
        allowed = stored_text()
        yield {"users": users, "allowed": allowed, "pending": pending_list()}


def is_download(url: str) -> bool:
    """A file rather than a page: the exports and PDFs (the PDFs are read by their own tests, as in the
    bounded test-client crawl)."""
    path = urlsplit(url).path
    try:
        name = resolve(path).url_name or ""
    except Resolver404:
        return False
    return path.endswith(DOWNLOADS) or name.endswith("_pdf") or name in ("import_export", "import_template")


def browse(browser: Any, base: str, username: str, language: str, checks: list[Any], pending: list[Any],
           postponed: list[Problem], auditor: Auditor | None = None,
           role: str = "") -> tuple[list[Page], list[Problem]]:
    """Sign in as `username` with the browser set to `language`, then the bounded crawl from its menu; each page
    opened is shown to `auditor` (the public pages first, before signing in)."""
    context = browser.new_context(locale="fa-IR" if language == "fa" else "en-US",
                                  viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    problems: list[Problem] = []
    here = urlsplit(base).netloc
    current = {"url": ""}

    def on_request_failed(request: Any) -> None:
        if request.is_navigation_request() and request.failure == "net::ERR_ABORTED":
            return  # a download: the browser stops showing it; its answer is checked below
        if request.failure == "net::ERR_ABORTED" and urlsplit(request.url).path.endswith("/favicon.svg"):
            return  # the tab's icon, whose load the browser gives up when the crawl moves on to the next page
        problems.append(f"{current['url']} [{language}]: request failed {request.url}")

    def on_request(request: Any) -> None:
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and urlsplit(request.url).netloc != here:
            problems.append(f"{current['url']} [{language}]: loads from another site {request.url}")

    context.on("requestfailed", on_request_failed)
    context.on("request", on_request)
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"{current['url']} [{language}]: console {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{current['url']} [{language}]: script error {e}"))
    if auditor is not None:
        for public in ("/verify/", "/accounts/login/"):
            if auditor.due(public, language):
                current["url"] = public
                page.goto(base + public, wait_until="load")
                auditor.audit(page, public, "anonymous", language)
    current["url"] = "/accounts/login/"
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    home = page.content()
    assert urlsplit(page.url).path == "/", f"{username} did not reach the home page: {page.url}"
    queue = [(u, "menu") for u in (_followed(s) for s in ["/", *menu_urls(home), "/accounts/security/"]) if u]
    patterns: set[str] = set()
    pages: list[Page] = []
    while queue:
        url, came_from = queue.pop(0)
        key = pattern_of(url)
        if key in patterns:
            continue
        patterns.add(key)
        current["url"] = url
        if is_download(url):
            # A file (an export): the browser would save it rather than show it; its answer must be a success.
            if not urlsplit(url).path.endswith(".pdf") and not resolve(urlsplit(url).path).url_name.endswith("_pdf"):
                download = context.request.get(base + url)
                if download.status >= 400:
                    problems.append(f"{url} [{language}]: download status {download.status} (from {came_from})")
            continue
        try:
            response = page.goto(base + url, wait_until="load")
        except PlaywrightError as error:  # another file served as an attachment (the public key)
            if "Download is starting" not in str(error):
                raise
            download = context.request.get(base + url)
            if download.status >= 400:
                problems.append(f"{url} [{language}]: download status {download.status} (from {came_from})")
            continue
        status = response.status if response is not None else 0
        if status >= 400 or status == 0:
            problems.append(f"{url} [{language}]: status {status} (linked from {came_from})")
            continue
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue
        found = read(urlsplit(page.url).path + ("?" + urlsplit(page.url).query if urlsplit(page.url).query else ""),
                     status, page.content(), language)
        pages.append(found)
        for check in checks:
            problems.extend(check(found))
        if auditor is not None:
            auditor.audit(page, found.url, role, language)
        for href in found.links[:60]:
            target = _followed(href)
            if target and pattern_of(target) not in patterns:
                queue.append((target, url))
    context.close()
    return pages, problems


_AUDITED: list[Auditor] = []  # the Auditor of a complete crawl in this session, for the accessibility test


def crawl_all(browser: Any, base: str, country: dict[str, Any], auditor: Auditor | None) -> tuple[int, list[str]]:
    """Every role, in Persian and in English: the pages visited and the crawl's own failures."""
    failures: list[str] = []
    visited = 0
    for role in ROLES:
        for language in ("fa", "en"):
            postponed: list[Problem] = []
            check = layout_and_language(country["allowed"], country["pending"], postponed)
            pages, problems = browse(browser, base, country["users"][role].username, language,
                                     [check], country["pending"], postponed, auditor, role)
            visited += len(pages)
            if len(pages) <= 3:
                failures.append(f"{role} [{language}]: only {len(pages)} pages reached")
            failures.extend(f"{role} {p}" for p in sorted(set(problems)))
    if auditor is not None:
        auditor.complete = True
        auditor.write()
    return visited, failures


@pytest.mark.django_db(transaction=True)
def test_every_role_in_a_browser(browser, live_server, country) -> None:  # type: ignore[no-untyped-def]
    auditor = Auditor()
    _AUDITED[:] = [auditor]
    visited, failures = crawl_all(browser, live_server.url, country, auditor)
    assert visited > 100
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures[:80])


@pytest.mark.django_db(transaction=True)
def test_accessibility_of_every_page(request, browser, live_server) -> None:  # type: ignore[no-untyped-def]
    """Issue 16: no axe violation (WCAG 2.0/2.1 A and AA), no text below WCAG's contrast, no sideways scrolling
    at phone size, and wide tables that keep their first column in view on a phone; on every page each demo
    role reaches, at desktop and phone size, in Persian and in English (in CI each template once per size and
    language). The full list is written to $A11Y_REPORT when set."""
    auditor = _AUDITED[0] if _AUDITED and _AUDITED[0].complete else None
    if auditor is None:
        auditor = Auditor()
        crawl_all(browser, live_server.url, request.getfixturevalue("country"), auditor)
    failing = auditor.failures()
    assert sum(auditor.checked.values()) > 20, auditor.summary()
    assert not failing, auditor.summary() + "\n" + "\n".join(f.line() for f in failing[:60])
