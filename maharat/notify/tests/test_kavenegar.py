"""The Kavenegar adapter against a local fake of its REST API (http.server on 127.0.0.1, a random port)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from maharat.notify import sms
from maharat.notify.gateways import GatewayError, KavenegarGateway, gateway
from maharat.notify.models import SmsMessage, SmsStatus

API_KEY = "6A4B-SECRET-KEY"
SENDER = "10008663"


@dataclass
class Fake:
    """What the fake provider received, and what it should answer next."""

    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    answer: tuple[int, dict[str, Any]] | None = None  # (HTTP status, JSON); None: a successful send
    delay: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def fake() -> Iterator[Fake]:
    state: Fake

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _reply(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append({"method": "POST", "path": self.path, "raw": raw,
                                   "type": self.headers.get("Content-Type", ""),
                                   "form": {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}})
            if state.delay:
                time.sleep(state.delay)
            if state.answer is not None:
                self._reply(*state.answer)
                return
            form = state.requests[-1]["form"]
            self._reply(200, {"return": {"status": 200, "message": "تایید شد"}, "entries": [{
                "messageid": 8792343, "message": form.get("message"), "status": 1, "statustext": "در صف ارسال",
                "sender": form.get("sender"), "receptor": form.get("receptor"), "date": 1356619709, "cost": 120}]})

        def do_GET(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            state.requests.append({"method": "GET", "path": parts.path, "query": parse_qs(parts.query)})
            ids = parse_qs(parts.query).get("messageid", [""])[0].split(",")
            self._reply(200, {"return": {"status": 200, "message": "تایید شد"}, "entries": [
                {"messageid": int(i), "status": state.statuses.get(i, 100), "statustext": f"وضعیت {i}"}
                for i in ids if i]})

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Fake(url=f"http://127.0.0.1:{server.server_address[1]}/v1")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def kavenegar(settings: Any, fake: Fake) -> Fake:
    settings.SMS_GATEWAY = "kavenegar"
    settings.SMS_API_URL = fake.url
    settings.SMS_API_KEY = API_KEY
    settings.SMS_SENDER = SENDER
    settings.SMS_TIMEOUT = 1.0
    return fake


def test_the_gateway_is_chosen_by_the_settings(kavenegar: Fake) -> None:
    chosen = gateway()
    assert isinstance(chosen, KavenegarGateway) and chosen.timeout == 1.0


def test_a_message_is_posted_with_the_key_in_the_path_and_persian_text_in_utf8(kavenegar: Fake) -> None:
    sent = gateway().send("09121234567", "جلسه آزمون شما فردا ساعت ۹ است.")
    request = kavenegar.requests[0]
    assert request["method"] == "POST" and request["path"] == f"/v1/{API_KEY}/sms/send.json"
    assert request["type"].startswith("application/x-www-form-urlencoded")
    assert request["form"] == {"receptor": "09121234567", "sender": SENDER,
                               "message": "جلسه آزمون شما فردا ساعت ۹ است."}
    assert "%D8%AC%D9%84%D8%B3%D9%87" in request["raw"].decode("ascii")  # «جلسه» percent-encoded as UTF-8
    assert sent.provider_id == "8792343" and sent.status == SmsStatus.SENT and sent.provider_status == "در صف ارسال"


@pytest.mark.django_db
def test_a_sent_message_is_logged_with_the_providers_id(kavenegar: Fake, committed: Any) -> None:
    with committed():
        sms.send_sms("۰۹۱۲۱۲۳۴۵۶۷", "پیام آزمایشی", key="k", consent=True, purpose="test")
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.SENT and message.provider_id == "8792343"
    assert message.provider_status == "در صف ارسال" and message.sent_at is not None


@pytest.mark.django_db
def test_a_provider_error_is_a_failed_delivery_with_its_message_kept(kavenegar: Fake, committed: Any) -> None:
    kavenegar.answer = (418, {"return": {"status": 418, "message": "اعتبار حساب شما کافی نیست"}, "entries": None})
    with pytest.raises(GatewayError) as error:
        gateway().send("09121234567", "پیام")
    assert str(error.value) == "418: اعتبار حساب شما کافی نیست" and error.value.retryable
    with committed():
        sms.send_sms("09121234567", "پیام", key="k", consent=True, purpose="test")
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED and message.error == "418: اعتبار حساب شما کافی نیست"
    assert message.retryable  # refused by the provider: nothing went out, a later run may try again


def test_a_non_200_return_status_inside_an_http_200_is_an_error_too(kavenegar: Fake) -> None:
    kavenegar.answer = (200, {"return": {"status": 411, "message": "گیرنده نامعتبر است"}, "entries": None})
    with pytest.raises(GatewayError, match="411: گیرنده نامعتبر است"):
        gateway().send("09121234567", "پیام")


def test_an_answer_not_in_the_providers_shape_is_an_error(kavenegar: Fake) -> None:
    kavenegar.answer = (502, {"not": "the provider"})
    with pytest.raises(GatewayError, match="پاسخ سرویس‌دهنده خوانا نبود"):
        gateway().send("09121234567", "پیام")


@pytest.mark.django_db
def test_a_timeout_is_a_failed_delivery_that_is_not_retried(kavenegar: Fake, settings: Any,
                                                             committed: Any) -> None:
    settings.SMS_TIMEOUT = 0.3
    kavenegar.delay = 3.0
    started = time.monotonic()
    with committed():
        sms.send_sms("09121234567", "پیام", key="k", consent=True, purpose="test")
    assert time.monotonic() - started < 2.5  # the timeout of the settings, not the provider's pace
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED and "مهلت انتظار" in message.error
    assert not message.retryable  # the provider may have sent it: never sent twice


@pytest.mark.django_db
def test_no_connection_is_retryable_and_the_key_never_reaches_the_log(settings: Any, committed: Any) -> None:
    settings.SMS_GATEWAY = "kavenegar"
    settings.SMS_API_URL = "http://127.0.0.1:9/v1"  # the discard port: nothing listens
    settings.SMS_API_KEY = API_KEY
    with committed():
        sms.send_sms("09121234567", "پیام", key="k", consent=True, purpose="test")
    message = SmsMessage.objects.get()
    assert message.status == SmsStatus.FAILED and message.retryable and API_KEY not in message.error


@pytest.mark.django_db
def test_delivery_is_refreshed_by_polling_the_status(kavenegar: Fake, committed: Any) -> None:
    with committed():
        sms.send_sms("09121234567", "پیام", key="a", consent=True, purpose="test")
    SmsMessage.objects.create(phone="09351234567", text="دیگری", purpose="test", key="b", status=SmsStatus.SENT,
                              provider_id="77", sent_at=SmsMessage.objects.get().sent_at)
    kavenegar.statuses = {"8792343": 10, "77": 11}
    assert sms.refresh_delivery() == 2
    status_call = [r for r in kavenegar.requests if r["method"] == "GET"][0]
    assert status_call["path"] == f"/v1/{API_KEY}/sms/status.json"
    assert sorted(status_call["query"]["messageid"][0].split(",")) == ["77", "8792343"]
    delivered, lost = SmsMessage.objects.get(key="a"), SmsMessage.objects.get(key="b")
    assert delivered.status == SmsStatus.DELIVERED and delivered.delivered_at is not None
    assert delivered.provider_status == "وضعیت 8792343"
    assert lost.status == SmsStatus.UNDELIVERABLE
    assert sms.refresh_delivery() == 0  # nothing left to ask about


@pytest.mark.parametrize(("code", "status"), [(1, "sent"), (2, "sent"), (4, "sent"), (5, "sent"), (6, "failed"),
                                              (10, "delivered"), (11, "undeliverable"), (13, "failed"),
                                              (14, "undeliverable"), (100, None), ("x", None)])
def test_the_providers_states(code: object, status: str | None) -> None:
    from maharat.notify.gateways import kavenegar_state

    assert kavenegar_state(code) == status


def test_a_gateway_needs_its_key_and_an_http_address(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.SMS_GATEWAY = "kavenegar"
    settings.SMS_API_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        gateway()
    settings.SMS_API_KEY = API_KEY
    settings.SMS_API_URL = "file:///etc/passwd"
    with pytest.raises(ImproperlyConfigured):
        gateway()
