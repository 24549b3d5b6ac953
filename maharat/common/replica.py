"""Reads from a PostgreSQL streaming replica (docs/deployment.md, "Read replicas").

Configured only when REPLICA_DATABASE_URL is set (settings: DATABASES["replica"], DATABASE_ROUTERS). A request
may read from the replica only when ReplicaMiddleware says so: a GET or HEAD of a report, an export or the API's
read-only endpoints, from a user who has not written in the last few seconds, while the replica answers and is
not too far behind. Everything else, and every write, uses "default" (the primary), so a page that must show a
write at once never depends on replication.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"

# Which safe requests may read from the replica: the one place to change it.
REPLICA_PREFIXES = ("/monitoring/", "/api/v1/", "/import/export/")
# Tokens are issued, listed and revoked here: an API client must see its new token, and a revocation must hold, at once.
PRIMARY_PREFIXES = ("/api/v1/auth/",)
EXPORT_FORMATS = frozenset({"csv", "xlsx", "pdf"})  # ?format= of any list or report: an export
SAFE_METHODS = frozenset({"GET", "HEAD"})

# Who the user is and what they may do is always read from the primary: a new password, session or API token
# works at once, and a revoked token or a withdrawn role never lives on for the replication delay.
PRIMARY_APPS = frozenset({"auth", "sessions", "access", "axes", "otp_totp", "otp_static", "django_otp"})
# Writes to these do not move the rest of the request to the primary: PRIMARY_APPS are read from the primary
# anyway (a session, an API token's last use), and an audit entry (who looked at or exported what) is written
# beside a read, never read back.
UNPINNING_APPS = PRIMARY_APPS | {"audit"}

# Time behind the primary in seconds. When everything received has been replayed and the stream is up the
# replica is current, however old its last transaction (an idle primary sends none: now() minus the last
# replayed commit would grow without any lag). Without a stream it is as stale as its last replayed commit.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver) THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


@dataclass
class _Reads:
    """The current request reads from the replica until it writes (then it must see its own write)."""

    wrote: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("maharat_replica_reads", default=None)


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in this block may use the replica: the middleware's flag. Outside a request (a report built by a
    command) ask replica_usable() first, as the middleware does."""
    token = _reads.set(_Reads())
    try:
        yield
    finally:
        _reads.reset(token)


def configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """Reads go to the replica only under replica_reads(), outside a transaction and before any write."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = _reads.get()
        if (state is None or state.wrote or model._meta.app_label in PRIMARY_APPS
                # Inside atomic() the reads belong with the writes of the same transaction.
                or connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        state = _reads.get()
        if state is not None and model._meta.app_label not in UNPINNING_APPS:
            state.wrote = True  # what this request reads next must include what it has just written
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the same rows: an object read from it may be linked to one from the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS  # the replica receives the schema through replication


# ---------------------------------------------------------------------------------------------- health

_down_until = 0.0  # time.monotonic() before which this process does not try the replica again


def replica_usable() -> bool:
    """Does the replica answer, and is it no further behind than MAHARAT_REPLICA_MAX_LAG seconds?

    The router cannot catch a connection error (it only names an alias), so this runs before the view: one short
    query, which also reconnects after the replica comes back. A failure is remembered for
    MAHARAT_REPLICA_RETRY_SECONDS, so that a replica that is down costs one connection attempt (at most
    connect_timeout) every few seconds per process, not one per request."""
    global _down_until
    if time.monotonic() < _down_until:
        return False
    conn = connections[REPLICA]
    try:
        if conn.vendor != "postgresql":
            conn.ensure_connection()
            lag = 0.0
        else:
            with conn.cursor() as cursor:
                cursor.execute(LAG_SQL)
                lag = float(cursor.fetchone()[0])
    except Exception:  # whatever stops the replica from answering, the primary can
        logger.warning("Replica unavailable; reading from the primary for %ss", settings.MAHARAT_REPLICA_RETRY_SECONDS,
                       exc_info=True)
        with contextlib.suppress(Exception):
            conn.close()  # a broken connection must not be reused by the next request
        _down_until = time.monotonic() + settings.MAHARAT_REPLICA_RETRY_SECONDS
        return False
    max_lag = settings.MAHARAT_REPLICA_MAX_LAG
    if max_lag and lag > max_lag:
        logger.info("Replica %.1fs behind (limit %ss); reading from the primary", lag, max_lag)
        return False
    return True


# ---------------------------------------------------------------------------------------------- requests


def wants_replica(request: HttpRequest) -> bool:
    if request.method not in SAFE_METHODS:
        return False
    path = request.path_info
    if path.startswith(PRIMARY_PREFIXES):
        return False
    return path.startswith(REPLICA_PREFIXES) or request.GET.get("format") in EXPORT_FORMATS


def _writer_keys(request: HttpRequest) -> list[str]:
    """Cache keys naming who sent the request: the signed-in user, and the API token when one is sent.

    Before the view only the session's user is known (DRF authenticates a token inside the view), so a token
    client is named by its Authorization header as well. The cache, not a cookie, holds the marker: API clients
    keep no cookies, and production shares one cache (Redis) between all processes."""
    keys = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        keys.append(f"replica:wrote:u{user.pk}")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        keys.append("replica:wrote:h" + hashlib.sha256(header.encode()).hexdigest()[:32])
    return keys


class ReplicaMiddleware:
    """Lets the reads of eligible requests use the replica, and keeps a user who has just written on the primary
    for MAHARAT_REPLICA_STICKY_SECONDS (read your writes). After AuthenticationMiddleware: it needs request.user,
    and loading the user (and session) here keeps those reads on the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not configured():
            raise MiddlewareNotUsed  # no replica: Django leaves this middleware out altogether
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (wants_replica(request)
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block  # e.g. a test's transaction: primary anyway
                and not cache.get_many(_writer_keys(request))
                and replica_usable()):
            with replica_reads():
                return self.get_response(request)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            # request.user now includes whoever DRF authenticated (it sets the Django request's user too).
            cache.set_many(dict.fromkeys(_writer_keys(request), True), timeout=settings.MAHARAT_REPLICA_STICKY_SECONDS)
        return response
