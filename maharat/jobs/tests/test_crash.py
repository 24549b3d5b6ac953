"""kill -9 of the worker in the middle of a large import (100,000 rows in `make reliability`): nothing is half-imported, and once the worker is
started again the import completes, once (issue 17). A real worker process, its own database (SQLite with the
file locks, or PostgreSQL with the advisory locks, whichever the suite runs on), killed twice: while it reads
the file, and again while it writes it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

# CI's run (a heavy suite, once, on PostgreSQL) kills the worker in a 20,000-row import; `make reliability`
# in the 100,000-row import of the issue (about 4 minutes on this 2-core machine).
ROWS = int(os.environ.get("MAHARAT_CRASH_ROWS", "20000"))
MAHARAT = str(Path(sys.executable).with_name("maharat"))

pytestmark = pytest.mark.heavy


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {**os.environ, "MAHARAT_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "maharat.config.settings.base",
           "DEBUG": "false", "JOBS_WORKERS": "1", "LOG_LEVEL": "WARNING"}
    env.pop("JOBS_URL", None)
    name = ""
    if connection.vendor == "postgresql":
        import psycopg

        name = f"maharat_crash_{uuid.uuid4().hex[:8]}"
        settings = connection.settings_dict
        base = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{name}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    subprocess.run([MAHARAT, "migrate", "-v0"], env=env, check=True)
    yield env
    if name:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _shell(env: dict[str, str], code: str) -> dict[str, Any]:
    out = subprocess.run([MAHARAT, "shell", "-c", f"from maharat.jobs.tests import crash_driver as d; {code}"],
                         env=env, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def _batch(env: dict[str, str]) -> tuple[int, str]:
    """(rows read so far, status) straight from the database, without starting Django."""
    sql = "SELECT processed_rows, status FROM exchange_importbatch"
    if env["DATABASE_URL"].startswith("sqlite"):
        with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite:///"), timeout=30) as db:
            row = db.execute(sql).fetchone()
    else:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as db:
            row = db.execute(sql).fetchone()
    return int(row[0]), str(row[1])


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([MAHARAT, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _wait(what: str, test: Any, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def test_a_worker_killed_twice_in_a_large_import_finishes_it_once(own_database: dict[str, str]) -> None:
    env = own_database
    _shell(env, f"d.queue_import({ROWS})")
    assert _shell(env, "d.state()")["job_status"] == "queued"

    worker = _worker(env)
    _wait("the worker to read a fifth of the file", lambda: _batch(env)[0] >= ROWS // 5)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    first = _shell(env, "d.state()")
    assert (first["trainees"], first["trainee_audit"], first["batch_status"], first["job_status"]) == \
        (0, 0, "running", "running")

    worker = _worker(env)  # its start-up sweep finds the job nobody holds, and runs it again from the start
    _wait("the worker to have read the whole file", lambda: _batch(env)[0] >= ROWS - 1000)
    time.sleep(0.5)  # into the write: one transaction for every row, the outcome recorded inside it
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    second = _shell(env, "d.state()")
    assert second["trainees"] in (0, ROWS)  # never a part of the file
    assert second["trainee_audit"] == second["trainees"]

    worker = _worker(env)
    try:
        _wait("the import to finish", lambda: _batch(env)[1] == "done")
        _wait("the job to be marked done", lambda: _shell(env, "d.state()")["job_status"] == "done", timeout=60)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    final = _shell(env, "d.state()")
    assert final["trainees"] == ROWS and final["trainee_audit"] == ROWS  # once: no row written twice
    assert final["batch_created"] == ROWS  # the outcome of the run that wrote them
    assert final["attempts"] >= 3
