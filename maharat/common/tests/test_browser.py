"""Real-browser checks: Playwright drives Debian's chromium (never a downloaded browser) against a live server."""

from __future__ import annotations

import pytest

from maharat.common import jalali

pytestmark = [pytest.mark.browser, pytest.mark.serial]


@pytest.fixture
def page(browser, live_server, reference_data):  # type: ignore[no-untyped-def]
    # An English browser on purpose: the platform must still open in Persian.
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.requests = requests  # type: ignore[attr-defined]
    yield page
    context.close()
    # Every page worked under the content-security policy: no violation, no script error.
    assert not errors, errors


def test_home_page_is_rtl_persian_with_jalali_dates_and_local_assets(page, live_server) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "fa"
    assert "سامانه مهارت" in page.locator("h1").inner_text()
    today = jalali.format_date(jalali.today().togregorian(), long=True)
    assert today in page.get_by_test_id("today").inner_text()
    assert any("\u06f0" <= ch <= "\u06f9" for ch in today)  # Persian digits
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("Vazirmatn")
    assert page.evaluate("typeof htmx") == "object"
    # Nothing from a CDN: every request stays on the live server.
    assert page.requests and all(url.startswith(live_server.url) for url in page.requests)  # type: ignore[attr-defined]


def test_login_and_register_a_trainee_with_the_jalali_picker(page, live_server, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from maharat.access.models import Account
    from maharat.factories import make_unit
    from maharat.org.models import Unit
    from maharat.people.models import Trainee

    user = django_user_model.objects.create_user("expert", password="browser-test-password")
    Account.objects.create(user=user, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    unit = make_unit()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "expert")
    page.fill("#id_password", "browser-test-password")
    page.click("button[type=submit], form button.w-100")
    page.goto(live_server.url + "/trainees/new/")
    page.fill("#id_national_code", "۰۰۸۴۵۷۵۹۴۸")
    page.fill("#id_first_name", "زينب")  # Arabic yeh typed on an Arabic keyboard
    page.fill("#id_last_name", "احمدي")
    page.select_option("#id_sex", "F")
    page.click("#id_birth_date")
    assert page.locator("jdp-container").is_visible()  # the Jalali date picker opens
    page.fill("#id_birth_date", "1380/06/31")
    page.fill("#id_registered_unit", unit.code)
    page.keyboard.press("Escape")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/trainees/*/")
    assert "زینب احمدی" in page.locator("h1").inner_text()
    t = Trainee.objects.get(national_code="0084575948")
    assert (t.first_name, t.birth_date.isoformat()) == ("زینب", "2001-09-22")
    assert "۱۳۸۰/۰۶/۳۱" in page.content()


def test_phone_sized_window_collapses_the_menu(page, live_server, django_user_model) -> None:  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    assert page.locator(".navbar-toggler").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone


def test_chart_axes_show_the_page_digits_zero_included(page, live_server, django_user_model) -> None:  # type: ignore[no-untyped-def]
    """static/js/maharat.js: the value axis of the home page's bars and of the unit page's trend in Persian
    digits on Persian pages (Chart.js writes the zero tick as a bare "0" whatever its locale), Latin on English."""
    from django.conf import settings

    from maharat.access.models import Account
    from maharat.org.models import Unit

    user = django_user_model.objects.create_user("viewer", password="browser-test-password")
    Account.objects.create(user=user, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "viewer")
    page.fill("#id_password", "browser-test-password")
    page.click("button[type=submit], form button.w-100")
    chart = "Chart.getChart(document.querySelector('canvas[data-chart]'))"
    for language, zero, other in (("fa", "۰", "0123456789"), ("en", "0", "۰۱۲۳۴۵۶۷۸۹")):
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        for path in ("/", "/monitoring/IR-26/unit/"):
            page.goto(live_server.url + path)
            page.wait_for_function(f"() => window.Chart && {chart} && {chart}.scales.y.ticks.length > 0")
            ticks = page.evaluate(f"{chart}.scales.y.ticks.map((t) => String(t.label))")
            assert zero in ticks, (language, path, ticks)
            assert not any(c in other for tick in ticks for c in tick), (language, path, ticks)
