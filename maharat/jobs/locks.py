"""Who is running a job right now, told by a lock the operating system or the database lets go of when the
process holding it dies, however it dies (kill -9, a power cut, a lost connection).

- SQLite (the embedded default, one machine): an exclusive flock on a file per job under VAR_DIR/jobs/locks.
- PostgreSQL (production, workers on several machines): a session advisory lock on a connection of its own,
  opened for the job's life; the server drops it with the connection.

No heartbeat, no timeout to tune: a job whose lock can be taken is a job nobody runs.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connections

ADVISORY_NAMESPACE = 17_1405  # the first key of pg_try_advisory_lock(int, int): jobs, not other locks


class Held(Protocol):
    def release(self) -> None: ...


class _FileLock:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def release(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)


class _AdvisoryLock:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def release(self) -> None:
        self.conn.close()  # closing the session lets go of its advisory locks


def _lock_file(job_id: int) -> Path:
    """One file per job and database: two databases beside one var directory (test processes running side by
    side, a copy of the demo) number their jobs alike."""
    import hashlib

    folder = Path(settings.VAR_DIR) / "jobs" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    database = hashlib.sha256(str(connections["default"].settings_dict["NAME"]).encode()).hexdigest()[:12]
    return folder / f"{database}-{job_id}.lock"


def _postgres() -> bool:
    return connections["default"].vendor == "postgresql"


def try_lock(job_id: int) -> Held | None:
    """The job's lock if nobody holds it (kept until release()), else None."""
    if _postgres():
        import psycopg

        params = connections["default"].get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        params.pop("server_side_binding", None)
        params.pop("prepare_threshold", None)
        conn = psycopg.connect(**params, autocommit=True)
        got = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", [ADVISORY_NAMESPACE, job_id]).fetchone()
        if got and got[0]:
            return _AdvisoryLock(conn)
        conn.close()
        return None
    fd = os.open(_lock_file(job_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return _FileLock(fd)


def forget(job_id: int) -> None:
    """A finished job's lock file is no longer needed (PostgreSQL keeps nothing)."""
    if not _postgres():
        _lock_file(job_id).unlink(missing_ok=True)
