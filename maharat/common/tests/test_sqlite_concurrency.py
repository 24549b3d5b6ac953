"""Two writers at once on the embedded SQLite database (`make run`): the second waits, neither fails.

SQLite has one writer at a time. With Python's default (a 5 s busy timeout, deferred transactions) a transaction
that reads and then writes while another process holds the write lock is refused at once with "database is
locked", whatever the timeout. The DATABASES block of settings/base.py begins transactions IMMEDIATE and waits
up to 20 s for the lock. Two processes, each through the ORM of the project's own settings on one SQLite file
(not the in-memory test database), run read-then-write transactions at the same time: all of them commit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite only (the embedded default)"
)

TRANSACTIONS = 40

# One writer process: Django set up from maharat.config.settings.base on the file named by DATABASE_URL. Each
# transaction reads, writes, then keeps the write lock a moment, as a request that saves a record does.
WRITER = """
import json, os, sys, time
import django
django.setup()
from django.contrib.auth.models import Group
from django.db import connection, transaction

role, start_at, count = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
options = connection.settings_dict["OPTIONS"]
time.sleep(max(0.0, start_at - time.time()))  # both writers begin at the same moment
began = time.time()
for i in range(count):
    with transaction.atomic():
        seen = Group.objects.filter(name__startswith=role).count()
        Group.objects.create(name=f"{role}-{i}")
        time.sleep(0.01)
    assert seen == i
print(json.dumps({"began": began, "ended": time.time(), "timeout": options.get("timeout"),
                  "mode": options.get("transaction_mode")}))
"""


def child_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL")}
    env.update({
        "DJANGO_SETTINGS_MODULE": "maharat.config.settings.base",  # what `make run` uses
        "DATABASE_URL": f"sqlite:///{tmp_path / 'maharat.sqlite3'}",
        "MAHARAT_VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "false",
    })
    return env


def test_two_concurrent_writers_both_succeed(tmp_path: Path) -> None:
    env = child_env(tmp_path)
    subprocess.run([sys.executable, "-m", "maharat.cli", "migrate", "auth", "--noinput", "-v", "0"],
                   env=env, check=True, timeout=120)
    start_at = time.time() + 3.0  # after both interpreters have imported Django
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, role, str(start_at), str(TRANSACTIONS)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for role in ("first", "second")]
    outcomes = [w.communicate(timeout=120) for w in writers]
    for writer, (_, err) in zip(writers, outcomes, strict=True):
        assert writer.returncode == 0, err[-3000:]  # "database is locked" would end up here
    first, second = (json.loads(out) for out, _ in outcomes)
    assert first["mode"] == second["mode"] == "IMMEDIATE" and first["timeout"] == 20
    assert max(first["began"], second["began"]) < min(first["ended"], second["ended"])  # they did overlap

    check = "import django; django.setup(); from django.contrib.auth.models import Group; print(Group.objects.count())"
    count = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True, check=True)
    assert int(count.stdout) == 2 * TRANSACTIONS
