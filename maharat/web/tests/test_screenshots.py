"""Phone-size screenshots of the main pages for docs/accessibility.md (docs/screenshots/*.png): what a phone of
390×844 CSS pixels shows first, in Persian, signed in as an HQ planner on the crawl's small demo country (the
public verification page signed out). Written by `make a11y` (A11Y_SCREENSHOTS=1); skipped otherwise, so the
suite never rewrites files under docs/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .a11y import ROOT, SIZES
from .test_browser_crawl import PASSWORD, country  # noqa: F401 - the fixture
from .test_crawl import PROVINCE

pytestmark = [
    pytest.mark.browser, pytest.mark.serial, pytest.mark.heavy,
    pytest.mark.skipif(os.environ.get("A11Y_SCREENSHOTS", "") in ("", "0"),
                       reason="writes docs/screenshots/: run by `make a11y` (A11Y_SCREENSHOTS=1)"),
]
OUT = ROOT / "docs" / "screenshots"
PAGES = [
    ("home", "/"),
    ("scorecard", "/monitoring/"),
    ("unit", f"/monitoring/{PROVINCE}/unit/"),
    ("trainees", "/trainees/"),
    ("course-runs", "/course-runs/"),
    ("early-warning", "/monitoring/alerts/"),
]


@pytest.mark.django_db(transaction=True)
def test_phone_screenshots_of_the_main_pages(browser, live_server, country) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from maharat.assessment.models import Certificate

    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    context = browser.new_context(locale="fa-IR", viewport=SIZES["phone"], device_scale_factor=1)
    context.add_cookies([{"name": "django_language", "value": "fa", "url": live_server.url}])
    page = context.new_page()
    serial = Certificate.objects.order_by("pk").values_list("serial", flat=True).first()
    assert serial, "the demo country has no certificate to verify"
    page.goto(live_server.url + f"/verify/{serial}/", wait_until="networkidle")
    written.append(OUT / "verify.png")
    page.screenshot(path=str(written[-1]))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", country["users"]["hq_planner"].username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    for name, path in PAGES:
        response = page.goto(live_server.url + path, wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response and response.status)
        page.evaluate("() => document.fonts.ready.then(() => true)")
        page.wait_for_timeout(400)  # the charts' entry animation
        written.append(OUT / f"{name}.png")
        page.screenshot(path=str(written[-1]))
    context.close()
    assert all(p.stat().st_size > 5000 for p in written)
