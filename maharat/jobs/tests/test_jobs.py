"""Background jobs: run once, a job nobody holds is given out again, an export replayed as its user, each
user's jobs their own."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maharat.access.models import Account
from maharat.factories import TraineeFactory, make_unit
from maharat.jobs import locks, registry, services
from maharat.jobs.exports import export_address, start_export
from maharat.jobs.models import Job, JobStatus
from maharat.notify.models import Notification
from maharat.org.models import Unit

pytestmark = pytest.mark.django_db

calls: list[int] = []


def _count(job: Job, progress: registry.Progress) -> registry.Result:
    calls.append(job.pk)
    progress(1, 2)
    return registry.Result(message="شمرده شد", content="ردیف\n".encode(), file_name="count.csv", file_type="text/csv")


registry.register("test-count", _count)


@pytest.fixture
def planner(django_user_model):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user("jobs-planner", password="jobs-pass-1234")
    Account.objects.create(user=user, role="hq_planner", unit=Unit.objects.get(code="IR"))
    return user


def test_a_job_runs_once_and_its_owner_is_told(planner) -> None:  # type: ignore[no-untyped-def]
    calls.clear()
    job = services.start(kind="test-count", title="شمارش", user=planner)
    assert services.run_queued() == 1
    assert services.run(job.pk) is None  # delivered twice: the second finds it finished
    job.refresh_from_db()
    assert (job.status, job.message, job.file_name, job.file_size, calls) == ("done", "شمرده شد", "count.csv", len("ردیف\n".encode()), [job.pk])
    assert Notification.objects.filter(recipient=planner, topic="job").count() == 1


def test_a_job_whose_lock_is_held_is_left_to_its_worker_and_an_orphan_is_given_out(planner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls.clear()
    job = services.start(kind="test-count", title="شمارش", user=planner)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, created_at=job.created_at.replace(year=2020))
    held = locks.try_lock(job.pk)
    assert held is not None and locks.try_lock(job.pk) is None
    given: list[int] = []
    monkeypatch.setattr(services, "enqueue", given.append)
    assert services.sweep() == 0 and services.run(job.pk) is None and calls == []  # someone is running it
    held.release()  # ... and dies: its lock goes with it
    assert services.sweep() == 1 and given == [job.pk]
    assert services.run(job.pk) is not None and calls == [job.pk]


def test_a_failing_job_fails_and_says_so(planner) -> None:  # type: ignore[no-untyped-def]
    def boom(job: Job, progress: registry.Progress) -> registry.Result:
        raise RuntimeError("disk full")

    registry.register("test-boom", boom)
    job = services.start(kind="test-boom", title="خطا", user=planner)
    services.run_queued()
    job.refresh_from_db()
    assert job.status == "failed" and "RuntimeError" in job.message


def test_an_export_is_replayed_as_its_user_with_the_same_scope(planner, django_user_model) -> None:  # type: ignore[no-untyped-def]
    inside = make_unit()
    TraineeFactory(registered_unit=inside, last_name="درون‌حوزه")
    TraineeFactory(registered_unit=Unit.objects.get(code="IR-23"), last_name="بیرون‌حوزه")
    expert = django_user_model.objects.create_user("qazvin-expert", password="jobs-pass-1234")
    Account.objects.create(user=expert, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    job = start_export(user=expert, url=reverse("trainee_list") + "?format=csv", title="کارآموزان")
    services.run_queued()
    job.refresh_from_db()
    assert job.status == "done" and job.file_name.endswith(".csv"), job.message
    from maharat.jobs.storage import job_storage

    text = job_storage().open(job.file).read().decode("utf-8-sig")
    assert "درون‌حوزه" in text and "بیرون‌حوزه" not in text


@pytest.mark.parametrize("url", ["//evil.example/x?format=csv", "https://evil.example/?format=csv", "/no/such/page/?format=csv",
                                 "/trainees/", "/trainees/?format=exe", "javascript:alert(1)", "", "\x00"])
def test_an_export_address_must_be_an_export_of_this_site(url: str) -> None:
    with pytest.raises(ValidationError):
        export_address(url)


def test_jobs_are_their_owners_own(client, planner, django_user_model) -> None:  # type: ignore[no-untyped-def]
    job = services.start(kind="test-count", title="شمارش محرمانه", user=planner)
    services.run_queued()
    other = django_user_model.objects.create_user("other-planner", password="jobs-pass-1234")
    Account.objects.create(user=other, role="hq_planner", unit=Unit.objects.get(code="IR"))
    client.force_login(other)
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 404
    assert "شمارش محرمانه" not in client.get(reverse("job_list")).content.decode()
    client.force_login(planner)
    assert b"".join(client.get(reverse("job_file", args=[job.pk])).streaming_content) == "ردیف\n".encode()
    page = client.get(reverse("job_list")).content.decode()
    assert "شمارش محرمانه" in page and "آماده" in page
    client.logout()
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 302


def test_the_export_button_queues_a_job_and_refuses_a_foreign_address(client, planner) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    response = client.post(reverse("job_export"), {"url": "https://evil.example/?format=csv"})
    assert response.status_code == 302 and Job.objects.count() == 0
    response = client.post(reverse("job_export"), {"url": "/trainees/?format=xlsx", "title": "کارآموزان"})
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk]) and job.kind == "export"


def test_exports_are_limited_per_user_and_by_address_length(planner) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        start_export(user=planner, url="/trainees/?format=csv&q=" + "a" * 3000)
    for _ in range(3):
        start_export(user=planner, url="/trainees/?format=csv")
    with pytest.raises(ValidationError) as refused:
        start_export(user=planner, url="/trainees/?format=csv")
    assert "۳" in refused.value.messages[0] or "3" in refused.value.messages[0]


def test_the_sweep_gives_out_a_waiting_job_again_only_after_ten_minutes(planner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    given: list[int] = []
    monkeypatch.setattr(services, "enqueue", given.append)
    job = services.start(kind="test-count", title="منتظر", user=planner)
    old = timezone.now() - dt.timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(created_at=old, enqueued_at=old)
    assert services.sweep() == 0 and given == []  # five minutes in the queue: still waiting its turn
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - dt.timedelta(minutes=11))
    assert services.sweep() == 1 and given == [job.pk]


def test_an_export_file_is_not_handed_over_after_a_move_and_its_download_is_audited(client, planner, django_user_model) -> None:  # type: ignore[no-untyped-def]
    from maharat.audit.models import AuditEntry

    expert = django_user_model.objects.create_user("moving-expert", password="jobs-pass-1234")
    Account.objects.create(user=expert, role="provincial_expert", unit=Unit.objects.get(code="IR-26"))
    client.force_login(expert)
    client.post(reverse("job_export"), {"url": "/trainees/?format=csv"}, REMOTE_ADDR="10.1.2.3")
    services.run_queued()
    job = Job.objects.get()
    export_entry = AuditEntry.objects.filter(action="export", user=expert).first()
    assert export_entry is None or export_entry.ip_address == "10.1.2.3"
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="export", object_id=str(job.pk), user=expert).count() == 1
    Account.objects.filter(user=expert).update(unit=Unit.objects.get(code="IR-23"))
    assert client.get(reverse("job_file", args=[job.pk])).status_code == 403


def test_a_replay_refuses_nul_and_says_why_when_the_page_is_closed_to_the_user(planner, django_user_model) -> None:  # type: ignore[no-untyped-def]
    job = start_export(user=planner, url="/trainees/?format=csv&q=a%00b")
    services.run_queued()
    job.refresh_from_db()
    assert job.status == "done" and not job.file and "نویسه نامعتبر" in job.message
    tehran = django_user_model.objects.create_user("tehran-manager", password="jobs-pass-1234")
    Account.objects.create(user=tehran, role="provincial_manager", unit=Unit.objects.get(code="IR-23"))
    closed = start_export(user=tehran, url="/periods/completeness/?unit=IR-26&format=csv")
    services.run_queued()
    closed.refresh_from_db()
    assert not closed.file and "اجازه" in closed.message
