"""`make bench`: the benchmark suite. Prints one table: p50 / p95 (or throughput), the baseline measured in
the same run, the target, and whether it is met. Not a test: nothing here fails on a time.

Dataset: a PostgreSQL database (BENCH_DATABASE_URL, default maharat_bench on 127.0.0.1) holding the demo
country at BENCH_SCALE (default `national`: about 10 million enrollments over seven years), built on first
use with `maharat demo --bulk`. BENCH_QUICK=1 (the CI smoke run) repeats each measure a few times only.

    .venv/bin/python bench/run.py            # everything
    .venv/bin/python bench/run.py reads      # only the in-process reads and freshness (bench/growth.py)
    .venv/bin/python bench/run.py crawl      # only the pages of every demo role's menu (bench/volume.py)
    .venv/bin/python bench/run.py exports    # only the CSV and xlsx exports at volume
    .venv/bin/python bench/run.py differential   # only the long differential of the summaries (issue 13)
    .venv/bin/python bench/run.py weight     # only the page weights in Chromium, production configuration (bench/weight.py)
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/maharat_bench")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maharat.config.settings.base")
os.environ["DEBUG"] = "false"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")  # the in-process client is "testserver"
os.environ.setdefault("MAHARAT_DEV_SIGNING_KEY", "true")  # the demo signs certificates with a throw-away key
SCALE = os.environ.get("BENCH_SCALE", "national")
QUICK = os.environ.get("BENCH_QUICK") == "1"
REPEAT = 5 if QUICK else 30

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its layout steps are logged at INFO
logging.getLogger("axes").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)  # "Processing …" for every font subset


@dataclass
class Result:
    measure: str
    p50: str = ""
    p95: str = ""
    throughput: str = ""
    baseline: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, float]:
    """p50 and p95 in milliseconds, after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, round(len(samples) * 0.95) - 1)]


def ms(value: float) -> str:
    return f"{value:,.2f} ms"


# ---------------------------------------------------------------------------------------------- dataset
def ensure_dataset() -> None:
    from django.contrib.auth import get_user_model

    from maharat.training.models import CourseRun

    call_command("migrate", verbosity=0)
    if CourseRun.objects.exists():
        if not get_user_model().objects.filter(username="hq_planner").exists():
            sys.exit("the benchmark database holds something other than the demo country: drop it and run again")
        return
    print(f"building the benchmark country (scale {SCALE}) ...", flush=True)
    args = ["--scale", SCALE] if SCALE == "national" else ["--scale", SCALE, "--bulk"]
    call_command("demo", *args)


# ---------------------------------------------------------------------------------------------- baselines
def baseline_group_by(year: int, province_id: int | None = None) -> dict[int, tuple[int, int]]:
    """The scorecard's figures the hard way: a GROUP BY over the raw enrollment table (person-hours and
    enrollments per province, or per county within a province)."""
    from maharat.common import jalali

    first, last = jalali.year_bounds(year)
    key = "u.county_id" if province_id else "u.province_id"
    where = "AND u.province_id = %s" if province_id else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, SUM(e.hours_attended), COUNT(*) FROM training_enrollment e "
            "JOIN training_courserun r ON r.id = e.course_run_id JOIN org_unit u ON u.id = r.unit_id "
            f"WHERE r.end_date BETWEEN %s AND %s {where} GROUP BY {key}",
            [first, last, *([province_id] if province_id else [])],
        )
        return {k: (int(ph), int(n)) for k, ph, n in cursor.fetchall() if k is not None}


def check_same_figures(parent, year: int, baseline: dict[int, tuple[int, int]]) -> str:  # type: ignore[no-untyped-def]
    """The summary read must give exactly the baseline's figures, or the speed means nothing."""
    from maharat.monitoring.selectors import monitored_children, node_measures

    children = [c for c in monitored_children(parent) if c.pk in baseline]
    measures = node_measures([c.pk for c in children], year)
    wrong = [c.code for c in children
             if (int(measures[c.pk]["person_hours"]), int(measures[c.pk]["enrollments"])) != baseline[c.pk]]
    if wrong:
        raise SystemExit(f"summary figures differ from the raw GROUP BY for {wrong[:5]}")
    return f"same figures for {len(children)} units"


# ---------------------------------------------------------------------------------------------- measures
def reads(year: int) -> list[Result]:
    from django.test import Client

    from maharat.monitoring.selectors import scorecard
    from maharat.org.models import Unit
    from maharat.people.models import Trainee
    from maharat.people.selectors import person_search

    out = []
    hq, province = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-23")  # Tehran: the largest province
    base_repeat = 3 if Unit.objects.count() > 10_000 and not QUICK else REPEAT
    for name, parent, province_id in (("national scorecard (31 provinces)", hq, None),
                                      (f"province drill-down ({province.name})", province, province.pk)):
        p50, p95 = timed(lambda parent=parent: scorecard(parent, year))
        b50, _ = timed(lambda pid=province_id: baseline_group_by(year, pid), repeat=base_repeat)
        same = check_same_figures(parent, year, baseline_group_by(year, province_id))
        out.append(Result(name, ms(p50), ms(p95), baseline=f"GROUP BY p50 {b50:,.0f} ms → {b50 / p50:,.0f}×",
                          target="p95 < 50 ms, ≥ 50×", met=p95 < 50 and b50 / p50 >= 50, note=same))

    client = Client()
    client.force_login(__import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
                       .objects.get(username="hq_planner"))
    center = Unit.objects.filter(province=province, kind="fixed_center").order_by("code").first()
    url = f"/monitoring/{center.code}/unit/?year={year}"
    assert client.get(url).status_code == 200, url
    p50, p95 = timed(lambda: client.get(url))
    out.append(Result(f"unit page with monthly trend ({center.code}, whole HTTP response)", ms(p50), ms(p95)))

    code = Trainee.objects.filter(pk__gte=Trainee.objects.order_by("-pk").values_list("pk", flat=True)[0] // 2) \
        .order_by("pk").values_list("national_code", flat=True)[0]
    p50, p95 = timed(lambda: list(person_search(Trainee.objects.all(), code)[:20]))
    out.append(Result("trainee by national code", ms(p50), ms(p95), target="< 5 ms", met=p95 < 5))
    query = "زهرا احمدي"  # Arabic yeh, as many keyboards type it: normalised before the search
    hits = person_search(Trainee.objects.all(), query)
    p50, p95 = timed(lambda: list(hits.all()[:20]))
    out.append(Result(f"trainee by Persian name fragment («{query}», first page of 20)", ms(p50), ms(p95),
                      note=f"{hits.count():,} matches"))
    return out


def freshness(year: int) -> Result:
    """Record a completed enrollment through the same write path as the pages, then read the national
    scorecard until it shows it. The summaries are updated in the write's own transaction."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import transaction

    from maharat.access.writes import delete_record, save_record
    from maharat.common import jalali
    from maharat.monitoring.selectors import scorecard
    from maharat.org.models import Unit
    from maharat.people.models import Trainee
    from maharat.training.models import CourseRun, Enrollment

    user = get_user_model().objects.get(username="hq_planner")
    hq = Unit.objects.get(code="IR")
    center = Unit.objects.filter(kind="fixed_center", province__code="IR-26").order_by("code").first()
    today = jalali.today()
    this_year = today.year
    run = CourseRun(code=f"BENCH-{time.time_ns()}", unit=center, standard_id=CourseRun.objects.values_list(
        "standard_id", flat=True).first(), mode="fixed_center", start_date=dt.date.today() - dt.timedelta(days=20),
        end_date=dt.date.today(), hours=100, capacity=200)
    save_record(user=user, instance=run, persist=lambda: (run.save(), run)[1])
    trainees = list(Trainee.objects.filter(birth_date__lt=dt.date(2000, 1, 1)).order_by("pk")[:REPEAT])

    def total() -> int:
        card = scorecard(hq, this_year)
        return int(card.total.achieved)

    samples, saved = [], []
    try:
        for trainee in trainees:
            before = total()
            started = time.perf_counter()
            e = Enrollment(course_run=run, trainee=trainee, hours_attended=100, status="completed")
            e.full_clean()
            saved.append(save_record(user=user, instance=e, persist=lambda e=e: (e.save(), e)[1]))
            while total() != before + 100:  # seen by a fresh read: committed, summarised, visible
                if time.perf_counter() - started > 10:
                    raise SystemExit("freshness: the scorecard did not show the new enrollment within 10 s")
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        with transaction.atomic():
            for e in saved:
                delete_record(user=user, instance=e)
            delete_record(user=user, instance=run)
    samples.sort()
    p50, p95 = statistics.median(samples), samples[max(0, round(len(samples) * 0.95) - 1)]
    return Result("freshness: completed enrollment → national scorecard", ms(p50), ms(p95),
                  target="< 1 s", met=p95 < 1000, note=f"{len(samples)} enrollments through save_record")


def certificates_pdf() -> Result:
    from maharat.assessment import pdf
    from maharat.assessment.models import Certificate

    batch = 20 if QUICK else 200
    certs = list(Certificate.objects.select_related("trainee", "standard", "issuing_unit", "training_unit")
                 .order_by("pk")[:batch])
    pdf.render(certs[:2])  # warm up: fonts
    started = time.perf_counter()
    data = pdf.render(certs)
    seconds = time.perf_counter() - started
    rate = len(certs) / seconds
    return Result(f"batch certificate PDFs ({len(certs)} in one file, {len(data) // 1024:,} KiB)",
                  throughput=f"{rate:,.1f} certificates/s", target="≥ 20/s", met=rate >= 20)


def verification() -> list[Result]:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "verify_load.py")], capture_output=True, text=True,
                         env={**os.environ, "BENCH_DATABASE_URL": DATABASE_URL})
    if out.returncode != 0:
        print(out.stdout, out.stderr, file=sys.stderr)
        return [Result("public verification", note="failed: see the output above")]
    results = []
    for row in json.loads(out.stdout.strip().splitlines()[-1]):
        results.append(Result(row["measure"], ms(row["p50"]), "", f"{row['rps']:,.0f} req/s, p99 {row['p99']:.1f} ms",
                              target="≥ 2,000 req/s, p99 < 20 ms", met=row["rps"] >= 2000 and row["p99"] < 20,
                              note=row["note"]))
    return results


def imports() -> list[Result]:
    rows = "2000" if QUICK else "100000"
    url = DATABASE_URL.rsplit("/", 1)[0] + "/maharat_import_bench"
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "maharat_import_bench"], capture_output=True)
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "import_enrollments.py"), rows, "--json"],
                         capture_output=True, text=True, env={**os.environ, "BENCH_DATABASE_URL": url})
    if out.returncode != 0:
        print(out.stdout, out.stderr, file=sys.stderr)
        return [Result("import", note="failed: see the output above")]
    results = []
    for row in json.loads(out.stdout.strip().splitlines()[-1]):
        target = 20_000 if row["source"] == "csv" else None
        results.append(Result(f"import {row['rows']:,} enrollment rows from {row['source']}",
                              throughput=f"{row['rate']:,.0f} rows/s ({row['seconds']:.1f} s)",
                              target="≥ 20,000 rows/s" if target else "",
                              met=row["rate"] >= target if target else None))
    return results


# ---------------------------------------------------------------------------------------------- at volume
def _volume() -> Any:
    """bench/volume.py (bench/ is on sys.path once main() runs; a script directory, not a package)."""
    import importlib

    return importlib.import_module("volume")


CRAWL_DETAIL: list[str] = []  # the per-page table, printed after the main one


def crawl_results() -> list[Result]:
    """Every page of each demo role's menu and the main links of those pages (bench/volume.py: crawl)."""
    volume = _volume()

    found = volume.crawl(repeat=1 if QUICK else 5, links_per_page=3 if QUICK else 8,
                         log=lambda line: print(line, flush=True))
    out = []
    for role in dict.fromkeys(p.role for p in found.pages):
        pages = [p for p in found.pages if p.role == role and p.status == 200]
        if not pages:
            continue
        worst = max(pages, key=lambda p: p.p95)
        over = [p for p in pages if p.p95 >= volume.PAGE_TARGET_MS]
        out.append(Result(f"pages of {role}'s menu and their links ({len(pages)} pages)",
                          ms(statistics.median(p.p50 for p in pages)), ms(worst.p95),
                          target=f"every page p95 < {volume.PAGE_TARGET_MS} ms", met=not over,
                          note=f"slowest {worst.url}" + (f"; {len(over)} over: " + ", ".join(
                              p.url for p in sorted(over, key=lambda p: -p.p95)[:6]) if over else "")))
    errors = found.errors
    if errors:
        out.append(Result("pages that failed", note="; ".join(errors[:10]), met=False))
    CRAWL_DETAIL.append("| role | page | via | p50 | p95 |")
    CRAWL_DETAIL.append("|---|---|---|---:|---:|")
    for p in sorted(found.pages, key=lambda p: -p.p95):
        CRAWL_DETAIL.append(f"| {p.role} | {p.url} | {p.via} | {ms(p.p50)} | {ms(p.p95)} |")
    return out


def export_results() -> list[Result]:
    """The enrollment register as CSV and xlsx at national volume (bench/volume.py: export, xlsx_table)."""
    volume = _volume()

    out = []
    csv = volume.export("/enrollments/", fmt="csv")
    marks = ", ".join(f"{n / 1e6:.0f} M rows {mb:,.0f} MB" if n >= 1e6 else f"{n:,} rows {mb:,.0f} MB"
                      for n, mb in csv.checkpoints[:: max(1, len(csv.checkpoints) // 4)])
    out.append(Result(f"CSV export of the enrollment register ({csv.rows:,} rows, {csv.megabytes:,.0f} MB, streamed)",
                      throughput=f"{csv.rate:,.0f} rows/s ({csv.seconds:.1f} s)", target="≥ 100,000 rows/s, memory flat",
                      met=csv.rate >= 100_000, note=f"first byte {csv.first_byte_s:.2f} s; peak memory +{csv.peak_mb:,.0f} MB"
                      + (f"; memory above the start at {marks}" if marks else "")))
    rows, per_sheet = (3_000, 1_000) if QUICK else (1_100_000, 1_048_576)
    xlsx = volume.xlsx_table(rows, max_rows=per_sheet)
    sheets = -(-rows // (per_sheet - 1))
    out.append(Result(f"xlsx export, {rows:,} enrollment rows (write-only, {per_sheet:,} rows a sheet: {sheets} sheets)",
                      throughput=f"{xlsx.rate:,.0f} rows/s ({xlsx.seconds:.1f} s, {xlsx.megabytes:,.0f} MB)",
                      note=f"peak memory +{xlsx.peak_mb:,.0f} MB"))
    return out


def differential_result() -> Result:
    """issue 13: the long differential (10,000 writes) against the national dataset, then check-summaries."""
    volume = _volume()

    writes = int(os.environ.get("BENCH_DIFFERENTIAL_WRITES") or (60 if QUICK else 10_000))
    found = volume.differential(writes, log=lambda line: print(line, flush=True))
    checked = ", ".join(f"{k} {v:,}" for k, v in found.checked.items())
    return Result(f"differential at volume: {found.writes:,} writes ({found.accepted:,} accepted) through pages, API, "
                  "imports and services, then check-summaries of the touched slices",
                  throughput=f"{found.writes / found.seconds:,.1f} writes/s ({found.seconds:,.0f} s; check {found.check_seconds:,.0f} s)",
                  target="0 differing rows", met=found.differing == 0,
                  note=f"{found.differing} differing rows; slices {', '.join(found.slices)}; compared {checked}")


WEIGHT_DETAIL: list[str] = []  # the per-page table of weights, printed after the main one


def weight_results() -> list[Result]:
    """issue 16: bytes and requests of each main page in Chromium, first and repeat load, under the production
    configuration (bench/weight.py: collectstatic, granian, production settings on this database)."""
    import importlib

    from django.conf import settings

    weight = importlib.import_module("weight")
    pages = weight.main_pages()  # read here, before Playwright's event loop takes this thread
    key = Path(settings.VAR_DIR) / "keys" / "signing-key.pem"  # the key the demo signed with (development key)
    log = lambda line: print(line, flush=True)  # noqa: E731
    with weight.ProductionServer(DATABASE_URL, key, log) as server:
        found = weight.measure(server.base, pages, rounds=1 if QUICK else 3, log=log)
    out = []
    for w in found:
        first = statistics.median(b for b, _ in w.rounds)
        repeat = statistics.median(b for _, b in w.rounds)
        only_html = w.repeat.requests == 1 and set(w.repeat.by_kind) == {"html"}
        home = w.path == "/"
        met = only_html and (first < weight.HOME_TARGET_BYTES if home else True)
        parts = ", ".join(f"{k} {weight.kb(v)}" for k, v in sorted(w.first.by_kind.items(), key=lambda kv: -kv[1]))
        failed = f"; failed: {'; '.join(w.first.failed + w.repeat.failed)}" if w.first.failed or w.repeat.failed else ""
        out.append(Result(f"page weight: {w.name} ({w.path})",
                          throughput=f"first {weight.kb(first)} / {w.first.requests} req; "
                                     f"repeat {weight.kb(repeat)} / {w.repeat.requests} req",
                          target=("first < 250 KB, " if home else "") + "repeat: the HTML only", met=met,
                          note=f"first load: {parts}; repeat: {w.repeat.from_cache} from cache{failed}"))
    problems, summary = weight.static_check(found)
    out.append(Result("static files of those pages: hashed names, immutable, compressed",
                      met=not problems, note="; ".join(problems[:8]) or summary))
    WEIGHT_DETAIL.append("| page | first load | requests | repeat load | requests | html | css | js | fonts | other |")
    WEIGHT_DETAIL.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for w in found:
        k = w.first.by_kind
        other = sum(v for n, v in k.items() if n not in ("html", "css", "js", "font"))
        WEIGHT_DETAIL.append(
            f"| {w.name} | {weight.kb(statistics.median(b for b, _ in w.rounds))} | {w.first.requests} | "
            f"{weight.kb(statistics.median(b for _, b in w.rounds))} | {w.repeat.requests} | "
            + " | ".join(weight.kb(k.get(n, 0)) for n in ("html", "css", "js", "font")) + f" | {weight.kb(other)} |")
    return out


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    only = args[0] if args else ""
    ensure_dataset()
    from maharat.common import jalali
    from maharat.training.models import Enrollment

    year = jalali.today().year - 1  # the last whole year
    with connection.cursor() as cursor:  # the planner's estimate: counting ten million rows takes seconds
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'training_enrollment'")
        enrollments = cursor.fetchone()[0] if connection.vendor == "postgresql" else Enrollment.objects.count()
    print(f"database: {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}; "
          f"enrollments: about {enrollments:,}; year {year}; {REPEAT} runs per read", flush=True)
    sys.path.insert(0, str(ROOT / "bench"))
    if only == "crawl":
        results = crawl_results()
    elif only == "exports":
        results = export_results()
    elif only == "differential":
        results = [differential_result()]
    elif only == "weight":
        results = weight_results()
    else:
        results = reads(year)
        results.append(freshness(year))
    if not only:
        results.append(certificates_pdf())
        results += verification()
        results += imports()
        results += crawl_results()
        results += export_results()
        results.append(differential_result())
        results += weight_results()
    if "--json" in sys.argv:  # for bench/growth.py
        print(json.dumps({"enrollments": enrollments, "results": [r.__dict__ for r in results]}))
        return
    print()
    print("| measure | p50 | p95 | throughput | baseline (same run) | target | met | note |")
    print("|---|---:|---:|---:|---|---|---|---|")
    for r in results:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        print(f"| {r.measure} | {r.p50} | {r.p95} | {r.throughput} | {r.baseline} | {r.target} | {met} | {r.note} |")
    if CRAWL_DETAIL:
        print()
        print("Pages, slowest first:")
        print("\n".join(CRAWL_DETAIL))
    if WEIGHT_DETAIL:
        print()
        print("Page weight (bytes on the wire, Chromium, production configuration; repeat: the same page again):")
        print("\n".join(WEIGHT_DETAIL))


if __name__ == "__main__":
    main()
