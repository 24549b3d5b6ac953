"""Issue 16: every action reachable by keyboard, with a visible focus, and a skip link. Signed in through the
sign-in page with the keyboard only (Tab, Shift+Tab, Enter, Space, Escape, the arrow keys of a select, and
typing; no click, no fill), an HQ planner registers a trainee (the menu, the trainee list, the form: its text
and Jalali date fields typed, its select chosen with the arrow keys, a checkbox ticked with Space) and drills down the scorecard (/monitoring/ → a
province → the province's unit page). On every page the first tab stop is a skip link to the main content,
and every element that takes the focus shows it: its outline or box-shadow differs from its unfocused state
(a11y_page.js focusState), or it was hidden until focused (the skip link itself).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from .a11y import OWN, SIZES
from .test_browser_crawl import PASSWORD, country  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.serial, pytest.mark.heavy]
LIMIT = 250  # tab stops looked at before giving up on reaching an element


class Keyboard:
    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base
        self.problems: list[str] = []
        self.stops = 0

    def _ready(self) -> None:
        if not self.page.evaluate("() => !!window.__maharatA11y"):
            self.page.evaluate(OWN.read_text(encoding="utf-8"))
        self.page.evaluate("() => window.__maharatA11y.snapshot()")

    def here(self) -> str:
        parts = urlsplit(self.page.url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def press(self, key: str) -> dict[str, Any]:
        """Press `key` and judge the element that has the focus afterwards."""
        self._ready()
        self.page.keyboard.press(key)
        state = self.state()
        if not state.get("none") and key in ("Tab", "Shift+Tab"):
            self.stops += 1
            if not state["shown"]:
                self.problems.append(f"{self.here()}: the focus went to an element that is not shown: "
                                     f"{state['selector']} «{state['text']}» {state['size']}")
            elif not state["visible"]:
                self.problems.append(f"{self.here()}: no visible focus on {state['selector']} «{state['text']}» "
                                     f"(outline/box-shadow unfocused: {state['before']}; focused: {state['now']})")
        return state

    def state(self) -> dict[str, Any]:
        self._ready()
        return self.page.evaluate("() => window.__maharatA11y.focusState()")

    def fresh(self) -> None:
        """After a page load: the first Tab must reach the skip link, which must lead to <main>."""
        self.page.wait_for_load_state("load")
        first = self.press("Tab")
        target = self.page.evaluate(
            "(href) => { try { const t = href && href.startsWith('#') && document.querySelector(href);"
            " return !!t && (t.localName === 'main' || !!t.querySelector('main') || t.id === 'main'"
            " || !!t.closest('main')); } catch (e) { return false; } }", first.get("href"))
        assert target, f"{self.here()}: the first tab stop is not a skip link to the main content: {first}"

    def tab_to(self, wanted: Any, describe: str, backwards: bool = False) -> dict[str, Any]:
        """Tab (or Shift+Tab) until the focused element satisfies `wanted`; a dropdown toggle whose menu holds
        the wanted link is opened with Enter on the way."""
        seen_first = None
        for _ in range(LIMIT):
            state = self.press("Shift+Tab" if backwards else "Tab")
            if state.get("none"):
                continue
            if wanted(state):
                return state
            if state["dropdownWith"] and any(wanted({**state, "href": h}) for h in state["dropdownWith"]):
                self.press("Enter")  # opens the menu; its items follow the toggle in tab order
                return self.tab_to(wanted, describe)
            if seen_first == state["selector"]:
                break  # a full round of the page
            seen_first = seen_first or state["selector"]
        raise AssertionError(f"{self.here()}: could not reach {describe} by keyboard; "
                             f"{len(self.problems)} focus problems so far: {self.problems[:10]}")

    def follow(self, wanted: Any, describe: str, backwards: bool = False) -> None:
        self.tab_to(wanted, describe, backwards)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.fresh()


def path_is(path: str) -> Any:
    return lambda s: bool(s.get("href")) and urlsplit(s["href"]).path == path


@pytest.mark.django_db(transaction=True)
def test_keyboard_only_trainee_registration_and_scorecard_drill_down(browser, live_server, country) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from maharat.org.models import Unit, UnitKind
    from maharat.people.models import Trainee

    from .test_crawl import PROVINCE

    center = Unit.objects.filter(province__code=PROVINCE, kind=UnitKind.FIXED_CENTER).order_by("code").first()
    assert center is not None
    context = browser.new_context(locale="fa-IR", viewport=SIZES["desktop"])
    context.add_cookies([{"name": "django_language", "value": "fa", "url": live_server.url}])
    page = context.new_page()
    keys = Keyboard(page, live_server.url)

    # Sign in.
    page.goto(live_server.url + "/accounts/login/")
    keys.fresh()
    keys.tab_to(lambda s: s["id"] == "id_username", "the user name field")
    page.keyboard.type(country["users"]["hq_planner"].username)
    assert keys.press("Tab")["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/", page.url
    keys.fresh()

    # The skip link moves the focus into <main>; Shift+Tab goes back to the menu.
    page.keyboard.press("Enter")
    moved = keys.state()
    assert not moved.get("none") and (moved["inMain"] or moved["isMain"]), f"the skip link did not move the focus: {moved}"

    # A trainee registration: menu → trainee list → the form.
    keys.follow(path_is("/trainees/"), "the trainee list in the menu", backwards=True)
    keys.follow(path_is("/trainees/new/"), "the new-trainee link")
    values = {"id_national_code": "0084575948", "id_first_name": "زینب", "id_last_name": "احمدی",
              "id_birth_date": "1380/06/31", "id_registered_unit": center.code}
    typed: set[str] = set()
    chosen_sex = ticked = False
    for _ in range(LIMIT):
        state = keys.press("Tab")
        if state.get("none"):
            continue
        if state["id"] in values and state["id"] not in typed:
            page.keyboard.type(values[state["id"]])
            typed.add(state["id"])
            if state["id"].endswith("date"):
                page.keyboard.press("Escape")  # the date picker, if it opened, closes; the typed date stays
        elif state["id"] == "id_sex" and not chosen_sex:
            # A closed <select> moves through its options with the arrow keys (Persian labels cannot be typed
            # as key presses by Playwright: it inserts non-Latin text, which a select ignores).
            values_in_order = [value for value, _text in state["options"]]
            for _step in range(values_in_order.index("F") - values_in_order.index(state["value"] or "")):
                page.keyboard.press("ArrowDown")
            chosen_sex = True
            assert keys.state()["value"] == "F", f"the arrow keys do not choose an option: {keys.state()}"
        elif state["type"] == "checkbox" and (state["id"] or "").startswith("id_target_groups") and not ticked:
            page.keyboard.press("Space")
            ticked = True
            assert keys.state()["checked"], "Space does not tick a checkbox"
        elif state["tag"] == "button" and state["type"] in ("submit", None) and state["inMain"] and typed:
            break
    else:
        raise AssertionError(f"the form's submit button is not reachable by keyboard; typed {typed}")
    assert typed == set(values), f"fields not reached by Tab: {set(values) - typed}"
    assert chosen_sex and ticked
    with page.expect_navigation():
        page.keyboard.press("Enter")
    trainee = Trainee.objects.filter(national_code="0084575948").first()
    assert trainee is not None, f"the trainee was not registered: {page.url}\n{page.inner_text('main')[:800]}"
    assert trainee.birth_date.isoformat() == "2001-09-22"
    keys.fresh()

    # The scorecard drill-down: the menu → /monitoring/ → the province → its unit page.
    keys.follow(path_is("/monitoring/"), "the scorecard in the menu")
    keys.follow(path_is(f"/monitoring/{PROVINCE}/"), f"the province {PROVINCE} in the scorecard")
    keys.follow(path_is(f"/monitoring/{PROVINCE}/unit/"), "the province's unit page")
    assert urlsplit(page.url).path == f"/monitoring/{PROVINCE}/unit/"
    context.close()
    assert keys.stops > 20
    assert not keys.problems, f"{len(keys.problems)} focus problems:\n" + "\n".join(dict.fromkeys(keys.problems))
