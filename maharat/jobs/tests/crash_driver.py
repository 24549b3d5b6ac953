"""Run inside a separate process (`maharat shell -c`) by test_crash.py: prepares its own database with an import
queued for the worker, and reports what the database holds afterwards."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model

from maharat.access.models import Account
from maharat.audit.models import AuditEntry
from maharat.exchange.models import ImportBatch
from maharat.exchange.services import start_import
from maharat.exchange.tests.test_imports import csv_bytes, trainee_rows
from maharat.jobs.models import Job
from maharat.org.factories import make_unit
from maharat.org.models import Unit
from maharat.people.models import Trainee


def queue_import(rows: int) -> None:
    user = get_user_model().objects.create_user("crash-importer", password="crash-pass-1234")
    Account.objects.create(user=user, role="hq_planner", unit=Unit.objects.get(code="IR"))
    unit = make_unit()
    batch = start_import(user=user, kind="trainees", file_name="national.csv",
                         data=csv_bytes(trainee_rows(rows, unit)), dry_run=False, background=True)
    print(json.dumps({"batch": batch.pk}))


def state() -> None:
    batch = ImportBatch.objects.get()
    job = Job.objects.get()
    print(json.dumps({
        "trainees": Trainee.objects.count(),
        "trainee_audit": AuditEntry.objects.filter(content_type__model="trainee").count(),
        "batch_status": batch.status, "batch_created": batch.created, "processed": batch.processed_rows,
        "job_status": job.status, "attempts": job.attempts,
    }))
