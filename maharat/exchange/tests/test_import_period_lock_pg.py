"""On PostgreSQL, an import holds the months it writes: the approval of one waits for the import's commit."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections

from maharat.approval.models import PeriodReport, PeriodStatus
from maharat.kit.importing.signals import after_write
from maharat.training.models import Enrollment

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.serial]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks between two connections: PostgreSQL")
def test_the_month_cannot_be_approved_while_an_import_writes_it(django_user_model) -> None:  # type: ignore[no-untyped-def]
    from maharat.org.models import Unit

    if not Unit.objects.filter(code="IR-26").exists():  # transactional tests start from a flushed database
        from importlib import import_module

        from django.apps import apps

        import_module("maharat.org.migrations.0002_hq_and_provinces").load(apps, None)
    from maharat.approval import services as approval

    from .test_import_periods import enrollment_file, make_month, start

    the_month = make_month(django_user_model)
    p = the_month["period"]

    # The run ends today, a month not over yet, which cannot be sent; what matters here is the approval.
    PeriodReport.objects.update_or_create(unit=the_month["center"], year=p.year, month=p.month,
                                          defaults={"status": PeriodStatus.SUBMITTED})
    seen: dict[str, Any] = {}

    def approve_elsewhere() -> None:  # another request, on its own connection
        try:
            approval.approve(user=the_month["manager"], unit=the_month["center"], year=p.year, month=p.month)
            seen["approved_at"] = time.monotonic()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            seen["error"] = exc
        finally:
            connections.close_all()

    def during_write(sender: Any, **kwargs: Any) -> None:
        seen["thread"] = threading.Thread(target=approve_elsewhere)
        seen["thread"].start()
        seen["thread"].join(timeout=1.5)
        seen["blocked"] = seen["thread"].is_alive()  # waiting for the month's row, which the import holds
        seen["written_at"] = time.monotonic()

    after_write.connect(during_write, sender=Enrollment, dispatch_uid="test-approve-elsewhere")
    try:
        batch = start(the_month, enrollment_file(the_month))
    finally:
        after_write.disconnect(dispatch_uid="test-approve-elsewhere", sender=Enrollment)
    seen["thread"].join(timeout=20)
    assert "error" not in seen, seen.get("error")
    assert batch.status == "done" and Enrollment.objects.count() == 3
    assert seen["blocked"] and seen["approved_at"] > seen["written_at"]
    assert PeriodReport.objects.get(unit=the_month["center"]).status == PeriodStatus.APPROVED
