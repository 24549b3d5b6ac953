"""SMS gateways: where a message leaves the platform. SMS_GATEWAY chooses one.

"file" appends each message to SMS_OUTBOX/outbox.jsonl (development and tests: nothing leaves the machine).
"kavenegar" is the REST API of Kavenegar, an Iranian SMS provider (https://kavenegar.com/rest.html):

    POST {SMS_API_URL}/{SMS_API_KEY}/sms/send.json     receptor, sender, message (form-encoded, UTF-8)
    GET  {SMS_API_URL}/{SMS_API_KEY}/sms/status.json?messageid=1,2,3
    → {"return": {"status": 200, "message": "…"}, "entries": [{"messageid": …, "status": …, "statustext": …}]}

A provider error comes as a non-200 `return.status` (with an HTTP error status of the same number), e.g. 418
when the account's credit has run out; its Persian `message` is kept in the log.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import socket
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlencode, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import SmsStatus

RESPONSE_LIMIT = 1024 * 1024  # a provider's answer is a few hundred bytes; never read more than this
STATUS_BATCH = 500  # Kavenegar answers at most 500 message ids per status request
WRITTEN = "outbox.jsonl"  # the file gateway's "provider status": where the message went
UNREADABLE = gettext_lazy("پاسخ سرویس‌دهنده خوانا نبود.")
TIMED_OUT = gettext_lazy("مهلت انتظار برای پاسخ سرویس‌دهنده گذشت؛ شاید پیامک ارسال شده باشد.")


class GatewayError(Exception):
    """The message was not accepted. `retryable`: certainly nothing was sent (the provider refused it, the
    connection was never made), so a later run may try again; a timeout may have sent it and is not."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Sent:
    provider_id: str
    status: str = SmsStatus.SENT  # what the provider said at once (a message can be refused on the spot)
    provider_status: str = ""


@dataclass(frozen=True)
class Delivery:
    status: str | None  # an SmsStatus, or None when the provider does not know (yet)
    provider_status: str = ""


class Gateway(Protocol):
    name: str

    def send(self, phone: str, text: str) -> Sent: ...

    def status(self, provider_ids: list[str]) -> dict[str, Delivery]: ...


# ------------------------------------------------------------------------------------------------ file
class FileGateway:
    """One JSON line per message: {"id", "phone", "text", "time"}. Several processes (the web server, the
    worker) append to the same file, so each line is written under an exclusive lock, in one write."""

    name = "file"

    def __init__(self, directory: Path | str) -> None:
        self.path = Path(directory) / "outbox.jsonl"

    def send(self, phone: str, text: str) -> Sent:
        provider_id = uuid.uuid4().hex
        line = json.dumps({"id": provider_id, "phone": phone, "text": text, "time": timezone.now().isoformat()},
                          ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._locked("a") as out:
                out.write(line)
        except OSError as exc:
            raise GatewayError(_("پرونده صف پیامک نوشته نشد: {error}").format(error=exc.strerror or exc),
                               retryable=True) from exc
        return Sent(provider_id, SmsStatus.SENT, WRITTEN)

    def status(self, provider_ids: list[str]) -> dict[str, Delivery]:
        """A message written to the file is as delivered as it will ever be."""
        wanted = set(provider_ids)
        return {entry["id"]: Delivery(SmsStatus.DELIVERED, WRITTEN)
                for entry in self.lines() if entry.get("id") in wanted}

    def lines(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self._locked("r") as source:
            return [json.loads(line) for line in source if line.strip()]

    @contextlib.contextmanager
    def _locked(self, mode: str) -> Iterator[Any]:
        with open(self.path, mode, encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if mode != "r" else fcntl.LOCK_SH)
            try:
                yield handle
                handle.flush()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


# ------------------------------------------------------------------------------------------- kavenegar
# Kavenegar's message states (its REST documentation, "وضعیت پیامک"; the same numbers as the MessageStatus
# enumeration of its official SDKs). 1 queued and 2 scheduled are inside the provider, 4 and 5 handed to the
# operator: all "sent" for us, the provider has taken the message.
KAVENEGAR_STATES: dict[int, str | None] = {
    1: SmsStatus.SENT, 2: SmsStatus.SENT, 4: SmsStatus.SENT, 5: SmsStatus.SENT,
    6: SmsStatus.FAILED,  # the operator reported an error
    10: SmsStatus.DELIVERED,
    11: SmsStatus.UNDELIVERABLE,  # did not reach the phone
    13: SmsStatus.FAILED,  # cancelled
    14: SmsStatus.UNDELIVERABLE,  # blocked: the recipient refuses messages from such lines
    100: None,  # the provider does not know this message id (or no longer)
}


def kavenegar_state(code: object) -> str | None:
    try:
        return KAVENEGAR_STATES.get(int(str(code).strip()))
    except ValueError:
        return None


class KavenegarGateway:
    name = "kavenegar"

    def __init__(self, *, url: str, api_key: str, sender: str = "", timeout: float = 10.0) -> None:
        if urlsplit(url).scheme not in ("http", "https"):
            raise ImproperlyConfigured("SMS_API_URL must be an http(s) address")
        if not api_key:
            raise ImproperlyConfigured("SMS_GATEWAY=kavenegar needs SMS_API_KEY")
        self.base = f"{url.rstrip('/')}/{quote(api_key, safe='')}"
        self.api_key = api_key
        self.sender = sender
        self.timeout = timeout

    def send(self, phone: str, text: str) -> Sent:
        fields = {"receptor": phone, "message": text, **({"sender": self.sender} if self.sender else {})}
        entries = self._call("sms/send.json", data=urlencode(fields, encoding="utf-8").encode("ascii"))
        entry = entries[0] if entries and isinstance(entries[0], dict) else {}
        if not entry.get("messageid"):
            raise GatewayError(_("سرویس‌دهنده درخواست را پذیرفت ولی شناسه پیامک را نداد."), retryable=False)
        return Sent(str(entry["messageid"]), kavenegar_state(entry.get("status")) or SmsStatus.SENT,
                    _text(entry.get("statustext") or entry.get("status")))

    def status(self, provider_ids: list[str]) -> dict[str, Delivery]:
        found: dict[str, Delivery] = {}
        for batch in _batches(provider_ids, STATUS_BATCH):
            query = urlencode({"messageid": ",".join(batch)})
            for entry in self._call(f"sms/status.json?{query}"):
                if isinstance(entry, dict) and entry.get("messageid") is not None:
                    found[str(entry["messageid"])] = Delivery(
                        kavenegar_state(entry.get("status")), _text(entry.get("statustext") or entry.get("status")))
        return found

    def _call(self, path: str, data: bytes | None = None) -> list[Any]:
        request = Request(f"{self.base}/{path}", data=data, method="POST" if data is not None else "GET", headers={
            "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        try:
            with urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (the scheme is checked above)
                raw = response.read(RESPONSE_LIMIT)
        except HTTPError as exc:  # the provider answers its errors with an HTTP error status and the same JSON
            raw = exc.read(RESPONSE_LIMIT) if exc.fp is not None else b""
            answer = _json(raw)
            if answer is None:
                raise GatewayError(_("پاسخ HTTP {code} از سرویس‌دهنده").format(code=exc.code),
                                   retryable=exc.code != 504) from exc
            return self._entries(answer)
        except TimeoutError as exc:
            raise GatewayError(str(TIMED_OUT), retryable=False) from exc
        except URLError as exc:
            timed_out = isinstance(exc.reason, (TimeoutError, socket.timeout))
            if timed_out:
                raise GatewayError(str(TIMED_OUT), retryable=False) from exc
            raise GatewayError(_("اتصال به سرویس‌دهنده برقرار نشد: {reason}").format(reason=self._scrub(str(exc.reason))),
                               retryable=True) from exc
        except OSError as exc:  # the connection dropped in the middle: the request may have arrived
            raise GatewayError(_("اتصال به سرویس‌دهنده در میانه قطع شد: {reason}").format(reason=self._scrub(str(exc))),
                               retryable=False) from exc
        answer = _json(raw)
        if answer is None:
            raise GatewayError(str(UNREADABLE), retryable=False)
        return self._entries(answer)

    def _entries(self, answer: dict[str, Any]) -> list[Any]:
        head = answer.get("return")
        if not isinstance(head, dict):
            raise GatewayError(str(UNREADABLE), retryable=False)
        code = head.get("status")
        if code != 200:
            raise GatewayError(f"{code}: {_text(head.get('message'))}", retryable=True)
        entries = answer.get("entries")
        return entries if isinstance(entries, list) else [entries] if isinstance(entries, dict) else []

    def _scrub(self, text: str) -> str:
        """The API key is part of every address: never in a log."""
        return text.replace(self.api_key, "…")


def _json(raw: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _text(value: object) -> str:
    return str(value if value is not None else "")[:200]


def _batches(items: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# -------------------------------------------------------------------------------------------- choice
def gateway() -> Gateway:
    """The gateway SMS_GATEWAY names, built from the settings at each call (tests change them)."""
    chosen = settings.SMS_GATEWAY
    if chosen == "file":
        return FileGateway(settings.SMS_OUTBOX)
    if chosen == "kavenegar":
        return KavenegarGateway(url=settings.SMS_API_URL, api_key=settings.SMS_API_KEY,
                                sender=settings.SMS_SENDER, timeout=float(settings.SMS_TIMEOUT))
    raise ImproperlyConfigured(f"SMS_GATEWAY={chosen!r}: use 'file' or 'kavenegar'")
