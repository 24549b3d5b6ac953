"""Two runs of the same daily job at the same moment: the unique keys make one of them send nothing."""

from __future__ import annotations

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, connection

from maharat.notify import services, sms
from maharat.notify.gateways import FileGateway
from maharat.notify.models import EmailLog, Notification, SmsMessage

from .conftest import make_user


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_tell_once(outbox: FileGateway) -> None:
    user = make_user("race", mobile="09121234567", sms=True)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            for _attempt in range(200):
                try:
                    services.notify(user, topic="deadline", title="مهلت فردا است", key="deadline:race")
                    return
                except OperationalError as exc:
                    # The tests' in-memory SQLite refuses a second writer at once instead of waiting for it:
                    # that run is simply run again, as a job would be. PostgreSQL waits (and this never happens).
                    if connection.vendor != "sqlite" or "locked" not in str(exc):
                        raise
                    time.sleep(0.01)
            errors.append(TimeoutError("still locked"))
        except BaseException as exc:  # noqa: BLE001 (reported by the test below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []  # every run completed ...
    if connection.vendor == "sqlite":
        # ... though on SQLite a delivery may have met the lock too: the periodic job sends what was left queued.
        with mock.patch.object(sms, "STRAGGLER_AGE", dt.timedelta(0)), \
                mock.patch.object(services, "STRAGGLER_AGE", dt.timedelta(0)):
            services.send_queued()
    assert (Notification.objects.count(), SmsMessage.objects.count(), EmailLog.objects.count()) == (1, 1, 1)
    assert len(outbox.lines()) == 1 and len(mail.outbox) == 1  # ... and the person was told once
