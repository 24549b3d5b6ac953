"""The holiday table as every process holds it: read once, kept in memory, read again after any change.

Deadlines are counted on every page that shows one (a list of fifty corrective actions counts fifty), so the
table (a few dozen rows a year) is held whole in each process. What tells a process that its copy is old is a
token in the shared cache (Redis in production), replaced by every write: one cache read per question, never a
database query. The writing process drops its own copy at once, and every process again when the write
commits (a process that read between the write and its commit would otherwise keep the old table under the
new token). Until its transaction ends, the writing thread reads the table from the database and keeps no
copy, so a write that is rolled back is never counted. The copy is also read again after MAX_AGE, so a cache
that is not shared between processes (the local-memory default of a development machine) or a write that
bypassed the models (a raw SQL fix) is seen within minutes.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction

from maharat.common import jalali

from .rules import weekly_rest

TOKEN_KEY = "workdays:holidays:token"
MAX_AGE = 300.0  # seconds


@dataclass(frozen=True)
class Table:
    token: str
    read_at: float
    titles: Mapping[dt.date, tuple[str, str]]  # day -> (Persian title, English title)
    extra: tuple[dt.date, ...] = ()  # holidays that are not also a weekly rest day, sorted: counting subtracts them
    years: frozenset[int] = field(default_factory=frozenset)  # Jalali years with at least one holiday loaded

    def extra_between(self, after: dt.date, through: dt.date) -> int:
        """Holidays (not on a weekly rest day) after `after`, up to and including `through`."""
        return bisect.bisect_right(self.extra, through) - bisect.bisect_right(self.extra, after)


_held: list[Table] = []  # this process's copy, shared by its threads


class _Pending(threading.local):
    """The transaction (its outermost atomic block) in which this thread wrote a holiday, until it ends."""

    def __init__(self) -> None:
        self.block: object | None = None

    def open(self) -> bool:
        blocks = getattr(connection, "atomic_blocks", None) or []
        return self.block is not None and connection.in_atomic_block and bool(blocks) and blocks[0] is self.block


_pending = _Pending()


def _token() -> str:
    token = cache.get(TOKEN_KEY)
    if token is None:
        cache.add(TOKEN_KEY, uuid.uuid4().hex, None)  # add: the first process to ask sets it, the rest read it
        token = cache.get(TOKEN_KEY)
    return str(token or "")


def _read(token: str) -> Table:
    from .models import Holiday

    titles = {day: (title, title_en) for day, title, title_en in
              Holiday.objects.order_by("date").values_list("date", "title", "title_en")}
    return Table(token=token, read_at=time.monotonic(), titles=titles,
                 extra=tuple(day for day in titles if not weekly_rest(day)),
                 years=frozenset(jalali.year_of(day) for day in titles))


def current() -> Table:
    """The holiday table, from this process's copy while it is still the latest."""
    if _pending.block is not None:
        if _pending.open():  # our own write is not committed (nor rolled back) yet: read, keep nothing
            return _read(_token())
        _pending.block = None  # that transaction has ended (a commit ran _committed; a rollback did not)
        _held.clear()
    token = _token()
    held = _held[0] if _held else None
    if held is not None and held.token == token and time.monotonic() - held.read_at < MAX_AGE:
        return held
    table = _read(token)
    _held[:] = [table]
    return table


def changed() -> None:
    """A holiday was added, changed or deleted: every process reads the table again (now, and at commit)."""
    _forget()
    if connection.in_atomic_block:
        _pending.block = connection.atomic_blocks[0]
    transaction.on_commit(_committed)


def _committed() -> None:
    _pending.block = None
    _forget()


def _forget() -> None:
    _held.clear()
    cache.set(TOKEN_KEY, uuid.uuid4().hex, None)


def on_holiday_saved(sender: Any, **kwargs: Any) -> None:
    """post_save / post_delete of Holiday: whatever wrote it (the page, the admin, a shell, a test)."""
    changed()
