"""Proof under load and faults (`make reliability`, `make reliability-smoke`; docs/reliability.md).

    .venv/bin/python bench/reliability/run.py all --smoke      # CI: about three minutes, 30 s of load
    .venv/bin/python bench/reliability/run.py all              # 200 users for 10 minutes, then the rest
    .venv/bin/python bench/reliability/run.py load|restart|backup [--smoke] [options]

On PostgreSQL and loopback only, in the production configuration of docs/deployment.md (production settings,
collected static files, Redis as the cache, `maharat worker`, granian 2 workers x 1 thread; the client plays
the TLS-ending proxy as scripts/prod-smoke.sh does), on a demo country built in a dedicated database:

- load     Locust (locustfile.py): readers, scorecards, searches, entries through the API by a center head and a
           provincial expert, CSV imports through the page. Afterwards: no failed request, no request without an
           answer within the client timeout, and every acknowledged write in the database exactly once with its
           audit entry (dbcheck.py verify). Prints p50/p95/p99 per page from Locust's statistics.
- restart  the same load, shorter; PostgreSQL is restarted in the middle (pg_ctlcluster). Requests during the
           outage must fail fast and cleanly (a 5xx answer, no hang), every request after it must succeed with
           no manual action, the worker must still take queued imports, and no write may be lost or half done.
           WARNING: this restarts the machine's PostgreSQL cluster, which every other user of it notices.
- backup   pg_dump (custom format) of the load database, pg_restore into a fresh one, then: every scorecard
           figure, the audit trail (count and hash over its ordered rows) and every summary table identical,
           `maharat check-summaries` finds 0 differing rows on the restored copy, and
           `maharat rebuild-summaries` on it changes nothing.

Exit status 0 only if every check of the chosen parts passed. Everything lands in var/reliability/<run>/
(Locust's CSV files, the write and request logs, the server's logs, results.json).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PG = ["-h", "127.0.0.1", "-p", "5432", "-U", "postgres"]
PUBLIC_HOST = "maharat.localhost"  # the public name the proxy forwards in Host (ALLOWED_HOSTS)
WEIGHTS = {"readers": 10, "center": 4, "province": 2, "importers": 1}  # locustfile.py's user classes
INLINE_LIMIT_BYTES = 400_000  # exchange/services.py: larger uploads are queued for `maharat worker`

PROFILES: dict[str, dict[str, Any]] = {
    # users, seconds of load, restart run: seconds and when PostgreSQL restarts, demo scale, database
    # users, seconds of load, think time between one user's requests (min,max s); the restart run: its users,
    # seconds and the second at which PostgreSQL restarts; demo scale, database. 200 people at an office pace
    # (a request every 10-40 s) offer ~8 requests/s; the smoke's 20 users click faster for a similar mix.
    "full": {"users": 200, "duration": 600, "wait": "10,40", "restart_users": 50, "restart_duration": 90,
             "restart_at": 45, "scale": 0.01, "db": "maharat_rel_load", "snapshot_years": 0},
    # The smoke run proves each check once within CI's budget: 30 s of load, then 35 s with the restart at 12 s
    # (PostgreSQL is back within a few seconds, leaving about 20 s of requests that must all succeed); the
    # backup's scorecards compared for the latest two years (all years: 78 s of the smoke's six minutes).
    "smoke": {"users": 20, "duration": 30, "wait": "2,8", "restart_users": 20, "restart_duration": 35,
              "restart_at": 12, "scale": 0.002, "db": "maharat_rel_smoke", "snapshot_years": 2},
}

_processes: list[subprocess.Popen] = []


def say(text: str) -> None:
    print(f"== reliability: {text}", flush=True)


def pg_url(db: str) -> str:
    return f"postgres://postgres@127.0.0.1:{PG[3]}/{db}"


def run(cmd: list[str], *, env: dict[str, str] | None = None, log: Path | None = None, timeout: float = 3600,
        check: bool = True) -> subprocess.CompletedProcess:
    out = log.open("a") if log else subprocess.PIPE
    try:
        result = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                text=True, timeout=timeout)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    if check and result.returncode != 0:
        tail = log.read_text()[-3000:] if log else result.stdout[-3000:]
        raise SystemExit(f"failed ({result.returncode}): {' '.join(map(str, cmd))}\n{tail}")
    return result


def start(cmd: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A process of this run, in its own process group (granian's workers stop with it); ended by cleanup()."""
    with log.open("a") as out:
        proc = subprocess.Popen([str(c) for c in cmd], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    _processes.append(proc)
    return proc


def stop(proc: subprocess.Popen, timeout: float = 30) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if proc in _processes:
        _processes.remove(proc)


def cleanup() -> None:
    for proc in list(reversed(_processes)):
        try:
            stop(proc, timeout=15)
        except ProcessLookupError:
            pass


def _terminate(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def pg_ready() -> bool:
    return subprocess.run(["pg_isready", "-q", *PG], check=False).returncode == 0


def db_exists(db: str) -> bool:
    out = subprocess.run(["psql", *PG, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{db}'"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip() == "1"


def table(headers: list[str], rows: list[list[Any]], numeric: bool = True) -> str:
    """A plain text table: the first column (and every column of a key/value table) left-aligned."""
    cells = [headers] + [[f"{v:,}" if isinstance(v, int) else str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) if i and numeric else c.ljust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------- environment


class Suite:
    """One invocation: its folder, the database, the environment of the production configuration."""

    def __init__(self, args: argparse.Namespace) -> None:
        profile = PROFILES["smoke" if args.smoke else "full"]
        self.args = args
        self.profile = profile
        self.mode = "smoke" if args.smoke else "full"
        self.users = args.users or profile["users"]
        self.duration = args.duration or profile["duration"]
        self.wait = args.wait or profile["wait"]
        self.restart_users = args.restart_users or min(self.users, profile["restart_users"])
        self.restart_duration = args.restart_duration or profile["restart_duration"]
        self.restart_at = args.restart_at or profile["restart_at"]
        self.scale = args.scale or profile["scale"]
        self.db = args.db or profile["db"]
        if not self.db.startswith("maharat_rel"):
            raise SystemExit("--db must start with maharat_rel (a database of this suite's own)")
        # A sign-in costs about 0.26 s of CPU (Argon2): 200 users signing in within a few seconds would take
        # both cores; they arrive over two minutes.
        self.spawn_rate = args.spawn_rate or max(2.0, round(self.users / 120, 1))
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.dir = ROOT / "var" / "reliability" / f"{stamp}-{self.mode}-{args.part}"
        self.dir.mkdir(parents=True, exist_ok=True)
        # MAHARAT_VAR_DIR: collected static files and the uploads the database's import batches refer to; kept
        # with the database (a queued batch whose file is gone would be a test artefact), emptied with it.
        self.var = ROOT / "var" / "reliability" / f"var-{self.db}"
        self.results: dict[str, Any] = {"mode": self.mode, "part": args.part, "users": self.users,
                                        "database": self.db, "scale": self.scale, "started": stamp}
        self.static_ready = False
        key = self.dir / "signing-key.pem"
        run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key])
        key.chmod(0o600)
        self.env = {
            **os.environ,
            # docs/deployment.md, "Settings"; what is set here wins over a .env beside README.md
            "DJANGO_SETTINGS_MODULE": "maharat.config.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": PUBLIC_HOST,
            "DATABASE_URL": pg_url(self.db),
            "CACHE_URL": args.redis,
            "MAHARAT_SIGNING_KEY_FILE": str(key),
            "MAHARAT_PUBLIC_URL": f"https://{PUBLIC_HOST}",
            "MAHARAT_TRUST_X_FORWARDED_FOR": "true",
            "MAHARAT_VAR_DIR": str(self.var),
        }

    def dbcheck(self, *argv: Any, db: str | None = None, log: str = "dbcheck.log") -> None:
        env = {**self.env, "DJANGO_SETTINGS_MODULE": "maharat.config.settings.base", "DEBUG": "false",
               "CACHE_URL": "locmemcache://reliability", "DATABASE_URL": pg_url(db or self.db)}
        run([sys.executable, HERE / "dbcheck.py", *argv], env=env, log=self.dir / log)

    # ---- the data
    def copy_demo(self) -> bool:
        """The demo country prod-smoke.sh built from the same code, scale and day, copied from its template
        (scripts/demo-template.sh) with the signing key its certificates were signed with: CI runs both."""
        key = subprocess.run(["sh", "scripts/demo-template.sh", "key", str(self.scale)], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
        started = time.monotonic()
        copied = subprocess.run(["sh", "scripts/demo-template.sh", "copy", self.db, key, str(self.dir)], cwd=ROOT,
                                capture_output=True, text=True)
        if not key or copied.returncode != 0:
            return False
        shutil.rmtree(self.var / "imports", ignore_errors=True)
        run(["psql", *PG, "-q", "-c", "ANALYZE", self.db])
        say(f"database {self.db}: a copy of prod-smoke's demo country (scale {self.scale}, the same code and day)")
        self.results["demo_seconds"] = round(time.monotonic() - started, 1)
        self.results["demo_copied"] = True
        return True

    def build(self, fresh: bool, static: bool = True) -> None:
        say("PostgreSQL and Redis")
        if PG[3] == "5432":
            run(["sh", "scripts/ensure-postgres.sh"])
        self.ensure_redis()
        collect = None
        if static and not self.static_ready:
            collect = start([BIN / "maharat", "collectstatic", "--noinput"], env=self.env,
                            log=self.dir / "collectstatic.log")
        if (fresh or not db_exists(self.db)) and self.copy_demo():
            pass
        elif fresh or not db_exists(self.db):
            say(f"database {self.db}: migrate, demo --scale {self.scale}")
            started = time.monotonic()
            run(["dropdb", *PG, "--if-exists", "--force", self.db])
            shutil.rmtree(self.var / "imports", ignore_errors=True)
            run(["createdb", *PG, self.db])
            run([BIN / "maharat", "migrate", "--noinput"], env=self.env, log=self.dir / "migrate.log")
            run([BIN / "maharat", "demo", "--scale", str(self.scale)], env=self.env, log=self.dir / "demo.log")
            # Planner statistics, as autovacuum would gather them a minute after the load on a production server
            # (this machine's PostgreSQL runs with autovacuum off: conf.d/90-ci.conf). docs/reliability.md.
            run(["psql", *PG, "-q", "-c", "ANALYZE", self.db])
            self.results["demo_seconds"] = round(time.monotonic() - started, 1)
        else:
            say(f"database {self.db}: kept as it is")
        if collect is not None:
            if collect.wait() != 0:
                raise SystemExit(f"collectstatic failed:\n{(self.dir / 'collectstatic.log').read_text()[-2000:]}")
            _processes.remove(collect)
            self.static_ready = True

    def ensure_redis(self) -> None:
        if reachable(6379):
            return
        if not shutil.which("redis-server"):  # as scripts/prod-smoke.sh: Debian's package
            sudo = [] if os.geteuid() == 0 else ["sudo"]
            run([*sudo, "apt-get", "update", "-qq"])
            run([*sudo, "apt-get", "install", "-y", "-qq", "redis-server"],
                env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
        # A throw-away Redis for this run only (as scripts/prod-smoke.sh starts one), stopped on exit.
        start(["redis-server", "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no"],
              env=self.env, log=self.dir / "redis.log")
        for _ in range(20):
            if reachable(6379):
                return
            time.sleep(0.25)
        raise SystemExit("redis-server did not start")

    def pool(self) -> dict[str, int]:
        total = sum(WEIGHTS.values())
        return {k: self.users * w // total + 2 for k, w in WEIGHTS.items()}

    # ---- the server
    def serve(self, tag: str) -> dict[str, Any]:
        import redis

        redis.Redis.from_url(self.args.redis).flushdb()
        port = free_port()
        server = {"port": port, "base": f"http://127.0.0.1:{port}", "tag": tag,
                  "granian_log": self.dir / f"{tag}-granian.log", "worker_log": self.dir / f"{tag}-worker.log"}
        server["worker"] = start([BIN / "maharat", "worker"], env=self.env, log=server["worker_log"])
        server["granian"] = start([BIN / "granian", "--interface", "wsgi", "--workers", str(self.args.workers),
                                   "--blocking-threads", "1", "--host", "127.0.0.1", "--port", str(port),
                                   "maharat.config.wsgi:application"], env=self.env, log=server["granian_log"])
        import requests

        for _ in range(150):
            try:
                r = requests.get(f"{server['base']}/accounts/login/", timeout=2,
                                 headers={"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"})
                if r.status_code == 200:
                    return server
            except requests.RequestException:
                pass
            if server["granian"].poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit(f"granian did not start:\n{server['granian_log'].read_text()[-3000:]}")

    def unserve(self, server: dict[str, Any]) -> dict[str, Any]:
        worker_alive = server["worker"].poll() is None
        stop(server["granian"])
        stop(server["worker"])
        out: dict[str, Any] = {"worker_alive_at_end": worker_alive}
        for name in ("granian", "worker"):
            text = server[f"{name}_log"].read_text(errors="replace")
            out[f"{name}_tracebacks"] = text.count("Traceback (most recent call last)")
            out[f"{name}_errors"] = Counter(final_exceptions(text)).most_common(4)
        out["tracebacks"] = out["granian_tracebacks"] + out["worker_tracebacks"]
        return out

    def locust(self, server: dict[str, Any], tag: str, users: int, seconds: int) -> tuple[subprocess.Popen, dict]:
        fixture = self.dir / f"{tag}-fixture.json"
        self.dbcheck("prepare", "--out", fixture, "--pool", ",".join(f"{k}={n}" for k, n in self.pool().items()))
        files = {"fixture": fixture, "writes": self.dir / f"{tag}-writes.jsonl",
                 "requests": self.dir / f"{tag}-requests.csv", "csv": self.dir / f"{tag}-locust"}
        env = {**os.environ, "REL_FIXTURE": str(fixture), "REL_WRITES": str(files["writes"]),
               "REL_REQUESTS": str(files["requests"]), "REL_RUN": uuid.uuid4().hex[:6].upper(),
               "REL_TIMEOUT": str(self.args.timeout), "REL_WAIT": self.wait, "REL_PUBLIC_HOST": PUBLIC_HOST,
               "REL_WEIGHTS": ",".join(f"{k}={w}" for k, w in WEIGHTS.items())}
        proc = start([BIN / "locust", "-f", HERE / "locustfile.py", "--headless", "--users", str(users),
                      "--spawn-rate", str(self.spawn_rate), "--run-time", f"{seconds}s", "--host", server["base"],
                      "--csv", files["csv"], "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING"],
                     env=env, log=self.dir / f"{tag}-locust.log")
        return proc, files

    def wait_locust(self, proc: subprocess.Popen, seconds: int) -> None:
        try:
            proc.wait(timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            stop(proc)
            raise SystemExit("Locust did not finish in time") from None
        _processes.remove(proc)

    def probe_worker(self, server: dict[str, Any], fixture: Path) -> dict[str, Any]:
        """An upload above the inline limit (a dry run of new trainees): `maharat worker` must take and finish it."""
        import requests

        f = json.loads(fixture.read_text())
        account = f["accounts"]["importers"][-1]
        h = f["import_headers"]
        s = requests.Session()
        s.headers.update({"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https"})
        base, origin = server["base"], f"https://{PUBLIC_HOST}"

        def csrf(text: str) -> str:
            return text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]

        def cookies(r: Any) -> None:  # Secure cookies, sent back over the loopback hop as the proxy would
            for c in r.cookies:
                s.cookies.set(c.name, c.value)

        started = time.monotonic()
        try:
            r = s.get(f"{base}/accounts/login/", timeout=30)
            cookies(r)
            r = s.post(f"{base}/accounts/login/", timeout=30, allow_redirects=False,
                       headers={"Origin": origin, "Referer": f"{origin}/accounts/login/"},
                       data={"csrfmiddlewaretoken": csrf(r.text), "username": account["username"],
                             "password": f["password"], "next": ""})
            cookies(r)
            r = s.get(f"{base}/import/", timeout=30)
            cookies(r)
            rows = [",".join([h["national_code"], h["first_name"], h["last_name"], h["sex"], h["birth_date"],
                              h["residence"], h["registered_unit"]])]
            prefix, n = f["code_prefixes"][-1], 0
            while sum(len(x) + 1 for x in rows) <= INLINE_LIMIT_BYTES + 2000:
                first = prefix + f"{n:04d}"
                rem = sum(int(d) * (10 - i) for i, d in enumerate(first)) % 11
                rows.append(f"{first}{rem if rem < 2 else 11 - rem},زهرا,احمدی,زن,1380/06/31,شهری,{account['unit']}")
                n += 1
            data = ("\n".join(rows) + "\n").encode()
            r = s.post(f"{base}/import/", timeout=60, allow_redirects=False,
                       headers={"Origin": origin, "Referer": f"{origin}/import/"},
                       data={"csrfmiddlewaretoken": csrf(r.text), "kind": "trainees", "dry_run": "on"},
                       files={"file": ("probe.csv", data, "text/csv")})
            if r.status_code != 302:
                return {"ok": False, "why": f"upload answered {r.status_code}"}
            detail = r.headers["Location"].replace(origin, "")
            status = ""
            while time.monotonic() - started < 90:
                page = s.get(f"{base}{detail}", timeout=30, headers={"HX-Request": "true"})
                status = page.text.split('data-status="', 1)[1].split('"', 1)[0] if "data-status" in page.text else ""
                if status not in ("queued", "running"):
                    break
                time.sleep(0.5)
        except (requests.RequestException, IndexError) as exc:
            return {"ok": False, "why": repr(exc)}
        return {"ok": status == "done", "status": status, "rows": n, "bytes": len(data),
                "seconds": round(time.monotonic() - started, 1)}


# ---------------------------------------------------------------------------------------------- analysis


def final_exceptions(log: str) -> list[str]:
    """The exception that ended each traceback in a log (not the ones it was raised while handling)."""
    found, last = [], ""
    for line in log.splitlines() + [""]:
        if line.startswith((" ", "Traceback", "During handling", "The above exception")) or not line.strip():
            continue
        if ":" in line and line.split(":", 1)[0].replace(".", "").replace("_", "").isalnum() and \
                line.split(":", 1)[0].endswith(("Error", "Exception", "Shutdown", "Warning", "Exit")):
            last = line.strip()[:160]
            continue
        if last:
            found.append(last)
            last = ""
    if last:
        found.append(last)
    return found


def locust_stats(prefix: Path) -> list[dict[str, Any]]:
    with open(f"{prefix}_stats.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for r in rows:
        name = r["Name"] if r["Type"] in ("", "None") or r["Name"].startswith(r["Type"]) else f"{r['Type']} {r['Name']}"
        out.append({"name": name, "requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                    "p50": r["50%"], "p95": r["95%"], "p99": r["99%"], "max": round(float(r["Max Response Time"])),
                    "rps": round(float(r["Requests/s"]), 1)})
    return out


def print_stats(stats: list[dict[str, Any]]) -> None:
    rows = [[s["name"], s["requests"], s["failures"], s["p50"], s["p95"], s["p99"], s["max"], s["rps"]] for s in stats]
    print(table(["request", "count", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms", "req/s"], rows), flush=True)


def read_requests(path: Path) -> list[dict[str, Any]]:
    with path.open(newline="") as fh:
        return [{"start": float(r[0]), "seconds": float(r[1]), "name": f"{r[2]} {r[3]}", "status": r[4],
                 "outcome": r[5], "type": r[7]} for r in csv.reader(fh)]


def failures_of(requests_: list[dict[str, Any]]) -> dict[str, Any]:
    failed = [r for r in requests_ if r["outcome"] != "ok"]
    return {"requests": len(requests_), "failed": len(failed),
            "hangs": sum(1 for r in failed if r["outcome"] == "timeout"),
            "by_outcome": dict(Counter(r["outcome"] for r in failed)),
            "by_request": dict(Counter(f"{r['name']} -> {r['outcome']}" for r in failed).most_common(10))}


def verify_writes(suite: Suite, files: dict[str, Path], tag: str) -> dict[str, Any]:
    out = suite.dir / f"{tag}-verify.json"
    suite.dbcheck("verify", "--log", files["writes"], "--out", out)
    return json.loads(out.read_text())


def print_writes(v: dict[str, Any]) -> None:
    rows = []
    for kind in ("trainee", "trainee_import", "courserun", "enrollment"):
        k = v.get(kind)
        if k:
            rows.append([kind, k["acknowledged"], k["found"], k["lost"], k["duplicated"], k["without_one_audit_entry"],
                         k["failed_attempts"], k["failed_but_committed"], k["half_written"]])
    print(table(["write", "acked", "found once", "lost", "duplicated", "audit != 1", "failed", "committed anyway",
                 "half written"], rows), flush=True)
    b = v.get("import_batches", {})
    print(f"import batches acknowledged: {b.get('acknowledged', 0)}, inconsistent: {b.get('inconsistent', 0)}; "
          f"records nobody saw written: {v.get('unaccounted_records', 0)}")
    for p in v["problems"]:
        print(f"  PROBLEM: {p}")


# ------------------------------------------------------------------------------------------------- parts


def part_load(suite: Suite) -> bool:
    suite.build(fresh=not suite.args.reuse_db)
    server = suite.serve("load")
    say(f"load: {suite.users} users for {suite.duration} s against {server['base']} (as https://{PUBLIC_HOST})")
    proc, files = suite.locust(server, "load", suite.users, suite.duration)
    suite.wait_locust(proc, suite.duration)
    probe = suite.probe_worker(server, files["fixture"])
    logs = suite.unserve(server)
    stats = locust_stats(files["csv"])
    requests_ = failures_of(read_requests(files["requests"]))
    say("load: verifying the writes")
    writes = verify_writes(suite, files, "load")
    print_stats(stats)
    print_writes(writes)
    print(f"requests: {requests_['requests']:,}, failed: {requests_['failed']}, hangs (> {suite.args.timeout:g} s): "
          f"{requests_['hangs']}; worker probe: {probe}; server tracebacks: {logs['tracebacks']}")
    ok = (requests_["failed"] == 0 and writes["ok"] and logs["tracebacks"] == 0 and probe["ok"]
          and all(s["failures"] == 0 for s in stats))
    suite.results["load"] = {"ok": ok, "seconds": suite.duration, "users": suite.users, "wait": suite.wait,
                             "spawn_rate": suite.spawn_rate, "stats": stats,
                             "requests": requests_, "writes": writes, "server": logs, "worker_probe": probe}
    return ok


WARNING = """
################################################################################################################
#  WARNING: the restart test restarts the PostgreSQL cluster of this machine (pg_ctlcluster ... restart).
#  Every other connection to it is cut: other people's test runs, servers and shells on this machine fail.
#  Run it alone (CI), or with --skip-restart leave it out.
################################################################################################################
"""


def part_restart(suite: Suite) -> bool:
    print(WARNING, flush=True)
    suite.build(fresh=False)
    version = sorted(os.listdir("/etc/postgresql"), key=float)[-1]
    restart = suite.args.pg_restart.split() if suite.args.pg_restart else [
        "pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"]
    server = suite.serve("restart")
    seconds, at = suite.restart_duration, suite.restart_at
    say(f"restart: {suite.restart_users} users for {seconds} s; PostgreSQL restarts at {at} s: {' '.join(restart)}")
    proc, files = suite.locust(server, "restart", suite.restart_users, seconds)
    launched = time.time()
    time.sleep(at)
    say("restart: pg_ctlcluster restart (WARNING: other users of this PostgreSQL are cut off)")
    t_cmd = time.time()
    try:
        run(restart, timeout=120)
    finally:
        t_done = time.time()
        while not pg_ready():
            if time.time() - t_done > 60 and PG[3] == "5432":
                run(["sh", "scripts/ensure-postgres.sh"])
            time.sleep(0.1)
        t_back = time.time()
    say(f"restart: PostgreSQL answered again {t_back - t_cmd:.1f} s after the restart began")
    suite.wait_locust(proc, seconds)
    worker_alive = server["worker"].poll() is None
    probe = suite.probe_worker(server, files["fixture"])
    logs = suite.unserve(server)
    rows = read_requests(files["requests"])
    failed = [r for r in rows if r["outcome"] != "ok"]
    before = [r for r in failed if r["start"] + r["seconds"] < t_cmd]
    during = [r for r in failed if r["start"] + r["seconds"] >= t_cmd]
    settle = t_back + suite.args.grace
    after = [r for r in failed if r["start"] > settle]
    served_after = sum(1 for r in rows if r["start"] > settle and r["outcome"] == "ok")
    last_fail_end = max((r["start"] + r["seconds"] for r in during), default=None)
    recovery = {
        "pg_down_to_up_seconds": round(t_back - t_cmd, 2),
        "failed_before": len(before),
        "failed_during_outage": len(during),
        "failed_after_recovery": len(after),
        "succeeded_after_recovery": served_after,
        "hangs": sum(1 for r in failed if r["outcome"] == "timeout"),
        "slowest_failed_request_seconds": round(max((r["seconds"] for r in failed), default=0), 2),
        "client_outage_seconds": round(last_fail_end - min(r["start"] for r in during), 2) if during else 0.0,
        "app_recovered_seconds_after_pg": round(max(0.0, last_fail_end - t_back), 2) if during else 0.0,
        "failed_by_outcome": dict(Counter(r["outcome"] for r in during)),
        "failed_answers_by_type": dict(Counter(f"{r['name'].split()[-1].split('?')[0]} -> {r['type'] or '-'}"
                                               for r in during)),
        "failed_by_request": dict(Counter(f"{r['name']} -> {r['outcome']}" for r in during).most_common(8)),
        "worker_alive_after_restart": worker_alive,
        "worker_probe_after_restart": probe,
        "restart_began_at_second": round(t_cmd - launched, 1),
    }
    say("restart: verifying the writes")
    writes = verify_writes(suite, files, "restart")
    print_stats(locust_stats(files["csv"]))
    print_writes(writes)
    for k, v in recovery.items():
        print(f"  {k:32} {json.dumps(v, ensure_ascii=False)}")
    print(f"server log: {logs['granian_tracebacks']} tracebacks (expected around the outage): "
          f"{logs['granian_errors']}\nworker log: {logs['worker_tracebacks']} tracebacks: {logs['worker_errors']}")
    ok = (not before and not after and recovery["hangs"] == 0 and served_after > 0 and writes["ok"]
          and recovery["slowest_failed_request_seconds"] < suite.args.timeout and worker_alive and probe["ok"])
    suite.results["restart"] = {"ok": ok, "recovery": recovery, "writes": writes, "server": logs,
                                "requests": failures_of(rows), "stats": locust_stats(files["csv"])}
    return ok


def compare(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """What differs between two snapshots (dbcheck.py snapshot)."""
    diffs = [f"summary table {t}: {a['summaries'].get(t)} vs {b['summaries'].get(t)}"
             for t in sorted(set(a["summaries"]) | set(b["summaries"])) if a["summaries"].get(t) != b["summaries"].get(t)]
    for key in ("audit", "counts", "years"):
        if key in a and a[key] != b.get(key):
            diffs.append(f"{key}: {a[key]} vs {b.get(key)}")
    if "scorecards" in a:
        changed = [k for k in a["scorecards"] if a["scorecards"][k] != b["scorecards"].get(k)]
        if changed or len(a["scorecards"]) != len(b["scorecards"]):
            diffs.append(f"{len(changed)} of {len(a['scorecards'])} scorecards differ, e.g. {changed[:5]}")
    return diffs


def part_backup(suite: Suite) -> bool:
    suite.build(fresh=False, static=False)
    restored = f"{suite.db}_restored"
    dump = suite.dir / f"{suite.db}.dump"
    say(f"backup: pg_dump -Fc {suite.db}")
    t = time.monotonic()
    run(["pg_dump", *PG, "-Fc", "-f", dump, suite.db])
    dump_s = time.monotonic() - t
    say(f"backup: pg_restore into {restored}")
    run(["dropdb", *PG, "--if-exists", "--force", restored])
    run(["createdb", *PG, restored])
    t = time.monotonic()
    run(["pg_restore", *PG, "--no-owner", "--exit-on-error", "-j", "2", "-d", restored, dump])
    restore_s = time.monotonic() - t
    say("backup: every scorecard figure, the audit trail and the summary tables, in both databases")
    snaps = {name: suite.dir / f"snapshot-{name}.json" for name in ("original", "restored", "rebuilt")}
    env = {**suite.env, "DJANGO_SETTINGS_MODULE": "maharat.config.settings.base", "DEBUG": "false",
           "CACHE_URL": "locmemcache://reliability"}
    t = time.monotonic()
    years = ["--last-years", str(suite.profile["snapshot_years"])] if suite.profile["snapshot_years"] else []
    both = [start([sys.executable, HERE / "dbcheck.py", "snapshot", "--out", snaps[name], *years],
                  env={**env, "DATABASE_URL": pg_url(db)}, log=suite.dir / f"snapshot-{name}.log")
            for name, db in (("original", suite.db), ("restored", restored))]
    for proc in both:
        if proc.wait() != 0:
            raise SystemExit(f"snapshot failed: see {suite.dir}/snapshot-*.log")
        _processes.remove(proc)
    snapshot_s = time.monotonic() - t
    original, copy = (json.loads(snaps[n].read_text()) for n in ("original", "restored"))
    restore_diffs = compare(original, copy)
    say("backup: maharat check-summaries on the restored copy (the live tables against a recomputation)")
    t = time.monotonic()
    checked = run([BIN / "maharat", "check-summaries"], env={**env, "DATABASE_URL": pg_url(restored)},
                  log=suite.dir / "check-summaries.log", check=False)
    check_s = time.monotonic() - t
    say("backup: maharat rebuild-summaries on the restored copy")
    t = time.monotonic()
    run([BIN / "maharat", "rebuild-summaries"], env={**env, "DATABASE_URL": pg_url(restored)},
        log=suite.dir / "rebuild.log")
    rebuild_s = time.monotonic() - t
    suite.dbcheck("snapshot", "--out", snaps["rebuilt"], *years, db=restored, log="snapshot-rebuilt.log")
    rebuilt = json.loads(snaps["rebuilt"].read_text())
    rebuild_diffs = compare(copy, rebuilt)
    samples = {}
    for t_name in copy["summaries"]:
        if copy["summaries"][t_name] != rebuilt["summaries"].get(t_name):  # which rows: the original still has them
            before = suite.dir / f"rows-{t_name}.json"
            suite.dbcheck("rows", "--table", t_name, "--out", before)
            diff = suite.dir / f"diff-{t_name}.json"
            suite.dbcheck("diff-rows", "--table", t_name, "--before", before, "--out", diff, db=restored)
            samples[t_name] = json.loads(diff.read_text())
    if not suite.args.keep:
        run(["dropdb", *PG, "--if-exists", "--force", restored])
    figures = original.get("scorecard_figures", 0)
    summary_rows = {t: original["summaries"][t]["rows"] for t in original["summaries"]}
    result = {
        "dump_seconds": round(dump_s, 1), "dump_bytes": dump.stat().st_size, "restore_seconds": round(restore_s, 1),
        "snapshot_seconds": round(snapshot_s, 1), "rebuild_seconds": round(rebuild_s, 1),
        "years": original.get("years"), "scorecards": len(original.get("scorecards", {})),
        "scorecard_figures": figures, "audit": original["audit"], "counts": original["counts"],
        "summary_rows": summary_rows, "restore_differences": restore_diffs, "rebuild_differences": rebuild_diffs,
        "rebuild_row_samples": samples,
    }
    print(table(["backup and restore", "value"], [
        ["pg_dump -Fc", f"{dump_s:.1f} s, {dump.stat().st_size / 1e6:.1f} MB"],
        ["pg_restore -j 2", f"{restore_s:.1f} s"],
        ["scorecards compared", f"{len(original.get('scorecards', {})):,} ({figures:,} figures; years "
                                f"{original.get('years')}, national + every province, 13 indicators x 3 sections)"],
        ["audit trail", f"{original['audit']['rows']:,} rows, md5 {original['audit']['md5']}"],
        ["summary tables", ", ".join(f"{t.split('_', 1)[1]} {n:,}" for t, n in summary_rows.items())],
        ["restored == original", "yes" if not restore_diffs else f"NO: {restore_diffs}"],
        ["check-summaries", f"{check_s:.1f} s; " + ("0 differing rows" if checked.returncode == 0 else
                                                   f"DIFFERENCES (exit {checked.returncode}, check-summaries.log)")],
        ["rebuild-summaries", f"{rebuild_s:.1f} s; changed nothing" if not rebuild_diffs else
                              f"CHANGED: {rebuild_diffs}"],
    ], numeric=False), flush=True)
    for t_name, s in samples.items():
        print(f"  {t_name}: {s['n_before_only']} rows only before the rebuild, {s['n_after_only']} only after; e.g.\n"
              f"    before: {s['only_before'][:3]}\n    after:  {s['only_after'][:3]}")
    ok = not restore_diffs and not rebuild_diffs and checked.returncode == 0
    suite.results["backup"] = {"ok": ok, "check_summaries_seconds": round(check_s, 1),
                               "check_summaries_exit": checked.returncode, **result}
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("part", choices=["load", "restart", "backup", "all"])
    parser.add_argument("--smoke", action="store_true", help="CI's short run: 20 users, 30 s, demo scale 0.002")
    parser.add_argument("--users", type=int, help="simulated users (200; smoke 20)")
    parser.add_argument("--spawn-rate", type=float, help="users started per second (users / 120, at least 2)")
    parser.add_argument("--duration", type=int, help="seconds of load (600; smoke 30)")
    parser.add_argument("--restart-users", type=int, help="simulated users around the restart (50; smoke 20)")
    parser.add_argument("--restart-duration", type=int, help="seconds of load around the restart (90; smoke 35)")
    parser.add_argument("--restart-at", type=int, help="second of that load at which PostgreSQL restarts")
    parser.add_argument("--skip-restart", action="store_true", help="`all` without the PostgreSQL restart")
    parser.add_argument("--scale", type=float, help="demo scale (0.01; smoke 0.002)")
    parser.add_argument("--db", help="the database (maharat_rel_load; smoke maharat_rel_smoke)")
    parser.add_argument("--reuse-db", action="store_true", help="load: keep the database if it exists")
    parser.add_argument("--workers", type=int, default=2, help="granian workers (2, one per core)")
    parser.add_argument("--timeout", type=float, default=10.0, help="client timeout: no answer by then is a hang")
    parser.add_argument("--wait", help="seconds a simulated user waits between tasks: min,max (10,40; smoke 2,8)")
    parser.add_argument("--grace", type=float, default=5.0,
                        help="seconds after PostgreSQL answers again by which every request must succeed")
    parser.add_argument("--redis", default=os.environ.get("REL_REDIS_URL", "redis://127.0.0.1:6379/9"),
                        help="the Redis database used as the cache (flushed at each start)")
    parser.add_argument("--keep", action="store_true", help="keep the restored database (dropped after the checks)")
    parser.add_argument("--pg-port", default="5432", help="another PostgreSQL on 127.0.0.1 (a private cluster)")
    parser.add_argument("--pg-restart", help="the restart command instead of pg_ctlcluster's (for a private cluster)")
    args = parser.parse_args()
    PG[3] = args.pg_port
    signal.signal(signal.SIGTERM, _terminate)
    suite = Suite(args)
    started = time.monotonic()
    parts = ["load", "restart", "backup"] if args.part == "all" else [args.part]
    if args.skip_restart and "restart" in parts and args.part == "all":
        parts.remove("restart")
    outcome: dict[str, bool] = {}
    try:
        for part in parts:
            outcome[part] = {"load": part_load, "restart": part_restart, "backup": part_backup}[part](suite)
            say(f"{part}: {'passed' if outcome[part] else 'FAILED'}")
    finally:
        cleanup()
        if not pg_ready() and PG[3] == "5432":
            run(["sh", "scripts/ensure-postgres.sh"], check=False)
        suite.results["outcome"] = outcome
        suite.results["seconds"] = round(time.monotonic() - started, 1)
        (suite.dir / "results.json").write_text(json.dumps(suite.results, ensure_ascii=False, indent=1, default=str))
    verdicts = ", ".join(f"{p} {'passed' if ok else 'FAILED'}" for p, ok in outcome.items())
    say(f"{verdicts} in {time.monotonic() - started:.0f} s; details in {suite.dir.relative_to(ROOT)}/results.json")
    return 0 if outcome and all(outcome.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
