"""The purged Bootstrap sheets (scripts/purge-css.cjs, run by scripts/vendor-assets.sh) keep every rule a page can
need: a template that uses a Bootstrap class the sheet lacks fails here, instead of losing its styling silently.

Independent of PurgeCSS: the classes are read here from what the platform's files write as classes — the `class`
attributes of every template (the words outside template tags, and the string literals inside them), the
string literals of the Python modules and of maharat.js that read as class lists ("form-control form-control-sm",
"table-danger") or hold a `class="..."` attribute (format_html snippets) — and compared with the class selectors
of Bootstrap's own sheets in node_modules. A failure means a template or module changed after the last purge
(run `sh scripts/vendor-assets.sh` or `node scripts/purge-css.cjs`) or builds a class from parts (add it to
SAFELIST in scripts/purge-css.cjs and to BUILT_FROM_PARTS here).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "maharat"
FULL = ROOT / "node_modules" / "bootstrap" / "dist" / "css"
PURGED = PACKAGE / "static" / "vendor" / "css"
SHEETS = [("bootstrap.rtl.min.css", "bootstrap.rtl.purged.css"), ("bootstrap.min.css", "bootstrap.purged.css")]
REGENERATE = "run `sh scripts/vendor-assets.sh` (or `node scripts/purge-css.cjs`) to purge again"

# Classes Bootstrap's scripts (bootstrap.bundle.min.js) add or read at run time, which no template writes whole:
# an alert's fade, the navigation bar's collapse and its transition, an open dropdown, a modal's or offcanvas'
# backdrop, the active tab or link.
RUN_TIME = ["show", "showing", "hiding", "fade", "collapse", "collapsing", "collapsed", "active", "disabled",
            "dropdown-menu-end", "modal-backdrop", "modal-static", "offcanvas-backdrop"]
# Classes the templates build from a prefix and a value: partials/messages.html writes alert-{{ message.tags }}
# (Django's message levels; error as danger), the progress bars of jobs and imports w-{{ percent }}.
BUILT_FROM_PARTS = {
    "alert-": ["alert-success", "alert-info", "alert-warning", "alert-danger"],
    "w-": ["w-25", "w-50", "w-75", "w-100"],
}
# Elements Django's own widget templates write where a page template has only {{ field }}, each with a rule
# of Bootstrap's reboot.
WIDGET_TAGS = ["input", "select", "textarea", "label", "button", "fieldset", "legend", "optgroup"]

CLASS_ATTR = re.compile(r"""\bclass\s*=\s*(["'])""")
WORD = re.compile(r"[A-Za-z_][\w-]*")
CLASS_LIST = re.compile(r"\s*-?[A-Za-z_][\w-]*(\s+-?[A-Za-z_][\w-]*)*\s*")
LITERAL = re.compile(r""""((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|`((?:\\.|[^`\\])*)`""", re.S)
PREFIX = re.compile(r"(-?[A-Za-z_][\w-]*-)$")


# ----------------------------------------------------------------------------------------------- Bootstrap's side
def selectors(css: str) -> Iterator[str]:
    """Every selector list of a sheet (the text before a block that holds only declarations)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for match in re.finditer(r"([^{}]+)\{[^{}]*\}", css):
        text = match.group(1).strip()
        if not text.startswith("@"):
            yield text


def split_list(text: str) -> list[str]:
    """`a, b:not(.c, .d)` -> ["a", "b:not(.c, .d)"]: commas inside parentheses or brackets separate nothing."""
    parts, depth, current = [], 0, ""
    for char in text:
        depth += char in "([" and 1 or char in ")]" and -1 or 0
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    return [*parts, current.strip()]


def single_selectors(css: str) -> set[str]:
    return {one for text in selectors(css) for one in split_list(text)}


def classes_in(selector: str) -> set[str]:
    return set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", re.sub(r"\[[^\]]*\]", "", selector)))  # values may hold dots


def classes_of(css: str) -> set[str]:
    return {name for text in selectors(css) for name in classes_in(text)}


def tags_of(css: str) -> set[str]:
    """Elements named alone by a selector (`textarea`, `legend`, `[type=button]` does not count)."""
    found: set[str] = set()
    for text in selectors(css):
        for part in text.split(","):
            found.update(re.findall(r"^([a-z][a-z0-9]*)(?=$|[:\[>+~ ])", part.strip()))
    return found


@cache
def sheet(folder: Path, name: str) -> str:
    path = folder / name
    if not path.exists():
        hint = "npm ci (make install)" if folder == FULL else REGENERATE
        pytest.fail(f"{path} is missing: {hint}")
    return path.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------------------------- the platform's side
def files(pattern: str) -> list[Path]:
    return sorted(p for p in PACKAGE.glob(pattern)
                  if not {"tests", "migrations", "vendor", "__pycache__"} & set(p.relative_to(PACKAGE).parts))


def templates() -> list[Path]:
    return [p for p in files("**/*") if p.suffix in (".html", ".txt") and "templates" in p.relative_to(PACKAGE).parts]


def attribute_values(text: str) -> Iterator[tuple[str, list[str]]]:
    """Each class attribute of a template: its words outside template tags (joined by spaces where a tag stood)
    and the string literals inside its tags ({% if x %}text-bg-info{% endif %}, {{ v|yesno:"a,b" }})."""
    for match in CLASS_ATTR.finditer(text):
        quote, i, plain, literals = match.group(1), match.end(), [], []
        while i < len(text) and text[i] != quote:
            if text.startswith(("{%", "{{", "{#"), i):
                close = {"%": "%}", "{": "}}", "#": "#}"}[text[i + 1]]
                end = text.find(close, i + 2)
                end = len(text) if end < 0 else end + 2
                inner = text[i + 2:end - 2]
                literals += [a or b for a, b, _ in LITERAL.findall(inner)]
                plain.append("\0")  # where a value is spliced in: a prefix before it is a class built from parts
                i = end
                continue
            plain.append(text[i])
            i += 1
        yield "".join(plain), literals


def class_lists(source: str, python: bool) -> Iterator[str]:
    """String literals that read as class lists, and the class attributes inside literals holding HTML."""
    if python:
        strings = [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    else:
        strings = [next(g for g in m.groups() if g is not None) for m in LITERAL.finditer(source)]
    for s in strings:
        if CLASS_LIST.fullmatch(s):
            yield s
        for plain, literals in attribute_values(s):
            yield plain.replace("\0", " ")
            yield from literals


@cache
def used_classes() -> dict[str, set[str]]:
    """class -> the files that write it."""
    used: dict[str, set[str]] = {}

    def add(words: str, where: Path) -> None:
        for word in WORD.findall(words):
            used.setdefault(word, set()).add(str(where.relative_to(ROOT)))

    for path in templates():
        for plain, literals in attribute_values(path.read_text(encoding="utf-8")):
            add(plain.replace("\0", " "), path)
            for literal in literals:
                add(literal, path)
    for path, python in [(p, True) for p in files("**/*.py")] + [(p, False) for p in files("static/js/**/*.js")]:
        for words in class_lists(path.read_text(encoding="utf-8"), python):
            add(words, path)
    return used


def built_prefixes() -> dict[str, set[str]]:
    """Prefixes a template completes with a value (`alert-{{ message.tags }}`) -> the templates."""
    found: dict[str, set[str]] = {}
    for path in templates():
        for plain, _ in attribute_values(path.read_text(encoding="utf-8")):
            for piece in plain.split("\0")[:-1]:
                match = PREFIX.search(piece)
                if match:
                    found.setdefault(match.group(1), set()).add(str(path.relative_to(ROOT)))
    return found


# ----------------------------------------------------------------------------------------------- the tests
def test_the_reading_of_templates_finds_what_a_reader_sees() -> None:
    """The extraction itself, on a template written here: words, literals inside tags, and a built prefix."""
    text = ('<div class="badge {% if s == \'open\' %}text-bg-primary{% else %}{{ s|yesno:"text-bg-info,border" }}'
            '{% endif %} alert-{{ level }}" data-x="y"><span class=\'fw-bold\'>text-danger</span>')
    values = list(attribute_values(text))
    assert [v[0].replace("\0", "|") for v in values] == ["badge |text-bg-primary||| alert-|", "fw-bold"]
    assert values[0][1] == ["open", "text-bg-info,border"]
    assert list(class_lists('x = {"class": "form-control form-control-sm"}\ny = "not a class list."', True)) == [
        "class", "form-control form-control-sm"]
    assert list(class_lists("el.classList.toggle(\"text-danger\"); h = `<b class=\"small\">${x}</b>`;", False)) == [
        "text-danger", "small"]


def test_the_platform_uses_bootstrap_classes_the_reading_finds() -> None:
    """A sanity check of the reading on the real tree: classes every page or form is known to use by hand."""
    used = used_classes()
    for name in ["navbar", "dropdown-menu", "container-xl", "btn-primary", "table", "pagination", "card",
                 "form-control", "form-select", "form-check-input", "is-invalid", "visually-hidden-focusable"]:
        assert name in used, name


@pytest.mark.parametrize("full_name,purged_name", SHEETS)
def test_every_bootstrap_class_the_platform_writes_is_in_the_purged_sheet(full_name: str, purged_name: str) -> None:
    full = classes_of(sheet(FULL, full_name))
    purged = classes_of(sheet(PURGED, purged_name))
    assert len(full) > 1500, "Bootstrap's whole sheet was not read"
    used = used_classes()
    missing = {name: where for name, where in used.items() if name in full and name not in purged}
    assert not missing, (
        f"{purged_name} lacks Bootstrap classes the platform writes ({REGENERATE}):\n"
        + "\n".join(f"  .{name}: {', '.join(sorted(where)[:3])}" for name, where in sorted(missing.items())))


@pytest.mark.parametrize("full_name,purged_name", SHEETS)
def test_every_rule_of_the_classes_the_platform_writes_is_kept(full_name: str, purged_name: str) -> None:
    """Rule by rule: each selector of the whole sheet whose classes are all written by the platform, added by
    Bootstrap's scripts or built by a template (`.form-select[multiple]`, `.navbar-expand-lg .navbar-collapse`,
    `.fade:not(.show)`) is in the purged sheet, with its attributes and pseudo-classes. Left out by design:
    the dark colour mode (`[data-bs-theme=dark]`), which no page turns on."""
    full, purged = single_selectors(sheet(FULL, full_name)), single_selectors(sheet(PURGED, purged_name))
    allowed = set(used_classes()) | set(RUN_TIME) | {name for names in BUILT_FROM_PARTS.values() for name in names}
    missing = sorted(one for one in full - purged
                     if classes_in(one) and classes_in(one) <= allowed and "data-bs-theme" not in one)
    assert not missing, f"{purged_name} lacks rules the pages can match ({REGENERATE} or widen the safelist " \
                        "of scripts/purge-css.cjs):\n  " + "\n  ".join(missing[:40])


@pytest.mark.parametrize("full_name,purged_name", SHEETS)
def test_classes_added_at_run_time_or_built_from_parts_are_kept(full_name: str, purged_name: str) -> None:
    wanted = RUN_TIME + [name for names in BUILT_FROM_PARTS.values() for name in names]
    assert set(wanted) <= classes_of(sheet(FULL, full_name))
    purged = single_selectors(sheet(PURGED, purged_name))
    # Written by hand: the alert's fade and close button, the navigation bar collapsing on a phone and open,
    # an open dropdown (placed by the attribute Bootstrap's script sets on it), the messages' colours, the
    # progress bars' steps, a multiple select (a trainer's standards), a checkbox.
    for selector in [".fade:not(.show)", ".collapse:not(.show)", ".collapsing", ".navbar-collapse",
                     ".dropdown-menu.show", ".dropdown-menu[data-bs-popper]", ".dropdown-menu-end[data-bs-popper]",
                     ".alert-dismissible .btn-close", ".navbar-nav .nav-link.active", ".page-link.active", ".alert-success",
                     ".alert-info", ".alert-warning", ".alert-danger", ".w-25", ".w-50", ".w-75", ".w-100",
                     ".form-select[multiple]", ".form-check-input[type=checkbox]", ".is-invalid~.invalid-feedback"]:
        assert selector in purged, selector
    tags = tags_of(sheet(PURGED, purged_name))
    assert sorted(set(WIDGET_TAGS) - tags) == []


def test_no_template_builds_a_bootstrap_class_from_parts_the_safelist_does_not_know() -> None:
    """`text-bg-{{ level }}` names no class PurgeCSS can see: each such prefix must be listed with the classes it
    can become (scripts/purge-css.cjs SAFELIST and BUILT_FROM_PARTS above)."""
    full = classes_of(sheet(FULL, "bootstrap.rtl.min.css"))
    bootstrap_prefixes = {prefix: where for prefix, where in built_prefixes().items()
                          if any(name.startswith(prefix) for name in full)}
    unknown = {prefix: where for prefix, where in bootstrap_prefixes.items() if prefix not in BUILT_FROM_PARTS}
    assert not unknown, "Bootstrap classes built from parts, unknown to the purge: " + "; ".join(
        f"{prefix}{{...}} in {', '.join(sorted(where))}" for prefix, where in sorted(unknown.items()))
    assert set(bootstrap_prefixes) == set(BUILT_FROM_PARTS), "a listed prefix no template uses any more"


@pytest.mark.parametrize("full_name,purged_name", SHEETS)
def test_the_purged_sheet_is_smaller_and_keeps_the_licence(full_name: str, purged_name: str) -> None:
    full, purged = sheet(FULL, full_name), sheet(PURGED, purged_name)
    assert len(purged) < len(full) / 3
    assert "Licensed under MIT" in purged.split("*/", 1)[0]
    # The source map of the whole sheet is not shipped: a comment naming it would fail collectstatic in production.
    assert "sourceMappingURL" not in purged


@pytest.mark.django_db
@pytest.mark.parametrize("language,purged_name", [("fa", "bootstrap.rtl.purged.css"), ("en", "bootstrap.purged.css")])
def test_pages_link_the_purged_sheet(client, language: str, purged_name: str) -> None:  # type: ignore[no-untyped-def]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/accounts/login/").content.decode()
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert [link for link in links if "bootstrap" in link] == [f"{settings.STATIC_URL}vendor/css/{purged_name}"]
    assert finders.find(f"vendor/css/{purged_name}")
