"""The worker's part in keeping figures exact: slices a catalogue edit left stale are recomputed as soon as
the edit commits (refresh_figures, queued by summaries.standard_changed) and, should that message be lost,
by the minute's sweep."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task, db_task  # type: ignore[import-untyped]

from . import summaries


@db_task()
def refresh_figures() -> None:
    while summaries.refresh_stale():
        pass


@db_periodic_task(crontab(minute="*"))
def refresh_figures_every_minute() -> None:
    while summaries.refresh_stale():
        pass
