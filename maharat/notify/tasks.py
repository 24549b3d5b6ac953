"""The worker's part in messages. An SMS provider may take SMS_TIMEOUT to answer, and a mail server as long:
messages are handed to the worker once their transaction commits, so no request waits for a gateway (where
the queue cannot be reached, the message is sent at once instead). Every five minutes, messages whose sending
never started (a process that died after its commit) are sent, and the provider is asked how the sent SMS
fared."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task, db_task  # type: ignore[import-untyped]

from . import services, sms

logger = logging.getLogger(__name__)


@db_task()
def deliver_sms(pk: int) -> None:
    sms.deliver(pk)


@db_task()
def deliver_email(pk: int) -> None:
    services.deliver_email(pk)


def hand_over(task: Any, now: Callable[[int], None], pk: int) -> None:
    try:
        task(pk)
    except Exception:  # the queue is down: better sent from here than not at all (delivery claims it once)
        logger.warning("job queue unreachable; message %s sent in process", pk, exc_info=True)
        now(pk)


@db_periodic_task(crontab(minute="*/5"))
def send_and_track_messages() -> None:
    services.send_queued()
    sms.refresh_delivery()
