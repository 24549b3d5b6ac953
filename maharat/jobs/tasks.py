"""The queue's side of jobs (Huey, found by the worker in every app's tasks.py): run one job; at the worker's
start and every minute, give out again the jobs nobody is running."""

from __future__ import annotations

from huey import crontab  # type: ignore[import-untyped]
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup  # type: ignore[import-untyped]

from . import services


@db_task()
def run_job(job_id: int) -> None:
    services.run(job_id)


@db_periodic_task(crontab(minute="*"))
def sweep_jobs() -> None:
    services.sweep()


@on_startup()
def sweep_at_start() -> None:
    # A worker killed in the middle of a job left it "running"; its lock died with it.
    services.sweep()
