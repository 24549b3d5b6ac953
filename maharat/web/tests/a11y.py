"""The accessibility checks of issue 16, run by Playwright on a page the browser crawl has open
(test_browser_crawl.py), at desktop and at phone size, in Persian and in English (docs/accessibility.md):

- axe-core (WCAG 2.0/2.1 A and AA: wcag2a, wcag2aa, wcag21a, wcag21aa; at phone size also `target-size`, the
  issue's tap targets). axe is read from node_modules/axe-core (a devDependency) and evaluated in the page by
  the DevTools protocol (page.evaluate): the platform never serves it, and its content-security policy stays
  as it is (no inline script is added, so no violation is reported by the crawl's console check either);
- our own contrast check of every visible text node, placeholder and form-control value (a11y_page.js), because
  axe leaves about 30% of the Persian text nodes unchecked (its icon-ligature heuristic);
- at phone size: no sideways scrolling of the page, and a region that scrolls sideways (a wide table in
  .table-responsive) only with the table's first column kept in view (position: sticky), the fix the issue
  asks for; and the open phone menu (axe and contrast inside #mainnav).

In CI (the crawl's `heavy` run, on PostgreSQL) each page template (the URL name) is checked once per size and
language with our checks, on the first page of it the crawl opens, and once per size with axe (its rules are
about structure, the same in both languages; axe's own colour contrast, most of its time, at desktop size only);
the budget is about a minute on top of the crawl. `A11Y_FULL=1` (`make a11y`) runs everything on every page the
crawl opens, for every role. `A11Y_REPORT=path` writes the whole list, grouped by rule and by page (and the
findings as JSON beside it).
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
OWN = Path(__file__).with_name("a11y_page.js")
FULL = os.environ.get("A11Y_FULL", "") not in ("", "0")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE_RULES = ["target-size"]  # WCAG 2.2's 24x24 px: the issue's tap targets, checked at phone size only


@dataclass
class Finding:
    check: str  # axe, contrast, overflow, phone-table
    rule: str
    impact: str
    url: str
    template: str
    role: str
    language: str
    size: str
    targets: list[str] = field(default_factory=list)
    detail: str = ""
    count: int = 1  # elements (axe nodes, text elements) behind this finding
    fails: bool = True  # False: reported for the fixer, not a failure

    def line(self) -> str:
        where = f"{self.url} [{self.role} {self.language} {self.size}]"
        targets = "; ".join(self.targets[:3])
        return f"{self.rule} ({self.impact}, {self.count}) {where}: {self.detail} — {targets}"


def template_of(url: str) -> str:
    """The page template, by proxy: the URL's name (the view renders one template per name)."""
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.url_name or match.route or path


def _axe_source() -> str:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} is missing: `npm ci` installs axe-core (a devDependency in package.json)")
    return AXE.read_text(encoding="utf-8")


_SOURCES: dict[str, str] = {}

_RUN_AXE = """async ([ids, include]) => {
  const result = await axe.run(include ? { include: [include] } : document,
                               { runOnly: { type: "rule", values: ids }, resultTypes: ["violations"] });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(" "), html: n.html.slice(0, 160),
                                 summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 240) })),
  }));
}"""


class Auditor:
    """Collects the findings of every page it is shown (`audit`), and reports them."""

    def __init__(self, full: bool = FULL) -> None:
        self.full = full
        self.seen: set[tuple[str, str, str]] = set()
        self.findings: list[Finding] = []
        self.checked: Counter[str] = Counter()  # size -> pages checked
        self.templates: set[str] = set()
        self.seconds = 0.0
        self.text_nodes = 0
        self.unknown: Counter[str] = Counter()
        self.rule_ids: list[str] | None = None
        self.axe_runs: Counter[str] = Counter()  # size -> pages axe checked
        self.timing: Counter[str] = Counter()  # seconds spent per part
        self.complete = False  # set by the crawl once every role and language was crawled

    # ------------------------------------------------------------------ running the checks
    def _ensure(self, page: Any, axe: bool) -> None:
        """Our checks, and axe when `axe`, evaluated in the page (once per document)."""
        if "own" not in _SOURCES:
            _SOURCES["own"] = OWN.read_text(encoding="utf-8")
        mark = time.monotonic()
        has = page.evaluate("() => [typeof window.axe === 'object', !!window.__maharatA11y]")
        if axe and not has[0]:
            if "axe" not in _SOURCES:
                _SOURCES["axe"] = _axe_source()
            page.evaluate(_SOURCES["axe"])
        if not has[1]:
            page.evaluate(_SOURCES["own"])
        if axe and self.rule_ids is None:
            self.rule_ids = page.evaluate("(tags) => axe.getRules(tags).map((r) => r.ruleId)", TAGS)
        self.timing["inject"] += time.monotonic() - mark

    def _rules(self, size: str) -> list[str]:
        ids = [r for r in self.rule_ids or [] if r not in PHONE_RULES]
        if size == "phone":
            # axe's colour contrast costs most of its time; in CI it runs at desktop size only (our own contrast
            # check runs at both sizes, on every text node).
            if not self.full:
                ids = [r for r in ids if r != "color-contrast"]
            ids += PHONE_RULES
        return ids

    def due(self, url: str, language: str) -> list[tuple[str, bool]]:
        """The sizes still to check for this page, each with whether axe runs there: with A11Y_FULL every page
        at both sizes with axe; in CI each template once per size and language with our checks, and axe once
        per template and size (axe's rules are about structure, the same in both languages; the layout and the
        text, which our checks judge, differ)."""
        template = template_of(url)
        if self.full:
            return [(size, True) for size in SIZES]
        return [(size, (template, "", size) not in self.seen) for size in SIZES
                if (template, language, size) not in self.seen]

    def audit(self, page: Any, url: str, role: str, language: str) -> None:
        """Check the page `page` has open (at `url`) at each size still due."""
        plan = self.due(url, language)
        if not plan:
            return
        started = time.monotonic()
        template = template_of(url)
        self.templates.add(template)
        current = page.viewport_size or SIZES["desktop"]
        # The size the window has first (the page was loaded at it), then the other: one resize per page. The
        # window is left at the last size; the crawl reads its links from the HTML, whatever the size.
        plan.sort(key=lambda item: SIZES[item[0]] != current)
        self._ensure(page, any(axe for _size, axe in plan))
        for size, axe in plan:
            self.seen.add((template, language, size))
            if current != SIZES[size]:
                mark = time.monotonic()
                page.set_viewport_size(SIZES[size])
                current = SIZES[size]
                page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
                self.timing["resize"] += time.monotonic() - mark
            where = {"url": url, "template": template, "role": role, "language": language, "size": size}
            if axe:
                self.seen.add((template, "", size))
                mark = time.monotonic()
                self._axe(page, where, self._rules(size))
                self.timing["axe"] += time.monotonic() - mark
                self.axe_runs[size] += 1
            mark = time.monotonic()
            self._contrast(page, where)
            self.timing["contrast"] += time.monotonic() - mark
            if size == "phone":
                mark = time.monotonic()
                self._overflow(page, where)
                self._phone_menu(page, role, language)
                self.timing["phone"] += time.monotonic() - mark
            self.checked[size] += 1
        self.seconds += time.monotonic() - started

    def _axe(self, page: Any, where: dict[str, str], ids: list[str], include: str | None = None) -> None:
        for v in page.evaluate(_RUN_AXE, [ids, include]):
            nodes = v["nodes"]
            self.findings.append(Finding(
                "axe", v["id"], v["impact"] or "", **where, targets=[n["target"] for n in nodes[:5]],
                detail=f"{v['help']}: {nodes[0]['summary'] if nodes else ''} {nodes[0]['html'] if nodes else ''}",
                count=len(nodes)))

    def _contrast(self, page: Any, where: dict[str, str], root: str | None = None) -> None:
        result = page.evaluate("(root) => window.__maharatA11y.contrast(root)", root)
        counts = result["counts"]
        self.text_nodes += counts["checked"]
        for example in counts["unknownExamples"]:
            self.unknown[example] += 1
        groups: dict[tuple[str, str, str, float, str], list[dict[str, Any]]] = defaultdict(list)
        for f in result["found"]:
            groups[(f["fg"], f["bg"], f["kind"], f["required"], f["fontSize"])].append(f)
        for (fg, bg, kind, need, font), items in groups.items():
            worst = min(items, key=lambda f: f["ratio"])
            texts = ", ".join(f"«{f['text'][:40]}»" for f in items[:4])
            self.findings.append(Finding(
                "contrast", "text-contrast" if kind == "text" else f"text-contrast-{kind}", "serious", **where,
                targets=[f["selector"] for f in items[:5]],
                detail=f"{worst['ratio']}:1 < {need}:1, {fg} on {bg} ({font}, weight {worst['fontWeight']}): {texts}",
                count=len(items)))

    def _overflow(self, page: Any, where: dict[str, str]) -> None:
        result = page.evaluate("() => window.__maharatA11y.overflow()")
        if result["scrollWidth"] > result["innerWidth"]:
            culprits = [f"{c['selector']} ({c['left']}..{c['right']} px)" for c in result["culprits"]]
            self.findings.append(Finding(
                "overflow", "page-scrolls-sideways", "serious", **where, targets=culprits,
                detail=f"the page is {result['scrollWidth']} px wide in a {result['innerWidth']} px window"))
        for s in result["scrollers"]:
            if s["table"]:
                ok = bool(s.get("stickyFirstColumn"))
                self.findings.append(Finding(
                    "phone-table", "table-scrolls-sideways" if not ok else "table-scrolls-sideways-sticky",
                    "serious" if not ok else "info", **where, targets=[s["selector"]], fails=not ok,
                    detail=(f"{s['columnsInView']} of {s['columns']} columns in view, the table is {s['scrollWidth']} px "
                            f"in {s['clientWidth']} px; first column «{s['firstColumnHeading']}» "
                            + ("kept in view (sticky)" if ok else "scrolls away (not sticky)"))))
            else:
                self.findings.append(Finding(
                    "phone-table", "region-scrolls-sideways", "info", **where, targets=[s["selector"]], fails=False,
                    detail=f"a region meant to scroll: {s['scrollWidth']} px in {s['clientWidth']} px"))

    def _phone_menu(self, page: Any, role: str, language: str) -> None:
        """The menu opened by its button at phone size: once per language (per role with A11Y_FULL)."""
        key = ("menu (open at phone size)" + (f" {role}" if self.full else ""), language, "phone")
        if key in self.seen or not page.is_visible(".navbar-toggler"):
            return
        self.seen.add(key)
        page.click(".navbar-toggler")
        try:
            page.wait_for_selector("#mainnav.show:not(.collapsing)", timeout=3000)
        except Exception:  # noqa: BLE001 - reported, not raised: the crawl goes on
            self.findings.append(Finding("axe", "menu-does-not-open", "serious", page.url, "menu", role, language,
                                         "phone", [".navbar-toggler"], "the phone menu did not open"))
            return
        where = {"url": page.url, "template": "menu (open at phone size)", "role": role, "language": language,
                 "size": "phone"}
        self._ensure(page, True)
        self._axe(page, where, self._rules("phone") + (["color-contrast"] if not self.full else []), include="#mainnav")
        self._contrast(page, where, root="#mainnav")
        page.click(".navbar-toggler")
        page.wait_for_selector("#mainnav:not(.show):not(.collapsing)", state="attached", timeout=3000)

    # ------------------------------------------------------------------ reporting
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.fails]

    def summary(self) -> str:
        failing = self.failures()
        by_rule = Counter()
        for f in failing:
            by_rule[f.rule] += f.count
        pages = Counter(f.rule for f in failing)
        lines = [f"{len(failing)} findings ({sum(by_rule.values())} elements) on "
                 f"{len({(f.url, f.size, f.language, f.role) for f in failing})} page views; checked "
                 f"{sum(self.checked.values())} page views ({dict(self.checked)}; axe on {dict(self.axe_runs)}), "
                 f"{len(self.templates)} templates, "
                 f"{self.text_nodes} text elements by our contrast check, in {self.seconds:.1f} s ("
                 + ", ".join(f"{k} {v:.1f} s" for k, v in self.timing.most_common()) + ")"]
        lines += [f"  {rule}: {n} elements on {pages[rule]} page views" for rule, n in by_rule.most_common()]
        return "\n".join(lines)

    def report(self) -> str:
        """Everything found, grouped by rule, then by template (with counts), with examples."""
        out = [self.summary(), ""]
        by_rule: dict[str, list[Finding]] = defaultdict(list)
        for f in self.findings:
            by_rule[f.rule].append(f)
        order = sorted(by_rule, key=lambda r: (not by_rule[r][0].fails, -sum(f.count for f in by_rule[r])))
        for rule in order:
            items = by_rule[rule]
            status = "FAILS" if items[0].fails else "reported, does not fail"
            out.append(f"== {rule} [{items[0].check}, {items[0].impact}, {status}]: "
                       f"{sum(f.count for f in items)} elements on {len(items)} page views")
            by_template: dict[str, list[Finding]] = defaultdict(list)
            for f in items:
                by_template[f.template].append(f)
            for template, found in sorted(by_template.items(), key=lambda kv: -sum(f.count for f in kv[1])):
                combos = Counter(f"{f.language}/{f.size}" for f in found)
                out.append(f"  -- {template}: {sum(f.count for f in found)} elements, {len(found)} page views "
                           f"({', '.join(f'{k} {v}' for k, v in sorted(combos.items()))})")
                examples: dict[str, Finding] = {}
                for f in found:
                    examples.setdefault(f.detail[:90] + f.size, f)
                for f in list(examples.values())[:4]:
                    out.append(f"     {f.line()}")
            out.append("")
        if self.unknown:
            out.append("== not judged by our contrast check (a translucent gradient behind the text):")
            out += [f"  {k}: {n} page views" for k, n in self.unknown.most_common(10)]
        return "\n".join(out) + "\n"

    def write(self, path: str | None = None) -> None:
        path = path or os.environ.get("A11Y_REPORT")
        if not path:
            return
        Path(path).write_text(self.report(), encoding="utf-8")
        Path(path).with_suffix(".json").write_text(
            json.dumps([f.__dict__ for f in self.findings], ensure_ascii=False, indent=1), encoding="utf-8")
