"""The measures of issue 15 ("at national volume") and issue 13 (the long differential), run by bench/run.py:

- crawl: every page reachable from each demo role's menu (web/menu.py: menu_for) and the main links of those
  pages, each fetched `repeat` times through the in-process client; p95 per page against 300 ms;
- exports: the enrollment register as CSV (streamed) and xlsx (write-only, split into sheets past Excel's
  limit) through the same view a user downloads from, rows per second and the process's peak memory,
  sampled while the file is produced, at several points of the file (flat in the row count or not);
- differential: the write sequence of monitoring/tests/test_differential.py (its state machine, the same
  write functions: pages, API, imports, services) against the national dataset, then `check-summaries` for
  the slices it touched; everything is rolled back afterwards.

Each honours BENCH_QUICK=1 (a few pages, a few thousand rows, a few dozen writes).
"""

from __future__ import annotations

import importlib
import os
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

QUICK = os.environ.get("BENCH_QUICK") == "1"
PAGE_TARGET_MS = 300


# ---------------------------------------------------------------------------------------------- memory
def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakMemory:
    """The process's resident memory, sampled every 20 ms in a thread while a block runs: the peak above
    what it held before (tracemalloc would slow the export several times over)."""

    def __init__(self) -> None:
        self.start = self.peak = rss_bytes()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_bytes())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_bytes())

    @property
    def above_start_mb(self) -> float:
        return (self.peak - self.start) / 2**20


# ---------------------------------------------------------------------------------------------- crawl
class _Links(HTMLParser):
    """The links inside <main> (the page's own content, not the menu bar every page shares)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href") or ""
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main" and self.depth:
            self.depth -= 1


SKIP = re.compile(r"format=|/logout|/admin/|/static/|/media/|^#|^mailto:|^javascript:|/export|/delete/|"
                  r"\.pdf$|/pdf/|/print/|/verify/")


def shape(url: str) -> str:
    """The page a link is an instance of (/trainees/123/ and /trainees/124/ are one page)."""
    path, _, query = url.partition("?")
    path = re.sub(r"/\d+(?=/|$)", "/N", path)
    keys = sorted({part.split("=")[0] for part in query.split("&") if part})
    return path + ("?" + "&".join(keys) if keys else "")


@dataclass
class PageTime:
    role: str
    url: str
    status: int
    p50: float
    p95: float
    via: str = "menu"


@dataclass
class Crawl:
    pages: list[PageTime] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def crawl(*, repeat: int, links_per_page: int, log: Callable[[str], None] = print) -> Crawl:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from maharat.demo.accounts import DEMO_ACCOUNTS
    from maharat.web.menu import menu_for

    out = Crawl()
    User = get_user_model()
    for username, *_ in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            out.errors.append(f"{username}: no such account")
            continue
        client = Client()
        client.force_login(user)
        menu = [(item.url or "", "menu") for item in menu_for(user) if item.url]
        menu += [(link.url, "menu") for item in menu_for(user) for link in item.links]
        queue: list[tuple[str, str]] = [("/", "menu"), *menu]
        seen: set[str] = set()
        started = time.monotonic()
        while queue:
            url, via = queue.pop(0)
            if not url.startswith("/") or SKIP.search(url) or shape(url) in seen:
                continue
            seen.add(shape(url))
            began = time.perf_counter()
            first = client.get(url)
            first_ms = (time.perf_counter() - began) * 1000
            if first.status_code in (301, 302):
                continue  # a redirect (to a page of its own, crawled through its own link)
            if first.status_code != 200:
                out.errors.append(f"{username} {url}: HTTP {first.status_code}")
                out.pages.append(PageTime(username, url, first.status_code, 0, 0, via))
                continue
            if via == "menu" and first.get("Content-Type", "").startswith("text/html"):
                parser = _Links()
                # "&section=" in an href is "&section=" to a browser (no character reference before "="), but
                # Python's parser reads "&sect" as "§": escape such ampersands first.
                parser.feed(re.sub(r"&(?=[A-Za-z]+=)", "&amp;", first.content.decode("utf-8", "replace")))
                added = 0
                for href in parser.links:
                    if added >= links_per_page:
                        break
                    if href.startswith("/") and not SKIP.search(href) and shape(href) not in seen:
                        queue.append((href, f"link from {url}"))
                        added += 1
            samples = []
            # A page that takes seconds is measured twice more, not `repeat` times: it misses by far anyway.
            for _ in range(repeat if first_ms < 2000 else min(repeat, 2)):
                began = time.perf_counter()
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    for _chunk in response.streaming_content:
                        pass
                samples.append((time.perf_counter() - began) * 1000)
            samples.sort()
            out.pages.append(PageTime(username, url, 200, statistics.median(samples),
                                      samples[max(0, round(len(samples) * 0.95) - 1)], via))
        log(f"  crawl {username}: {len(seen)} pages in {time.monotonic() - started:.0f}s")
    return out


# ---------------------------------------------------------------------------------------------- exports
@dataclass
class ExportRun:
    fmt: str
    rows: int
    seconds: float
    megabytes: float
    peak_mb: float
    checkpoints: list[tuple[int, float]]  # (rows so far, memory above the start in MB)
    first_byte_s: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def export(url: str, *, fmt: str, username: str = "hq_planner", limit: int | None = None) -> ExportRun:
    """Download `url` with ?format= as `username`, reading the body as a client would, and count the rows
    (CSV: lines; xlsx: rows written, read back from the file's sheets)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    sep = "&" if "?" in url else "?"
    checkpoints: list[tuple[int, float]] = []
    rows = size = 0
    with PeakMemory() as memory:
        began = time.perf_counter()
        response = client.get(f"{url}{sep}format={fmt}")
        assert response.status_code == 200, (url, response.status_code)
        first_byte = 0.0
        next_mark = 1_000_000 if not QUICK else 1000
        for chunk in _body(response):
            if not first_byte:
                first_byte = time.perf_counter() - began
            size += len(chunk)
            if fmt == "csv":
                rows += chunk.count(b"\n")
                if rows >= next_mark:
                    checkpoints.append((rows, (rss_bytes() - memory.start) / 2**20))
                    next_mark += 1_000_000 if not QUICK else 1000
            if limit and rows >= limit:
                break
        seconds = time.perf_counter() - began
    if fmt == "csv":
        rows -= 1  # the header
    return ExportRun(fmt, rows, seconds, size / 2**20, memory.above_start_mb, checkpoints, first_byte)


def _body(response: Any) -> Iterator[bytes]:
    if hasattr(response, "streaming_content"):
        yield from response.streaming_content
    else:
        yield response.content


def xlsx_table(rows: int, *, max_rows: int | None = None) -> ExportRun:
    """The xlsx writer on `rows` enrollment rows read from the database (the register's columns), written
    to a temporary file as a download is: rows per second, peak memory, sheets."""
    import tempfile

    from django.db import connection

    from maharat.common import tabular

    def generate() -> Iterator[list[Any]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.national_code, t.first_name || ' ' || t.last_name, r.code, s.title, e.hours_attended, e.status "
                "FROM training_enrollment e JOIN people_trainee t ON t.id = e.trainee_id "
                "JOIN training_courserun r ON r.id = e.course_run_id JOIN catalog_standard s ON s.id = r.standard_id "
                "ORDER BY e.id LIMIT %s", [rows])
            while batch := cursor.fetchmany(5000):
                yield from (list(row) for row in batch)

    table = tabular.Table(title="ثبت‌نام‌ها", headers=["کد ملی", "کارآموز", "کد دوره", "استاندارد", "ساعت حضور", "وضعیت"],
                          rows=generate())
    with PeakMemory() as memory, tempfile.TemporaryFile() as target:
        began = time.perf_counter()
        tabular.write_xlsx(table, target, max_rows=max_rows)
        seconds = time.perf_counter() - began
        size = target.tell()
    return ExportRun("xlsx", rows, seconds, size / 2**20, memory.above_start_mb, [], 0.0)


# ---------------------------------------------------------------------------------------------- differential
@dataclass
class Differential:
    writes: int
    accepted: int
    seconds: float
    check_seconds: float
    differing: int
    checked: dict[str, int]
    slices: list[str]
    paths: dict[str, int]


def differential(target_writes: int, *, log: Callable[[str], None] = print) -> Differential:
    """The differential test's writes against the national dataset, then check-summaries for what they touched.

    The world of the test (two provinces' new counties, units, trainees and course runs) is built inside the
    national country and the state machine's rules pick only among its records (Writes.floors), so a rule does
    not list ten million enrollments to pick one; its summary slices sit in the national tables beside every
    other. No invariant runs between the writes (each is a full check, minutes here): the check comes after
    the last write, for every (year, province) the world reaches. Everything is rolled back at the end."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis.stateful import run_state_machine_as_test

    from maharat.common import jalali
    from maharat.factories import TODAY, today_is
    from maharat.monitoring import verify
    # Imported by name: mypy leaves the tests out (pyproject.toml) and would follow a plain import into them.
    diff: Any = importlib.import_module("maharat.monitoring.tests.test_differential")
    from maharat.org.models import Unit

    tables = ("people_trainee", "training_courserun", "training_enrollment", "assessment_candidate",
              "assessment_testsession", "assessment_certificate")
    with connection.cursor() as cursor:
        floors = {}
        for table in tables:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            floors[table] = cursor.fetchone()[0]
    counter = {"attempts": 0, "serial": 10_000}

    class AtVolume(diff.Writes):
        """The test's machine with the world's records only, no invariants and no rollback per example."""

        def teardown(self) -> None:
            self._atomic.__exit__(None, None, None)  # keep the example's writes: the next one starts from them

        def next_serial(self) -> int:
            counter["serial"] += 1
            return counter["serial"]

        def accepted(self, path: str, ok: bool, detail: Any = None) -> None:
            counter["attempts"] += 1
            super().accepted(path, ok, detail)

    for name in ("exact_summary_tables", "national_scorecard_equals_raw_aggregation", "normalised_names"):
        setattr(AtVolume, name, lambda self: None)  # plain methods: no longer invariants
    AtVolume.floors = floors
    from django.test.utils import setup_test_environment, teardown_test_environment

    user = get_user_model().objects.get(username="hq_planner")
    diff.TAKEN.clear()
    setup_test_environment()  # the rules read response.context (the admin's form), as under pytest
    began = time.monotonic()
    result: Differential
    with today_is(TODAY), transaction.atomic():
        ids = diff.build_world(user, check=False)
        profile = settings(max_examples=2 if QUICK else 50, stateful_step_count=40, deadline=None, database=None,
                           phases=[Phase.generate], suppress_health_check=list(HealthCheck))
        while counter["attempts"] < target_writes:
            run_state_machine_as_test(lambda: AtVolume(ids, user), settings=profile)  # type: ignore[arg-type]
            log(f"  differential: {counter['attempts']:,} writes in {time.monotonic() - began:.0f}s")
        seconds = time.monotonic() - began
        days = {d for model, column in ((diff.CourseRun, "end_date"), (diff.Certificate, "issued_on"),
                                        (diff.Sitting, "held_on"))
                for d in model.objects.filter(pk__gt=floors[model._meta.db_table]).values_list(column, flat=True)}
        years = sorted({jalali.year_of(d) for d in days})
        provinces = [Unit.objects.get(code=code) for code in ("IR-26", "IR-03")]
        checked: dict[str, int] = {}
        differing = 0
        began_check = time.monotonic()
        for year in years:
            for province in provinces:
                report = verify.check(year=year, unit=province, limit=20)
                differing += report.total
                for name, n in report.checked.items():
                    checked[name] = checked.get(name, 0) + n
                if report.total:
                    log("\n".join(" | ".join(row) for row in report.display_rows()))
        check_seconds = time.monotonic() - began_check
        result = Differential(counter["attempts"], sum(diff.TAKEN.values()), seconds, check_seconds, differing,
                              checked, [f"{p.code} {y}" for y in years for p in provinces], dict(diff.TAKEN))
        transaction.set_rollback(True)
    teardown_test_environment()
    return result
