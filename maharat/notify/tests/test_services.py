"""notify(): the inbox entry once, e-mail and SMS as the user chose, each once per key."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from maharat.notify import services
from maharat.notify.gateways import FileGateway, GatewayError
from maharat.notify.models import EmailLog, EmailStatus, Notification, SmsMessage, SmsStatus

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _deadline_job(deadlines: list[tuple[Any, dt.date, str]], today: dt.date) -> None:
    """What a daily job does: remind each owner of a deadline due tomorrow, keyed by the deadline and its day."""
    for owner, due, name in deadlines:
        if due == today + dt.timedelta(days=1):
            services.notify(owner, topic="deadline", title=f"مهلت «{name}» فردا به پایان می‌رسد",
                            body="لطفاً پیش از پایان مهلت، گزارش را ارسال کنید.", url="/approval/IR-26/",
                            key=f"deadline:{name}:{due.isoformat()}")


def test_a_deadline_due_tomorrow_gives_one_inbox_message_and_one_sms_when_the_job_runs_twice(
        outbox: FileGateway, committed: Any) -> None:
    head = make_user("head", mobile="09121234567", sms=True)
    today = dt.date(2026, 11, 22)
    deadlines = [(head, today + dt.timedelta(days=1), "گزارش آبان"), (head, today + dt.timedelta(days=5), "بعدی")]
    for _run in range(2):
        with committed():
            _deadline_job(deadlines, today)
    assert Notification.objects.filter(recipient=head).count() == 1
    lines = outbox.lines()
    assert len(lines) == 1 and lines[0]["phone"] == "09121234567"
    assert lines[0]["text"].startswith("مهلت «گزارش آبان» فردا به پایان می‌رسد\n")
    assert "https://maharat.example.ir/approval/IR-26/" in lines[0]["text"]
    assert SmsMessage.objects.get().status == SmsStatus.SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["head@example.ir"]


def test_notify_twice_with_one_key_tells_once_on_every_channel(outbox: FileGateway, committed: Any) -> None:
    user = make_user("twice", mobile="09121234567", sms=True)
    with committed():
        first = services.notify(user, topic="t", title="پیام", body="متن", key="k1")
    with committed():
        second = services.notify(user, topic="t", title="پیام دیگر", body="متن دیگر", key="k1")
    assert first.created and not second.created
    assert second.notification.pk == first.notification.pk and second.notification.title == "پیام"
    assert (Notification.objects.count(), SmsMessage.objects.count(), EmailLog.objects.count()) == (1, 1, 1)
    assert len(outbox.lines()) == 1 and len(mail.outbox) == 1
    assert first.sms is not None and first.email is not None
    first.sms.refresh_from_db()
    first.email.refresh_from_db()
    assert first.sms.status == SmsStatus.SENT and first.email.status == EmailStatus.SENT
    # A different key is a different message.
    with committed():
        services.notify(user, topic="t", title="پیام", key="k2")
    assert Notification.objects.count() == 2 and len(outbox.lines()) == 2 and len(mail.outbox) == 2


def test_the_unique_constraint_itself_refuses_a_second_row_for_a_key() -> None:
    user = make_user("unique")
    Notification.objects.create(recipient=user, topic="t", title="الف", key="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=user, topic="t", title="ب", key="same")
    SmsMessage.objects.create(phone="09121234567", text="الف", purpose="t", key="sms-key")
    with pytest.raises(IntegrityError), transaction.atomic():
        SmsMessage.objects.create(phone="09121234567", text="ب", purpose="t", key="sms-key")
    EmailLog.objects.create(address="a@example.ir", subject="الف", body="", purpose="t", key="mail-key")
    with pytest.raises(IntegrityError), transaction.atomic():
        EmailLog.objects.create(address="a@example.ir", subject="ب", body="", purpose="t", key="mail-key")
    # Another user may hold the same key: it is per recipient.
    Notification.objects.create(recipient=make_user("other"), topic="t", title="الف", key="same")


def test_channels_are_the_users_choice(outbox: FileGateway, committed: Any) -> None:
    inbox_only = make_user("inbox", by_email=False)
    by_sms = make_user("sms", mobile="09351234567", sms=True, by_email=False)
    no_address = make_user("noaddress")
    no_address.email = ""
    no_address.save()
    sms_without_number = make_user("nonumber", sms=True, by_email=False)
    with committed():
        for user in (inbox_only, by_sms, no_address, sms_without_number):
            services.notify(user, topic="t", title="پیام", key="k")
    assert Notification.objects.count() == 4
    assert [line["phone"] for line in outbox.lines()] == ["09351234567"]
    assert mail.outbox == []
    assert EmailLog.objects.count() == 0


def test_a_user_who_never_chose_gets_inbox_and_email_but_no_sms(outbox: FileGateway, committed: Any) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("fresh", email="fresh@example.ir")
    with committed():
        outcome = services.notify(user, topic="t", title="پیام", key="k")
    assert outcome.email is not None and outcome.sms is None
    assert len(mail.outbox) == 1 and outbox.lines() == []


def test_an_inactive_account_gets_no_email_or_sms(outbox: FileGateway, committed: Any) -> None:
    user = make_user("left", mobile="09121234567", sms=True)
    user.is_active = False
    user.save()
    with committed():
        services.notify(user, topic="t", title="پیام", key="k")
    assert outbox.lines() == [] and mail.outbox == []


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(outbox: FileGateway, committed: Any) -> None:
    user = make_user("rollback", mobile="09121234567", sms=True)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        services.notify(user, topic="t", title="پیام", key="k")
        raise RuntimeError("the caller's write failed")
    assert Notification.objects.count() == 0 and outbox.lines() == [] and mail.outbox == []


def test_deliveries_wait_for_the_callers_commit(outbox: FileGateway, committed: Any) -> None:
    user = make_user("wait", mobile="09121234567", sms=True)
    with committed() as callbacks:
        with transaction.atomic():
            outcome = services.notify(user, topic="t", title="پیام", key="k")
            assert outbox.lines() == [] and mail.outbox == []  # inside the caller's transaction: nothing yet
    assert len(callbacks) == 2 and outcome.sms is not None
    assert len(outbox.lines()) == 1 and len(mail.outbox) == 1


def test_a_failing_gateway_is_logged_and_never_breaks_the_caller(monkeypatch: Any, committed: Any) -> None:
    def broken(self: Any, phone: str, text: str) -> Any:
        raise GatewayError("۴۱۸: اعتبار حساب کافی نیست", retryable=True)

    monkeypatch.setattr(FileGateway, "send", broken)
    user = make_user("broken", mobile="09121234567", sms=True)
    with committed():
        outcome = services.notify(user, topic="t", title="پیام", key="k")
    message = SmsMessage.objects.get()
    assert outcome.notification.pk and message.status == SmsStatus.FAILED
    assert message.error == "۴۱۸: اعتبار حساب کافی نیست" and message.retryable and message.attempts == 1


def test_a_crashing_gateway_is_logged_too(monkeypatch: Any, committed: Any, settings: Any) -> None:
    settings.SMS_GATEWAY = "nonsense"
    user = make_user("misconfigured", mobile="09121234567", sms=True)
    with committed():
        services.notify(user, topic="t", title="پیام", key="k")
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED and "ImproperlyConfigured" in message.error


def test_a_failing_mail_server_is_logged(monkeypatch: Any, committed: Any) -> None:
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self: Any, messages: Any) -> int:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    user = make_user("nomail")
    with committed():
        services.notify(user, topic="t", title="پیام", key="k")
    record = EmailLog.objects.get()
    assert record.status == EmailStatus.FAILED and "smtp down" in record.error


def test_hostile_text_is_cleaned_and_cut(outbox: FileGateway, committed: Any) -> None:
    user = make_user("hostile", mobile="09121234567", sms=True)
    body = "سطر\x00یک\u202e\x07\r\nسطر دو" + "ب" * 10_000
    with committed():
        outcome = services.notify(user, topic="t", title="عنوان\x00\nدوم\x1b[31m", body=body, key="k\x00ey")
    note = outcome.notification
    assert "\x00" not in note.title + note.body + note.key and "\u202e" not in note.body
    assert note.title == "عنوان دوم[31m" and note.key == "key"
    assert note.body.startswith("سطریک\nسطر دو") and len(note.body) == 4000 and note.body.endswith("…")
    sms_text = outbox.lines()[0]["text"]
    assert len(sms_text) <= 670 and "\x00" not in sms_text
    assert SmsMessage.objects.get().parts == -(-len(sms_text) // 67)
    assert "\x00" not in mail.outbox[0].subject + mail.outbox[0].body


def test_a_link_to_another_site_is_left_out(committed: Any) -> None:
    user = make_user("links")
    for i, url in enumerate(["//evil.com/x", "https://evil.com/", "javascript:alert(1)", "/\\evil.com", "x/y"]):
        outcome = services.notify(user, topic="t", title="پیام", url=url, key=f"k{i}")
        assert outcome.notification.url == "", url
    assert services.notify(user, topic="t", title="پیام", url="/training/runs/12/?tab=1", key="ok").notification.url \
        == "/training/runs/12/?tab=1"


def test_a_very_long_key_still_identifies_one_message() -> None:
    user = make_user("longkey")
    key = "deadline:" + "x" * 500
    first = services.notify(user, topic="t", title="پیام", key=key)
    again = services.notify(user, topic="t", title="پیام", key=key)
    other = services.notify(user, topic="t", title="پیام", key=key + "y")
    assert first.notification.pk == again.notification.pk != other.notification.pk
    assert len(first.notification.key) <= 200


def test_mark_read_touches_only_the_users_own_messages() -> None:
    owner, stranger = make_user("owner"), make_user("stranger")
    mine = services.notify(owner, topic="t", title="الف", key="a").notification
    theirs = services.notify(stranger, topic="t", title="ب", key="b").notification
    assert services.mark_read(owner, [mine.pk, theirs.pk]) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None
    services.notify(owner, topic="t", title="ج", key="c")
    assert services.mark_read(owner, "all") == 1
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()


def test_notifications_have_their_time(committed: Any) -> None:
    user = make_user("time")
    before = timezone.now()
    note = services.notify(user, topic="t", title="پیام", key="k").notification
    assert before <= note.created_at <= timezone.now() and note.read_at is None
