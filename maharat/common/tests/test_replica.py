"""Reads from a real PostgreSQL streaming replica (common/replica.py; docs/deployment.md, "Read replicas").

The test builds its own primary and replica clusters in a temporary directory (initdb, pg_basebackup -R), so
the shared server is never touched, then runs `scenario()` below in a second Python process whose
DATABASE_URL and REPLICA_DATABASE_URL point at them: reports and API reads go to the replica, writes and the
writer's next pages to the primary, figures agree once the replica has caught up, a lagging replica is skipped
and a stopped one falls back to the primary.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

pytestmark = pytest.mark.serial

ROOT = Path(__file__).resolve().parents[3]


def _pg_bin() -> Path | None:
    override = os.environ.get("PG_BIN")
    candidates = [Path(override)] if override else sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                                                          key=lambda p: int(p.parent.name), reverse=True)
    return next((p for p in candidates if (p / "initdb").exists() and (p / "pg_basebackup").exists()), None)


def _runnable() -> str:
    """Why the test cannot run here, or ""."""
    if connection.vendor != "postgresql":
        return "a streaming replica is a PostgreSQL feature (the suite runs on SQLite)"
    if _pg_bin() is None:
        return "the PostgreSQL server binaries (initdb, pg_basebackup) are not installed"
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _postgres_ids() is None):
        return "running as root without a postgres OS user to run the server as"
    return ""


def _postgres_ids() -> tuple[int, int] | None:
    import pwd

    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd: str) -> list[str]:
    # initdb and the server refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


class Clusters:
    """A throw-away primary and its streaming replica, each on its own port, under one temporary directory."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        assert self.bin is not None
        self.dir = Path(tempfile.mkdtemp(prefix="maharat-replica-"))
        if os.geteuid() == 0:
            os.chown(self.dir, *_postgres_ids())  # type: ignore[misc]
        self.primary, self.replica = self.dir / "primary", self.dir / "replica"
        self.primary_port, self.replica_port = _free_port(), _free_port()

    def run(self, *cmd: str, timeout: float = 120) -> None:
        # cwd: the postgres user may not be allowed into the project directory, which initdb and pg_ctl dislike.
        done = subprocess.run(_as_postgres(str(self.bin / cmd[0]), *cmd[1:]), cwd=self.dir, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}\n{self.logs()}"

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in self.dir.glob("*.log"))

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/maharat"

    def stop_command(self, data_dir: Path) -> list[str]:
        return _as_postgres(str(self.bin / "pg_ctl"), "stop", "-D", str(data_dir), "-m", "fast", "-w")

    def start(self) -> None:
        began = time.monotonic()
        self.run("initdb", "-D", str(self.primary), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                 "--locale=C.UTF-8", "--no-sync")
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.primary_port}\n"
                       f"unix_socket_directories = '{self.dir}'\nwal_level = replica\nmax_wal_senders = 4\n"
                       "fsync = off\nfull_page_writes = off\n")  # a test cluster: no durability needed
        with (self.primary / "pg_hba.conf").open("a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self.run("pg_ctl", "start", "-D", str(self.primary), "-l", str(self.dir / "primary.log"), "-w")
        self.sql(self.primary_port, "CREATE DATABASE maharat", dbname="postgres")
        self.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres",
                 "-D", str(self.replica), "-R", "-X", "stream", "-c", "fast")
        with (self.replica / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {self.replica_port}\n")  # the rest (and primary_conninfo, -R) comes with the copy
        self.run("pg_ctl", "start", "-D", str(self.replica), "-l", str(self.dir / "replica.log"), "-w")
        deadline = time.monotonic() + 30
        while not self.sql(self.replica_port, "SELECT pg_is_in_recovery()"):
            assert time.monotonic() < deadline, "the replica never entered recovery\n" + self.logs()
            time.sleep(0.1)
        self.setup_seconds = round(time.monotonic() - began, 1)

    def sql(self, port: int, statement: str, dbname: str = "maharat") -> Any:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True,
                             connect_timeout=5) as conn:
            cursor = conn.execute(statement)  # type: ignore[arg-type]
            return cursor.fetchone()[0] if cursor.description else None  # type: ignore[index]

    def remove(self) -> None:
        for data_dir in (self.replica, self.primary):
            if (data_dir / "postmaster.pid").exists():
                subprocess.run(self.stop_command(data_dir), cwd=self.dir, capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def clusters() -> Iterator[Clusters]:
    pg = Clusters()
    try:
        pg.start()
        yield pg
    finally:
        pg.remove()


@pytest.mark.skipif(bool(_runnable()), reason=_runnable() or "runnable")
def test_reports_read_from_the_replica_and_writes_stay_on_the_primary(clusters: Clusters) -> None:
    started = time.monotonic()
    var_dir = clusters.dir / "var"
    var_dir.mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "maharat.config.settings.test",
           "DATABASE_URL": clusters.url(clusters.primary_port), "REPLICA_DATABASE_URL": clusters.url(clusters.replica_port),
           "CACHE_URL": "locmemcache://replica-test", "MAHARAT_VAR_DIR": str(var_dir),
           "MAHARAT_REPLICA_STICKY_SECONDS": "30", "MAHARAT_REPLICA_RETRY_SECONDS": "60",
           "REPLICA_TEST_STOP": json.dumps(clusters.stop_command(clusters.replica))}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # The schema reaches the replica by replication (the router allows migrations on "default" only).
    migrate = subprocess.run([sys.executable, "-m", "maharat.cli", "migrate", "--noinput"], env=env, cwd=ROOT,
                             capture_output=True, text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    migrated = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from maharat.common.tests.test_replica import scenario; scenario()"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr[-8000:]}\n{clusters.logs()}"
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures.update(clusters_seconds=clusters.setup_seconds, migrate_seconds=round(migrated - started, 1),
                   scenario_seconds=round(time.monotonic() - migrated, 1))
    print("replica figures:", json.dumps(figures))


# ------------------------------------------------------------------------------ the second process

# Reads that stay on the primary by design (replica.PRIMARY_APPS: who the user is and what they may do).
AUTH_TABLES = ("django_session", "auth_", "access_", "otp_", "axes_")
DIRECT_SQL_TABLES: tuple[str, ...] = ()  # none: the scorecards' own SQL asks the router too
TABLE = re.compile(r'\bFROM\s+"?(\w+)"?', re.IGNORECASE)


@contextmanager
def _queries() -> Iterator[dict[str, list[str]]]:
    """SQL sent to each alias meanwhile (recorded before it runs, so a failed attempt counts too)."""
    from django.db import connections

    seen: dict[str, list[str]] = {"default": [], "replica": []}
    with ExitStack() as stack:
        for alias, log in seen.items():
            def record(execute, sql, params, many, context, log=log):  # type: ignore[no-untyped-def]
                log.append(sql)
                return execute(sql, params, many, context)

            stack.enter_context(connections[alias].execute_wrapper(record))
        yield seen


def _read_tables(statements: list[str]) -> set[str]:
    return {t for sql in statements if sql.lstrip().upper().startswith("SELECT") for t in TABLE.findall(sql)}


def _data_tables(statements: list[str]) -> set[str]:
    return {t for t in _read_tables(statements) if not t.startswith(AUTH_TABLES)}


def _lsn(alias: str, sql: str) -> str:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def _wait_for_replica(what: str = "replay") -> float:
    """Seconds until the replica has received (or replayed) everything the primary has written so far."""
    from django.db import connections

    started = time.monotonic()
    target = _lsn("default", "SELECT pg_current_wal_lsn()::text")
    function = "pg_last_wal_replay_lsn" if what == "replay" else "pg_last_wal_receive_lsn"
    while True:
        with connections["replica"].cursor() as cursor:
            cursor.execute(f"SELECT {function}() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return time.monotonic() - started
        assert time.monotonic() - started < 30, f"the replica did not catch up with {target}"
        time.sleep(0.005)


def scenario() -> None:
    """Run in a process configured with DATABASE_URL (primary) and REPLICA_DATABASE_URL (its replica)."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client, override_settings
    from django.test.utils import setup_test_environment

    from maharat.access.models import Account
    from maharat.access.tokens import issue
    from maharat.common import jalali, replica
    from maharat.factories import CourseRunFactory, EnrollmentFactory, TraineeFactory, make_unit
    from maharat.org.models import Unit

    setup_test_environment()  # the test client's host, in-memory mail
    assert connections["replica"].settings_dict["PORT"] != connections["default"].settings_dict["PORT"]
    hq = Unit.objects.get(code="IR")  # from the migrations, replicated
    users = {}
    for name in ("writer", "reader", "api"):
        users[name] = get_user_model().objects.create_user(name, password="replica-test-pass")
        Account.objects.create(user=users[name], role="hq_planner", unit=hq)
    run = CourseRunFactory(unit=make_unit(), hours=100)
    EnrollmentFactory(course_run=run, hours_attended=70)
    year = jalali.from_gregorian(run.end_date).year
    scorecard = f"/api/v1/scorecard/?year={year}&unit=IR"
    writer, reader = Client(), Client()
    writer.force_login(users["writer"])
    reader.force_login(users["reader"])
    token = Client(HTTP_AUTHORIZATION=f"Token {issue(users['api'])[1]}")
    figures: dict[str, Any] = {"initial_catch_up_seconds": round(_wait_for_replica(), 3)}

    def enrol(client: Client, hours: int) -> dict[str, list[str]]:
        body = {"course_run": run.code, "trainee": TraineeFactory().national_code, "hours_attended": hours,
                "status": "completed"}
        with _queries() as q:
            response = client.post("/api/v1/enrollments/", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
        assert any(sql.startswith('INSERT INTO "training_enrollment"') for sql in q["default"]), q
        assert not q["replica"], f"a write request touched the replica: {q['replica']}"
        return q

    # 1. The API's read-only endpoints, a scorecard page and its export read from the replica.
    for path in ("/api/v1/units/", "/monitoring/", "/monitoring/?format=csv", "/monitoring/IR-26/annual/"):
        with _queries() as q:
            response = reader.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "org_unit" in _read_tables(q["replica"]), (path, q)
        on_primary = _data_tables(q["default"])
        allowed = set() if path.startswith("/api/") else set(DIRECT_SQL_TABLES)
        assert on_primary <= allowed, f"{path} read {on_primary - allowed} from the primary"
        figures.setdefault("report_tables_read_on_primary", {})[path] = sorted(on_primary)
    # ... and so does a token client: its token is checked on the primary (a new token works at once).
    with _queries() as q:
        assert token.get("/api/v1/units/").status_code == 200
    assert "org_unit" in _read_tables(q["replica"]) and not _data_tables(q["default"]), q
    assert "access_apitoken" in _read_tables(q["default"]), q
    # Pages outside the list (the registers) read from the primary.
    with _queries() as q:
        assert reader.get("/trainees/").status_code == 200
    assert not q["replica"], q["replica"]

    # 2. A write goes to the primary; the writer's next reads stay there (read your writes) and show it at once.
    before = reader.get(scorecard).json()
    assert before["total"]["achieved"] == 70, before
    enrol(writer, 30)
    with _queries() as q:
        own = writer.get(scorecard).json()
        assert writer.get("/monitoring/").status_code == 200
    assert not q["replica"], f"the writer read from the replica right after writing: {q['replica']}"
    assert own["total"]["achieved"] == 100, own
    figures["lag_seen_by_router_seconds"] = round(float(_lsn("replica", replica.LAG_SQL)), 3)
    figures["catch_up_wait_after_write_seconds"] = round(_wait_for_replica(), 3)

    # 3. Caught up, the replica serves the same figures as the primary.
    with _queries() as q:
        served = reader.get(scorecard).json()
    assert "org_unit" in _read_tables(q["replica"]), q
    assert served == own, (served, own)

    # 4. A token client's write keeps that client on the primary as well; the window ends.
    with override_settings(MAHARAT_REPLICA_STICKY_SECONDS=1):
        enrol(token, 10)
        with _queries() as q:
            assert token.get("/api/v1/units/").status_code == 200
        assert not q["replica"], q["replica"]
        time.sleep(1.2)
        with _queries() as q:
            assert token.get("/api/v1/units/").status_code == 200
        assert "org_unit" in _read_tables(q["replica"]), q

    # 5. A replica further behind than MAHARAT_REPLICA_MAX_LAG is skipped, and used again once it has caught up.
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")  # takes effect before the next WAL record is applied
    EnrollmentFactory(course_run=run, hours_attended=5)
    _wait_for_replica("receive")  # received, not replayed: the replica knows it is behind
    assert _lsn("replica", "SELECT pg_last_wal_replay_lsn() < pg_last_wal_receive_lsn()"), "replay was not paused"
    time.sleep(0.6)
    with override_settings(MAHARAT_REPLICA_MAX_LAG=0.5):
        with _queries() as q:
            lagging = reader.get(scorecard).json()
        assert q["replica"] == [replica.LAG_SQL], q["replica"]  # asked how far behind, then not used
        assert "org_unit" in _read_tables(q["default"]), q
        assert lagging["total"]["achieved"] == 115, lagging  # the primary's figure, not the replica's 110
        figures["paused_replica_lag_seconds"] = round(float(_lsn("replica", replica.LAG_SQL)), 3)
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        _wait_for_replica()
        with _queries() as q:
            assert reader.get(scorecard).json() == lagging
        assert "org_unit" in _read_tables(q["replica"]), q

    # 6. The replica stops: reports fall back to the primary without an error, and the failure is remembered.
    subprocess.run(json.loads(os.environ["REPLICA_TEST_STOP"]), check=True, capture_output=True, timeout=60,
                   cwd=tempfile.gettempdir())
    started = time.monotonic()
    with _queries() as q:
        response = reader.get(scorecard)
    figures["fallback_request_seconds"] = round(time.monotonic() - started, 3)
    assert response.status_code == 200 and response.json() == lagging, response.content
    assert q["replica"] in ([], [replica.LAG_SQL]), q["replica"]  # one attempt (connecting or querying), which failed
    for path in ("/monitoring/", "/monitoring/?format=xlsx", "/api/v1/units/"):
        with _queries() as q:
            assert reader.get(path).status_code == 200, path
        assert not q["replica"], (path, q["replica"])  # not even tried again within the retry period
    print(json.dumps(figures))
