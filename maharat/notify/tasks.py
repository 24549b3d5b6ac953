"""The worker's part in messages: every five minutes, e-mail and SMS whose sending never started (a process that
died after its commit) are sent, and the provider is asked how the sent SMS fared."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task  # type: ignore[import-untyped]

from . import services, sms


@db_periodic_task(crontab(minute="*/5"))
def send_and_track_messages() -> None:
    services.send_queued()
    sms.refresh_delivery()
