"""Large imports go to the background as jobs; small ones are answered at once and never queued."""

from __future__ import annotations

from maharat.exchange import services
from maharat.exchange.models import ImportStatus
from maharat.jobs.models import Job


def test_an_inline_import_is_never_queued_for_the_worker(user, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    real_store = services.store

    def store(batch, data):  # type: ignore[no-untyped-def]
        seen.append(batch.status)
        real_store(batch, data)

    monkeypatch.setattr(services, "store", store)
    services.start_import(user=user, kind="units", file_name="u.csv", data="کد واحد,نام\n".encode(), dry_run=True,
                          background=False)
    assert Job.objects.count() == 0
    services.start_import(user=user, kind="units", file_name="u.csv", data="کد واحد,نام\n".encode(), dry_run=True,
                          background=True)
    assert seen == [ImportStatus.RUNNING, ImportStatus.QUEUED]
    job = Job.objects.get()
    assert (job.kind, job.user, job.status) == ("import", user, "queued")
