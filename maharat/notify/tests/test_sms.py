"""send_sms() for citizens and trainees: consent, opt-out, one message per key, every attempt logged."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from maharat.audit.models import AuditEntry
from maharat.notify import services, sms
from maharat.notify.gateways import FileGateway, GatewayError
from maharat.notify.models import OptOutChannel, SmsMessage, SmsOptOut, SmsStatus

from .conftest import make_user

pytestmark = pytest.mark.django_db

TEXT = "کلاس جوشکاری شما فردا ساعت ۸ آغاز می‌شود."


def test_without_consent_nothing_is_sent_and_the_refusal_is_logged(outbox: FileGateway, committed: Any) -> None:
    with committed():
        message = sms.send_sms("09121234567", TEXT, key="class:1:trainee:7", consent=False, purpose="class-start")
    message.refresh_from_db()
    assert message.status == SmsStatus.REFUSED_NO_CONSENT and message.sent_at is None
    assert message.text == TEXT and message.purpose == "class-start"
    assert outbox.lines() == []


def test_an_opted_out_number_is_refused_and_logged(outbox: FileGateway, committed: Any) -> None:
    sms.opt_out("۰۹۱۲۱۲۳۴۵۶۷", OptOutChannel.PAGE)
    with committed():
        message = sms.send_sms("+989121234567", TEXT, key="k", consent=True, purpose="class")
    message.refresh_from_db()
    assert message.status == SmsStatus.REFUSED_OPTED_OUT and message.phone == "09121234567"
    assert outbox.lines() == []


@pytest.mark.parametrize("written", ["09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "٠٩١٢١٢٣٤٥٦٧", "+98 912 123 4567", "00989121234567",
                                     "989121234567", "0912-123-4567"])
def test_numbers_are_sent_in_one_form(written: str, outbox: FileGateway, committed: Any) -> None:
    with committed():
        sms.send_sms(written, TEXT, key="k", consent=True, purpose="class")
    assert [line["phone"] for line in outbox.lines()] == ["09121234567"]
    assert SmsMessage.objects.get().phone == "09121234567"


@pytest.mark.parametrize("written", ["", "12345", "0912123456", "02112345678", "09121234567\x00", "abc"])
def test_a_number_that_is_not_a_mobile_is_logged_as_failed(written: str, outbox: FileGateway,
                                                           committed: Any) -> None:
    with committed():
        message = sms.send_sms(written, TEXT, key="k", consent=True, purpose="class")
    message.refresh_from_db()
    if written == "09121234567\x00":  # the NUL is dropped, what remains is a number
        assert message.status == SmsStatus.SENT
        return
    assert message.status == SmsStatus.FAILED and message.error == "شماره همراه معتبر نیست."
    assert outbox.lines() == [] and "\x00" not in message.phone


def test_the_same_key_is_sent_once(outbox: FileGateway, committed: Any) -> None:
    for _ in range(3):
        with committed():
            sms.send_sms("09121234567", TEXT, key="same", consent=True, purpose="class")
    assert len(outbox.lines()) == 1 and SmsMessage.objects.count() == 1


def test_a_refused_message_is_sent_once_consent_is_given(outbox: FileGateway, committed: Any) -> None:
    with committed():
        sms.send_sms("09121234567", TEXT, key="k", consent=False, purpose="class")
    with committed():
        message = sms.send_sms("09121234567", TEXT, key="k", consent=True, purpose="class")
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT and len(outbox.lines()) == 1
    with committed():  # and still only once
        sms.send_sms("09121234567", TEXT, key="k", consent=True, purpose="class")
    assert len(outbox.lines()) == 1


def test_a_failure_that_sent_nothing_is_tried_again_a_few_times(monkeypatch: Any, outbox: FileGateway,
                                                                committed: Any) -> None:
    real_send = FileGateway.send

    def down(self: Any, phone: str, text: str) -> Any:
        raise GatewayError("no connection", retryable=True)

    monkeypatch.setattr(FileGateway, "send", down)
    for _ in range(sms.MAX_ATTEMPTS + 2):
        with committed():
            sms.send_sms("09121234567", TEXT, key="k", consent=True, purpose="class")
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED and message.attempts == sms.MAX_ATTEMPTS
    monkeypatch.setattr(FileGateway, "send", real_send)
    with committed():
        sms.send_sms("09121234567", TEXT, key="k", consent=True, purpose="class")
    assert outbox.lines() == []  # three tries are enough: the log says why


def test_a_timeout_is_not_tried_again(monkeypatch: Any, outbox: FileGateway, committed: Any) -> None:
    def slow(self: Any, phone: str, text: str) -> Any:
        raise GatewayError("timed out", retryable=False)

    monkeypatch.setattr(FileGateway, "send", slow)
    with committed():
        sms.send_sms("09121234567", TEXT, key="k", consent=True, purpose="class")
    monkeypatch.undo()
    with committed():
        sms.send_sms("09121234567", TEXT, key="k", consent=True, purpose="class")
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED and message.attempts == 1 and outbox.lines() == []


def test_a_long_text_is_sent_whole_in_parts_and_logged_whole(outbox: FileGateway, committed: Any) -> None:
    text = "پیام " * 60  # 300 characters: five Persian parts
    with committed():
        sms.send_sms("09121234567", text, key="k", consent=True, purpose="class")
    message = SmsMessage.objects.get()
    assert message.text == text.strip() and message.parts == 5
    assert outbox.lines()[0]["text"] == text.strip()


def test_a_huge_text_is_cut_and_the_log_holds_what_was_sent(outbox: FileGateway, committed: Any) -> None:
    with committed():
        sms.send_sms("09121234567", "ب" * 10_000 + "\x00\x1b", key="k", consent=True, purpose="class")
    message = SmsMessage.objects.get()
    assert len(message.text) == 670 and message.text.endswith("…") and message.parts == 10
    assert outbox.lines()[0]["text"] == message.text


def test_persian_digits_reach_the_phone_as_written(outbox: FileGateway, committed: Any) -> None:
    with committed():
        sms.send_sms("09121234567", TEXT, key="k", consent=True, purpose="class")
    assert "۸" in outbox.lines()[0]["text"] and "۸" in SmsMessage.objects.get().text


def test_opt_out_and_back_in_are_audited() -> None:
    assert sms.opt_out("09121234567", OptOutChannel.REPLY) is True
    assert sms.opt_out("۰۹۱۲۱۲۳۴۵۶۷", OptOutChannel.PAGE) is False  # already out; the first way is kept
    assert SmsOptOut.objects.get().how == OptOutChannel.REPLY
    assert sms.is_opted_out("+989121234567") and not sms.is_opted_out("09351234567")
    assert sms.opt_in("09121234567") is True and not sms.is_opted_out("09121234567")
    assert sms.opt_in("09121234567") is False
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == ["create", "delete"]
    with pytest.raises(ValidationError) as error:
        sms.opt_out("12345")
    assert "شماره همراه" in str(error.value)


def test_the_opt_out_link_carries_a_signed_number() -> None:
    url = sms.optout_url("۰۹۱۲۱۲۳۴۵۶۷")
    assert url.startswith("https://maharat.example.ir/inbox/sms/stop/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert sms.phone_of_token(token) == "09121234567"
    assert sms.phone_of_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert sms.phone_of_token("09121234567") is None


def test_messages_left_queued_are_sent_by_the_periodic_job(outbox: FileGateway) -> None:
    # Written, but the process stopped before its commit callback ran (the test's transaction never commits).
    sms.send_sms("09121234567", TEXT, key="left", consent=True, purpose="class")
    stuck = SmsMessage.objects.create(phone="09121234567", text=TEXT, purpose="class", key="stuck",
                                      claimed_at=timezone.now() - dt.timedelta(hours=1))
    assert outbox.lines() == []
    with mock.patch.object(sms, "STRAGGLER_AGE", dt.timedelta(0)):
        assert services.send_queued() == 1
    assert len(outbox.lines()) == 1
    stuck.refresh_from_db()
    assert stuck.status == SmsStatus.FAILED  # its sending began: it may have gone out, so it is not sent again
    assert SmsMessage.objects.get(key="left").status == SmsStatus.SENT


def test_a_staff_users_number_that_opted_out_gets_no_sms(outbox: FileGateway, committed: Any) -> None:
    user = make_user("staff", mobile="09121234567", sms=True)
    sms.opt_out("09121234567", OptOutChannel.REPLY)
    with committed():
        outcome = services.notify(user, topic="t", title="پیام", key="k")
    assert outcome.sms is not None
    outcome.sms.refresh_from_db()
    assert outcome.sms.status == SmsStatus.REFUSED_OPTED_OUT and outbox.lines() == []
    # Saving the channels page again does not lift it: only the number itself may ask again.
    services.save_preferences(user, email=True, sms=True, mobile="09121234567")
    assert sms.is_opted_out("09121234567")


def test_the_periodic_command_sends_what_was_left_and_polls(outbox: FileGateway) -> None:
    from io import StringIO

    from django.core.management import call_command

    sms.send_sms("09121234567", TEXT, key="left", consent=True, purpose="class")  # its commit never came
    out = StringIO()
    with mock.patch.object(sms, "STRAGGLER_AGE", dt.timedelta(0)):
        call_command("sms-status", stdout=out)
    assert out.getvalue().startswith("sent 1 queued message(s); 1 delivery status(es) updated")
    assert SmsMessage.objects.get().status == SmsStatus.DELIVERED  # the file gateway "delivers" what it wrote


def test_the_settings_check_finds_a_real_gateway_without_its_key(settings: Any) -> None:
    from maharat.notify.checks import sms_settings

    assert sms_settings() == []
    settings.SMS_GATEWAY, settings.SMS_API_KEY, settings.SMS_INBOUND_TOKEN = "kavenegar", "", "short"
    assert sorted(m.id for m in sms_settings()) == ["maharat.notify.E002", "maharat.notify.W001"]
    settings.SMS_GATEWAY = "carrier-pigeon"
    assert "maharat.notify.E001" in [m.id for m in sms_settings()]
