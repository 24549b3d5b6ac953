"""The database side of the reliability suite (bench/reliability/run.py runs it as a subprocess, once per task,
with DATABASE_URL naming the database to work on). Prints or writes JSON; never talks to the server.

    dbcheck.py prepare  --out fixture.json --pool readers=30,center=12,province=6,importers=4
        accounts for the load (one per simulated user, so that the API's per-user throttle applies as it would
        to real people), and what the simulated users need: trainee ids each may open, units, standards,
        national-code prefixes no record uses (so that created trainees never collide with the demo's)
    dbcheck.py verify   --log writes.jsonl --out verify.json
        every write the server acknowledged is in the database exactly once with its audit entry; a write that
        failed left nothing behind, or everything (a commit whose answer was lost); no record of the run's
        namespace is unaccounted for
    dbcheck.py snapshot --out snapshot.json [--only summaries]
        every scorecard figure (national and each province, every indicator and section, each year present),
        the audit trail (count and a hash over its ordered rows) and a hash of each summary table
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maharat.config.settings.base")
os.environ.setdefault("DEBUG", "false")  # no query log in memory over thousands of scorecards
os.environ.setdefault("CACHE_URL", "locmemcache://reliability")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection  # noqa: E402

from maharat.access import policy  # noqa: E402
from maharat.access.models import Account  # noqa: E402
from maharat.audit.models import AuditAction, AuditEntry  # noqa: E402
from maharat.catalog.models import Standard  # noqa: E402
from maharat.demo.builder import DEMO_PASSWORD  # noqa: E402
from maharat.demo.names import FEMALE, LAST, MALE  # noqa: E402
from maharat.exchange.models import ImportBatch  # noqa: E402
from maharat.kit.importing import KINDS as IMPORTERS  # noqa: E402
from maharat.org.models import Unit, UnitKind  # noqa: E402
from maharat.people.models import Trainee  # noqa: E402
from maharat.training.models import CourseRun, Enrollment  # noqa: E402

QAZVIN, EAST_AZERBAIJAN = "IR-26", "IR-03"  # the demo's fullest provinces (their published figures)
# Summary tables of monitoring/models.py (and the calendar they group by): hashed without their ids, which a
# rebuild renumbers.
# monitoring_staleslice (slices left for the worker to recompute) is hashed too where it exists: a rebuild
# empties it, so rows waiting there show up as a difference.
SUMMARY_TABLES = ("monitoring_unitmonth", "monitoring_nodemonth", "monitoring_fact", "monitoring_groupfact",
                  "monitoring_traineeyear", "monitoring_calendarday", "monitoring_staleslice")


def summary_tables() -> list[str]:
    present = set(connection.introspection.table_names())
    return [t for t in SUMMARY_TABLES if t in present]


def fetch(sql: str, params: list[Any] | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall()


# ------------------------------------------------------------------------------------------------ prepare


def _units(province: str, kind: str) -> list[Unit]:
    return list(Unit.objects.filter(province__code=province, kind=kind, is_active=True).order_by("code"))


def _free_prefixes(count: int) -> list[str]:
    """Five-digit national-code prefixes that no trainee or trainer uses: 10,000 codes each."""
    used = {p for (p,) in fetch("SELECT DISTINCT LEFT(national_code, 5) FROM people_trainee UNION "
                                "SELECT DISTINCT LEFT(national_code, 5) FROM people_trainer")}
    free = [f"{n:05d}" for n in range(10000, 100000) if f"{n:05d}" not in used and len(set(f"{n:05d}")) > 1]
    random.Random(len(used)).shuffle(free)
    return sorted(free[:count])


def prepare(out: Path, pool: dict[str, int]) -> None:
    User = get_user_model()
    template = User.objects.get(username="hq_planner")  # the demo password's hash, copied (no Argon2 per account)
    ir = Unit.objects.get(code="IR")
    provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code"))
    q_centers = _units(QAZVIN, UnitKind.FIXED_CENTER)
    writing_centers = q_centers[:4]  # several accounts per center: concurrent writes to the same months
    places: dict[str, list[tuple[str, Unit]]] = {
        # readers, in turn: national, provincial (Qazvin first, then the others) and center views
        "readers": [place for i in range(max(len(provinces), len(q_centers))) for place in (
            ("hq_viewer", ir), ("provincial_manager", sorted(provinces, key=lambda p: p.code != QAZVIN)[i % len(provinces)]),
            ("center_head", q_centers[i % len(q_centers)]))],
        "center": [("center_head", c) for c in writing_centers],
        "province": [("provincial_expert", p) for p in provinces if p.code in (QAZVIN, EAST_AZERBAIJAN)],
        "importers": [("center_head", c) for c in writing_centers],
    }
    accounts: dict[str, list[dict[str, Any]]] = {}
    existing = set(User.objects.filter(username__startswith="rel_").values_list("username", flat=True))
    new_users, new_accounts = [], []
    for kind, n in pool.items():
        accounts[kind] = []
        for i in range(n):
            role, unit = places[kind][i % len(places[kind])]
            username = f"rel_{kind}_{i:03d}"
            accounts[kind].append({"username": username, "role": role, "unit": unit.code, "unit_id": unit.pk})
            if username not in existing:
                user = User(username=username, password=template.password, first_name="بار", last_name=f"آزمون {i}",
                            email=f"{username}@maharat.local")
                new_users.append(user)
                new_accounts.append((user, role, unit))
    User.objects.bulk_create(new_users)
    Account.objects.bulk_create([Account(user=u, role=r, unit=un) for u, r, un in new_accounts])
    # What each reader may open: a sample of the trainees in its scope (one query per distinct place).
    samples: dict[tuple[str, str], list[int]] = {}
    by_name = {u.username: u for u in User.objects.filter(username__startswith="rel_")}
    for kind in ("readers", "importers"):
        for a in accounts[kind]:
            place = (a["role"], a["unit"])
            if place not in samples:
                scope = policy.scope(by_name[a["username"]], Trainee.objects.all())
                samples[place] = list(scope.order_by("?").values_list("pk", flat=True)[:40])
            a["trainees"] = samples[place]
    write_units = {p.code: [u.code for u in _units(p.code, UnitKind.FIXED_CENTER)[:6]]
                   for p in provinces if p.code in (QAZVIN, EAST_AZERBAIJAN)}
    columns = {c.key: c.header for c in IMPORTERS["trainees"]().columns}
    fixture = {
        "password": DEMO_PASSWORD,
        "accounts": accounts,
        "provinces": [p.code for p in provinces],
        "province_centers": write_units,
        "standards": list(Standard.objects.filter(is_active=True).order_by("code").values_list("code", flat=True)),
        "code_prefixes": _free_prefixes(40),
        "names": {"male": MALE, "female": FEMALE, "last": LAST},
        "search_terms": LAST[:30] + MALE[:10] + FEMALE[:10] + [f"{LAST[i]} {MALE[i]}" for i in range(5)],
        "import_headers": columns,
        "years": sorted({y for (y,) in fetch("SELECT DISTINCT year FROM monitoring_nodemonth")}),
    }
    out.write_text(json.dumps(fixture, ensure_ascii=False, indent=1))
    print(f"prepared {sum(len(v) for v in accounts.values())} accounts ({len(new_users)} new), "
          f"{len(fixture['code_prefixes'])} free national-code prefixes")


# ------------------------------------------------------------------------------------------------- verify


def _audit_counts(model: type, ids: list[int], action: str = AuditAction.CREATE) -> Counter:
    ct = ContentType.objects.get_for_model(model)
    counts: Counter = Counter()
    for start in range(0, len(ids), 5000):
        part = [str(i) for i in ids[start:start + 5000]]
        counts.update(AuditEntry.objects.filter(content_type=ct, object_id__in=part, action=action)
                      .values_list("object_id", flat=True))
    return counts


def verify(log: Path, out: Path) -> None:
    """Acknowledged writes: present once, with the id the server gave, and exactly one 'create' audit entry.
    Failed writes: absent, or present with their audit entry (all or nothing). Nothing else in the namespace."""
    acked: dict[str, dict[Any, int]] = defaultdict(dict)  # kind -> natural key -> id
    failed: dict[str, set[Any]] = defaultdict(set)
    batches: list[dict[str, Any]] = []
    runs: set[str] = set()
    for line in log.read_text().splitlines():
        w = json.loads(line)
        runs.add(w["run"])
        key = tuple(w["key"]) if isinstance(w["key"], list) else w["key"]
        if w["kind"] == "import":
            if w["ok"]:
                batches.append(w)
                for code in w["key"]:
                    acked["trainee_import"][code] = 0
            else:
                failed["trainee_import"].update(w["key"])
        elif w["ok"]:
            if key in acked[w["kind"]]:
                acked[w["kind"]][key] = -1  # acknowledged twice: the client would have sent it twice
            else:
                acked[w["kind"]][key] = w["id"]
        else:
            failed[w["kind"]].add(key)
    problems: list[str] = []
    report: dict[str, Any] = {"acknowledged": {k: len(v) for k, v in acked.items()},
                              "failed_attempts": {k: len(v) for k, v in failed.items()}}

    def stored_trainees(codes: set[str]) -> dict[str, list[int]]:
        found: dict[str, list[int]] = defaultdict(list)
        codes_list = sorted(codes)
        for start in range(0, len(codes_list), 5000):
            for pk, code in Trainee.objects.filter(national_code__in=codes_list[start:start + 5000]).values_list(
                    "pk", "national_code"):
                found[code].append(pk)
        return found

    def check(kind: str, model: type, stored: dict[Any, list[int]]) -> None:
        ok_keys, bad_keys = acked.get(kind, {}), failed.get(kind, set()) - set(acked.get(kind, {}))
        ids = [pk for pks in stored.values() for pk in pks]
        audits = _audit_counts(model, ids)
        lost = [k for k in ok_keys if not stored.get(k)]
        dup = [k for k, pks in stored.items() if len(pks) > 1]
        wrong_id = [k for k, pk in ok_keys.items() if pk > 0 and stored.get(k) and stored[k] != [pk]]
        twice = [k for k, pk in ok_keys.items() if pk == -1]
        no_audit = [k for k in ok_keys if stored.get(k) and audits[str(stored[k][0])] != 1]
        half = [k for k in bad_keys if stored.get(k) and audits[str(stored[k][0])] != 1]
        committed_anyway = [k for k in bad_keys if stored.get(k)]
        report[kind] = {"acknowledged": len(ok_keys), "found": sum(1 for k in ok_keys if stored.get(k)),
                        "lost": len(lost), "duplicated": len(dup), "wrong_id": len(wrong_id),
                        "acknowledged_twice": len(twice), "without_one_audit_entry": len(no_audit),
                        "failed_attempts": len(bad_keys), "failed_but_committed": len(committed_anyway),
                        "half_written": len(half)}
        for label, keys in (("lost", lost), ("duplicated", dup), ("stored under another id", wrong_id),
                            ("acknowledged twice", twice), ("without exactly one audit entry", no_audit),
                            ("half written after a failure", half)):
            if keys:
                problems.append(f"{kind}: {len(keys)} {label}, e.g. {keys[:3]}")

    # Trainees (API and imports): by national code.
    codes = set(acked.get("trainee", {})) | failed.get("trainee", set())
    check("trainee", Trainee, stored_trainees(codes))
    imported = set(acked.get("trainee_import", {})) | failed.get("trainee_import", set())
    check("trainee_import", Trainee, stored_trainees(imported))
    # Course runs: by code.
    run_codes = sorted(set(acked.get("courserun", {})) | failed.get("courserun", set()))
    stored_runs: dict[Any, list[int]] = defaultdict(list)
    for pk, code in CourseRun.objects.filter(code__in=run_codes).values_list("pk", "code"):
        stored_runs[code].append(pk)
    check("courserun", CourseRun, stored_runs)
    # Enrollments: by (course run code, national code).
    pairs = set(acked.get("enrollment", {})) | failed.get("enrollment", set())
    stored_enr: dict[Any, list[int]] = defaultdict(list)
    for pk, code, nc in Enrollment.objects.filter(course_run__code__in={p[0] for p in pairs}).values_list(
            "pk", "course_run__code", "trainee__national_code"):
        if (code, nc) in pairs:
            stored_enr[(code, nc)].append(pk)
    check("enrollment", Enrollment, stored_enr)
    # Import batches: done, as many created as rows sent, one audit entry each.
    ct = ContentType.objects.get_for_model(ImportBatch)
    bad_batches = []
    for b in batches:
        batch = ImportBatch.objects.filter(pk=b["id"]).first()
        entries = AuditEntry.objects.filter(content_type=ct, object_id=str(b["id"])).count()
        if batch is None or batch.status != "done" or batch.created != len(b["key"]) or entries != 1:
            bad_batches.append((b["id"], batch and batch.status, batch and batch.created, entries))
    report["import_batches"] = {"acknowledged": len(batches), "inconsistent": len(bad_batches)}
    if bad_batches:
        problems.append(f"import batches not done / wrong count / not audited once: {bad_batches[:5]}")
    # Nothing in the runs' namespaces that no client saw written (a request applied twice, say).
    for run in runs:
        extra = CourseRun.objects.filter(code__startswith=f"RL{run}-").exclude(code__in=run_codes).count()
        if extra:
            problems.append(f"{extra} course runs of run {run} that no client saw acknowledged or fail")
    known = codes | imported
    unseen = 0
    run_prefixes = {c[:5] for c in known}
    for prefix in run_prefixes:
        unseen += Trainee.objects.filter(national_code__startswith=prefix).exclude(national_code__in=known).count()
    if unseen:
        problems.append(f"{unseen} trainees under the run's national-code prefixes that no client saw written")
    report["unaccounted_records"] = unseen
    report["problems"] = problems
    report["ok"] = not problems
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    print(json.dumps(report, ensure_ascii=False, default=str))


# ----------------------------------------------------------------------------------------------- snapshot


def table_hash(table: str) -> dict[str, Any]:
    columns = [c for (c,) in fetch("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                   "AND column_name <> 'id' ORDER BY ordinal_position", [table])]
    cols = ", ".join(f'"{c}"' for c in columns)
    count, digest = fetch(f"SELECT COUNT(*), md5(COALESCE(string_agg(r, E'\\n' ORDER BY r), '')) "
                          f"FROM (SELECT ROW({cols})::text AS r FROM {table}) t")[0]
    return {"rows": count, "md5": digest}


def table_rows(table: str) -> set[str]:
    columns = [c for (c,) in fetch("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                                   "AND column_name <> 'id' ORDER BY ordinal_position", [table])]
    cols = ", ".join(f'"{c}"' for c in columns)
    return {r for (r,) in fetch(f"SELECT ROW({cols})::text FROM {table}")}


def audit_hash() -> dict[str, Any]:
    # Every column, in id order; the session's time zone is fixed so that timestamps print alike.
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    count, digest, last = fetch("SELECT COUNT(*), md5(COALESCE(string_agg(md5(a::text), '' ORDER BY a.id), '')), "
                                "MAX(a.id) FROM audit_auditentry a")[0]
    return {"rows": count, "md5": digest, "max_id": last}


def snapshot(out: Path, only: str | None, last_years: int | None = None) -> None:
    from maharat.monitoring.selectors import scorecard
    from maharat.plans.indicators import INDICATORS

    data: dict[str, Any] = {"summaries": {t: table_hash(t) for t in summary_tables()}}
    if only != "summaries":
        data["audit"] = audit_hash()
        data["counts"] = {name: fetch(f"SELECT COUNT(*) FROM {name}")[0][0] for name in (
            "people_trainee", "training_courserun", "training_enrollment", "exchange_importbatch", "plans_commitment")}
        years = sorted({y for (y,) in fetch("SELECT DISTINCT year FROM monitoring_nodemonth UNION "
                                            "SELECT DISTINCT year FROM plans_commitment")})
        # The smoke run's budget: the scorecards of the latest years only (the summary tables, whose hashes are
        # compared above, hold every year's figures either way).
        years = years[-last_years:] if last_years else years
        nodes = [Unit.objects.get(code="IR"), *Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code")]
        cards: dict[str, Any] = {}
        figures = 0
        for year in years:
            for node in nodes:
                for indicator in INDICATORS:
                    for section in ("total", "public", "private"):
                        card = scorecard(node, year, indicator, section)
                        rows = [[r.unit.code, r.commitment, r.achieved, r.percent, r.expected, r.pace, r.projection,
                                 r.light, r.rank] for r in [*card.rows, *([card.total] if card.total else [])]]
                        figures += sum(len(r) - 1 for r in rows)
                        cards[f"{year}/{node.code}/{indicator}/{section}"] = rows
        data["years"] = years
        data["scorecard_figures"] = figures
        data["scorecards"] = cards
        data["scorecards_md5"] = hashlib.md5(json.dumps(cards, sort_keys=True).encode()).hexdigest()
    out.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str))
    print(json.dumps({k: v for k, v in data.items() if k != "scorecards"}, ensure_ascii=False, default=str))


def diff_rows(table: str, before_file: Path, out: Path) -> None:
    """After a rebuild that changed `table`: the rows before (saved by `rows`) against the rows now."""
    before = set(json.loads(before_file.read_text()))
    now = table_rows(table)
    out.write_text(json.dumps({"only_before": sorted(before - now)[:50], "only_after": sorted(now - before)[:50],
                               "n_before_only": len(before - now), "n_after_only": len(now - before)},
                              ensure_ascii=False, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--pool", required=True, help="readers=N,center=N,province=N,importers=N")
    v = sub.add_parser("verify")
    v.add_argument("--log", type=Path, required=True)
    v.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("--only", choices=["summaries"])
    s.add_argument("--last-years", type=int, help="scorecards of the latest N years only (default: every year)")
    r = sub.add_parser("rows", help="every row of summary tables, as text (to diff after a rebuild)")
    r.add_argument("--table", required=True, choices=SUMMARY_TABLES)
    r.add_argument("--out", type=Path, required=True)
    d = sub.add_parser("diff-rows")
    d.add_argument("--table", required=True, choices=SUMMARY_TABLES)
    d.add_argument("--before", type=Path, required=True)
    d.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args.out, {k: int(n) for k, n in (part.split("=") for part in args.pool.split(","))})
    elif args.command == "verify":
        verify(args.log, args.out)
    elif args.command == "snapshot":
        snapshot(args.out, args.only, args.last_years)
    elif args.command == "rows":
        args.out.write_text(json.dumps(sorted(table_rows(args.table)), ensure_ascii=False))
    else:
        diff_rows(args.table, args.before, args.out)


if __name__ == "__main__":
    main()
