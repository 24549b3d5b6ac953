"""The worker outlives a database restart, and never takes an import that is not meant for it."""

from __future__ import annotations

import pytest
from django.db import OperationalError

from maharat.exchange import services
from maharat.exchange.models import ImportStatus


class _Stop(Exception):
    pass


def test_the_worker_reconnects_after_the_database_went_away(db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[str] = []

    def process_next():  # type: ignore[no-untyped-def]
        calls.append("process")
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return None

    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise _Stop

    monkeypatch.setattr(services, "process_next", process_next)
    monkeypatch.setattr(services.time, "sleep", sleep)
    with pytest.raises(_Stop):
        services.work(idle=0.01)
    assert calls == ["process", "process"]  # it went on after the error instead of ending


def test_an_inline_import_is_never_queued_for_the_worker(user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    real_store = services.store

    def store(batch, data):  # type: ignore[no-untyped-def]
        seen.append(batch.status)
        real_store(batch, data)

    monkeypatch.setattr(services, "store", store)
    services.start_import(user=user, kind="units", file_name="u.csv", data="کد واحد,نام\n".encode(), dry_run=True,
                          background=False)
    services.start_import(user=user, kind="units", file_name="u.csv", data="کد واحد,نام\n".encode(), dry_run=True,
                          background=True)
    assert seen == [ImportStatus.RUNNING, ImportStatus.QUEUED]
