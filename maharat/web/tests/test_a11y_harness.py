"""The accessibility harness itself (a11y.py, a11y_page.js), on pages of known colours and widths: what it
reports must be what WCAG says, or the crawl's verdicts mean nothing. Quick (no server, no database): it runs in
`make test`'s serial pass."""

from __future__ import annotations

from typing import Any

import pytest

from .a11y import SIZES, Auditor

pytestmark = [pytest.mark.browser, pytest.mark.serial]

# The platform's policy, so the checks are shown to work under it (they are evaluated, not added as scripts).
CSP = "default-src 'self'; script-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"

PAGE = """<!doctype html><html lang="fa" dir="rtl"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}"><title>آزمون</title>
<style>
  body {{ margin: 0; font: 16px sans-serif; background: #fff; color: #212529; }}
  .teal {{ background: #0f5d5e; padding: 4px; }}
  .teal a {{ color: rgba(255, 255, 255, .55); }}
  .faded {{ opacity: .5; }}
  .sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0, 0, 0, 0); }}
  .hero {{ background: linear-gradient(135deg, #0f5d5e, #9ad6cc); color: #fff; padding: 8px; }}
  input::placeholder {{ color: #aaa; }}
  .wide {{ width: 600px; }}
  .table-responsive {{ overflow-x: auto; }}
  .sticky td:first-child, .sticky th:first-child {{ position: sticky; inset-inline-start: 0; background: #fff; }}
  #plain:focus {{ outline: none; }}
</style></head><body><main id="main">
  <p id="grey" style="color: #777">متن خاکستری روی سفید</p>
  <p id="dark">متن تیره روی سفید</p>
  <p id="large" style="color: #888; font-size: 19px; font-weight: 700">عنوان درشت و پررنگ</p>
  <p id="large-thin" style="color: #888; font-size: 19px; font-weight: 400">عنوان درشت نازک</p>
  <nav class="teal"><a id="navlink" href="#">کارآموزان</a></nav>
  <div class="faded"><span id="faded">نیمه‌شفاف</span></div>
  <span class="sr" style="color: #eee">فقط برای صفحه‌خوان</span>
  <span style="display: none; color: #eee">پنهان</span>
  <button id="off" disabled style="color: #ccc">غیرفعال</button>
  <div class="hero"><span id="hero">روی گرادیان</span></div>
  <input id="search" placeholder="جستجو">
  <a id="ring" href="#">پیوند</a> <button id="plain">بی‌حلقه</button>
  {extra}
</main></body></html>"""

TABLE = """<div class="table-responsive {cls}"><table><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody>
</table></div>"""


def cells(tag: str, n: int) -> str:
    return "".join(f"<{tag} style='min-width: 120px; display: table-cell'>ستون {i}</{tag}>" for i in range(n))


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport=SIZES["desktop"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, errors  # the checks ran without a script error or a policy violation


def load(page: Any, extra: str = "") -> None:
    page.set_content(PAGE.format(csp=CSP, extra=extra))


def contrast(page: Any) -> dict[str, dict[str, Any]]:
    auditor = Auditor()
    auditor._ensure(page, axe=False)
    result = page.evaluate("() => window.__maharatA11y.contrast()")
    return {f["selector"].split(" > ")[-1]: f for f in result["found"]} | {"counts": result["counts"]}


def test_contrast_of_every_text_node_follows_wcag(page) -> None:  # type: ignore[no-untyped-def]
    load(page)
    found = contrast(page)
    assert found["p#grey"]["ratio"] == 4.47 and found["p#grey"]["required"] == 4.5  # #777 on white: 4.478:1
    assert found["p#grey"]["fg"] == "#777777" and found["p#grey"]["bg"] == "#ffffff"
    assert "p#dark" not in found
    assert "p#large" not in found  # 3.54:1 is enough for large text (18.66 px and bold)
    assert found["p#large-thin"]["required"] == 4.5  # 19 px but not bold: not large
    assert found["a#navlink"]["ratio"] < 4.5  # translucent white on teal, composited
    assert found["span#faded"]["ratio"] < 4.5  # the opacity of a parent fades the text
    assert found["span#hero"]["bg"] == "#9ad6cc"  # judged against the gradient's worst stop
    assert found["input#search"]["kind"] == "placeholder"
    texts = [f.get("text", "") for f in found.values()]
    assert "فقط برای صفحه‌خوان" not in texts and "پنهان" not in texts and "غیرفعال" not in texts
    assert found["counts"]["inactive"] == 1 and found["counts"]["checked"] >= 10


def test_axe_runs_under_the_policy_and_reports_with_its_place(page) -> None:  # type: ignore[no-untyped-def]
    tiny = '<button style="width: 14px; height: 14px; padding: 0; font-size: 8px">▲</button>'
    load(page, f'<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><div>{tiny}{tiny}</div>')
    auditor = Auditor(full=True)
    auditor.audit(page, "/nowhere/", "tester", "fa")
    rules = {f.rule for f in auditor.findings}
    assert "image-alt" in rules  # axe ran, with WCAG A
    assert "color-contrast" in rules  # and AA
    assert "text-contrast" in rules  # our own check
    image = next(f for f in auditor.findings if f.rule == "image-alt")
    assert (image.url, image.role, image.language, image.size) == ("/nowhere/", "tester", "fa", "desktop")
    assert image.targets == ["img"] and image.impact == "critical"
    assert {f.size for f in auditor.findings} == {"desktop", "phone"}
    assert {f.size for f in auditor.findings if f.rule == "target-size"} == {"phone"}  # tap targets: phone only
    assert page.viewport_size == SIZES["phone"]  # left at the last size checked: one resize per page
    assert "image-alt" in auditor.report() and "text-contrast" in auditor.summary()


def test_sideways_scrolling_at_phone_size(page) -> None:  # type: ignore[no-untyped-def]
    wide = TABLE.format(cls="", head=cells("th", 6), body=cells("td", 6))
    kept = TABLE.format(cls="sticky", head=cells("th", 6), body=cells("td", 6))
    load(page, f'{wide}{kept}<div class="wide" id="too-wide">پهن</div>')
    auditor = Auditor()
    auditor.audit(page, "/wide/", "tester", "fa")
    by_rule = {f.rule: f for f in auditor.findings}
    assert by_rule["page-scrolls-sideways"].fails and "div#too-wide" in by_rule["page-scrolls-sideways"].targets[0]
    assert by_rule["table-scrolls-sideways"].fails  # the first column scrolls away
    assert not by_rule["table-scrolls-sideways-sticky"].fails  # the first column kept in view: the fix
    assert "of 6 columns in view" in by_rule["table-scrolls-sideways"].detail
    assert all(f.size == "phone" for f in by_rule.values() if f.check in ("overflow", "phone-table"))


def test_each_template_once_per_size_and_language_in_ci(page) -> None:  # type: ignore[no-untyped-def]
    load(page)
    auditor = Auditor(full=False)
    auditor.audit(page, "/nowhere/", "one", "fa")
    auditor.audit(page, "/nowhere/", "two", "fa")  # the same template again: not checked again
    assert dict(auditor.checked) == {"desktop": 1, "phone": 1} and dict(auditor.axe_runs) == {"desktop": 1, "phone": 1}
    auditor.audit(page, "/nowhere/", "one", "en")  # the other language: our checks, not axe again
    assert dict(auditor.checked) == {"desktop": 2, "phone": 2} and dict(auditor.axe_runs) == {"desktop": 1, "phone": 1}


def test_focus_indicator_is_told_from_the_unfocused_state(page) -> None:  # type: ignore[no-untyped-def]
    load(page)
    Auditor()._ensure(page, axe=False)
    page.evaluate("() => window.__maharatA11y.snapshot()")
    page.focus("#search")
    page.keyboard.press("Tab")  # keyboard focus: the browser's own ring on a link
    ring = page.evaluate("() => window.__maharatA11y.focusState()")
    assert ring["id"] == "ring" and ring["visible"], ring
    page.keyboard.press("Tab")
    plain = page.evaluate("() => window.__maharatA11y.focusState()")
    assert plain["id"] == "plain" and not plain["visible"], plain  # outline: none and nothing instead
