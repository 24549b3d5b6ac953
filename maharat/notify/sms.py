"""SMS: consent and opt-out, sending each message once, delivery reports and replies.

Citizens and trainees get an SMS only with their consent and only while their number has not opted out;
a refused message is logged as refused. A message is written to the log inside the caller's transaction and
handed to the gateway only once that transaction commits (a rolled-back write sends nothing); a gateway
failure is written on the message and never reaches the caller.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common.persian import normalize

from .gateways import Delivery, GatewayError, gateway, kavenegar_state
from .models import FINAL, REFUSED, OptOutChannel, SmsMessage, SmsOptOut, SmsStatus
from .text import SMS_LIMIT, clean_key, clean_text, clean_topic, phone_of, sms_parts

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
POLL_WINDOW = dt.timedelta(days=3)  # providers keep a message's state for a few days; later polls learn nothing
STRAGGLER_AGE = dt.timedelta(minutes=2)
OPTOUT_SALT = "maharat.notify.optout"


# ----------------------------------------------------------------------------------------------- sending
def send_sms(phone: object, text: object, *, key: object, consent: bool, purpose: object,
             user: Any = None) -> SmsMessage:
    """Send `text` to `phone` once for `key`, if the person consented and has not opted out; log it either way.

    Calling again with the same key sends nothing new, except where nothing was sent before: a refusal
    (the person has consented since) or a failure that certainly sent nothing (tried up to MAX_ATTEMPTS)."""
    key, purpose = clean_key(key), clean_topic(purpose)
    body = clean_text(text, SMS_LIMIT)
    if not body:
        raise ValueError("an SMS needs text")
    number = phone_of(phone)
    status, error = _verdict(number, consent)
    fields = {"phone": number or clean_text(phone, 20), "text": body, "parts": sms_parts(body), "purpose": purpose,
              "status": status, "error": error, "retryable": status == SmsStatus.FAILED,  # an invalid number
              "recipient": user if getattr(user, "pk", None) else None}
    with transaction.atomic():
        message, created = SmsMessage.objects.get_or_create(key=key, defaults=fields)
        if created or _reopen(message, status, fields):
            if status == SmsStatus.QUEUED:
                pk = message.pk
                transaction.on_commit(lambda: _later(pk), robust=True)
    if not transaction.get_connection().in_atomic_block:
        message.refresh_from_db()  # the delivery above has run: return what happened
    return message


def _verdict(number: str | None, consent: bool) -> tuple[str, str]:
    if number is None:
        return SmsStatus.FAILED, _("شماره همراه معتبر نیست.")
    if not consent:
        return SmsStatus.REFUSED_NO_CONSENT, ""
    if is_opted_out(number):
        return SmsStatus.REFUSED_OPTED_OUT, ""
    return SmsStatus.QUEUED, ""


def _reopen(message: SmsMessage, status: str, fields: dict[str, Any]) -> bool:
    """A message of this key that was never sent may be sent now. The conditional UPDATE lets only one of two
    concurrent runs reopen it."""
    if status != SmsStatus.QUEUED:
        return False
    rows = SmsMessage.objects.filter(pk=message.pk)
    if message.status in REFUSED:
        rows = rows.filter(status=message.status)
    elif message.status == SmsStatus.FAILED and message.retryable and message.attempts < MAX_ATTEMPTS:
        rows = rows.filter(status=SmsStatus.FAILED, retryable=True, attempts=message.attempts)
    else:
        return False
    reopened = rows.update(status=SmsStatus.QUEUED, error="", retryable=False, claimed_at=None,
                           phone=fields["phone"], text=fields["text"], parts=fields["parts"])
    if reopened:
        message.refresh_from_db()
    return bool(reopened)


def _later(pk: int) -> None:
    from .tasks import deliver_sms, hand_over

    hand_over(deliver_sms, deliver, pk)


def deliver(pk: int) -> None:
    """Hand one queued message to the gateway, unless another process has already taken it."""
    now = timezone.now()
    if not SmsMessage.objects.filter(pk=pk, status=SmsStatus.QUEUED, claimed_at__isnull=True).update(
            claimed_at=now, attempts=F("attempts") + 1):
        return
    message = SmsMessage.objects.get(pk=pk)
    try:
        sent = gateway().send(message.phone, message.text)
    except GatewayError as exc:
        _fail(pk, str(exc), retryable=exc.retryable)
    except Exception as exc:  # a broken gateway or its settings: logged on the message, never the caller's problem
        logger.exception("SMS gateway failed on message %s", pk)
        _fail(pk, _("خطای پیکربندی یا داخلی درگاه پیامک: {error}").format(error=type(exc).__name__), retryable=True)
    else:
        SmsMessage.objects.filter(pk=pk).update(
            status=sent.status, provider_id=sent.provider_id[:64], provider_status=sent.provider_status[:200],
            sent_at=timezone.now(), error="",
            delivered_at=timezone.now() if sent.status == SmsStatus.DELIVERED else None)


def _fail(pk: int, error: str, *, retryable: bool) -> None:
    SmsMessage.objects.filter(pk=pk).update(status=SmsStatus.FAILED, error=error[:2000], retryable=retryable)


def send_queued() -> int:
    """Messages whose sending never started (the process stopped between its commit and the gateway) are
    sent; messages whose sending started and never finished are marked failed, not sent again: the provider
    may have them. For the periodic job."""
    old = timezone.now() - STRAGGLER_AGE
    SmsMessage.objects.filter(status=SmsStatus.QUEUED, claimed_at__lt=old).update(
        status=SmsStatus.FAILED, error=_("ارسال نیمه‌کاره ماند؛ برای جلوگیری از ارسال دوباره تکرار نمی‌شود."),
        retryable=False)
    waiting = list(SmsMessage.objects.filter(status=SmsStatus.QUEUED, claimed_at__isnull=True, created_at__lt=old)
                   .values_list("pk", flat=True)[:1000])
    for pk in waiting:
        deliver(pk)
    return len(waiting)


# ------------------------------------------------------------------------------------ delivery status
def apply_delivery(provider_id: str, delivery: Delivery) -> bool:
    """What the provider says about a message it took; a final state (delivered, undeliverable) stays."""
    if delivery.status is None or not provider_id:
        return False
    changes: dict[str, Any] = {"status": delivery.status, "provider_status": delivery.provider_status[:200]}
    if delivery.status == SmsStatus.DELIVERED:
        changes["delivered_at"] = timezone.now()
    rows = (SmsMessage.objects.filter(provider_id=provider_id).exclude(status__in=FINAL)
            .exclude(status=delivery.status))
    return bool(rows.update(**changes))


def refresh_delivery() -> int:
    """Ask the provider about messages sent in the last days and not yet confirmed (the periodic job)."""
    since = timezone.now() - POLL_WINDOW
    waiting = list(SmsMessage.objects.filter(status=SmsStatus.SENT, sent_at__gte=since).exclude(provider_id="")
                   .order_by("sent_at").values_list("provider_id", flat=True)[:5000])
    if not waiting:
        return 0
    try:
        answers = gateway().status(waiting)
    except GatewayError as exc:
        logger.warning("SMS status poll failed: %s", exc)
        return 0
    return sum(apply_delivery(provider_id, delivery) for provider_id, delivery in answers.items())


# ----------------------------------------------------------------------------------------- opting out
def is_opted_out(phone: object) -> bool:
    number = phone_of(phone)
    return number is not None and SmsOptOut.objects.filter(phone=number).exists()


MOBILE_FORMAT = gettext_lazy("شماره همراه باید با ۰۹ شروع شود و یازده رقم باشد (مثلاً ۰۹۱۲۱۲۳۴۵۶۷).")


def _number(phone: object) -> str:
    number = phone_of(phone)
    if number is None:
        raise ValidationError({"mobile": MOBILE_FORMAT})
    return number


def opt_out(phone: object, how: str = OptOutChannel.PAGE, *, user: Any = None) -> bool:
    """No more SMS to this number (True when it had not opted out before). `how`: reply, page or admin."""
    if how not in OptOutChannel.values:
        raise ValueError(f"unknown opt-out channel {how!r}")
    number = _number(phone)
    with transaction.atomic():
        record, created = SmsOptOut.objects.get_or_create(phone=number, defaults={"how": how})
        if created:
            log(action=AuditAction.CREATE, instance=record, new={"phone": number, "how": how},
                note=f"sms opt-out ({how})", user=user)
    return created


def opt_in(phone: object, *, user: Any = None) -> bool:
    """SMS to this number again (True when it had opted out)."""
    number = _number(phone)
    with transaction.atomic():
        record = SmsOptOut.objects.filter(phone=number).first()
        if record is None:
            return False
        log(action=AuditAction.DELETE, instance=record, old={"phone": number, "how": record.how},
            note="sms opt-in", user=user)
        record.delete()
    return True


def _sealer() -> Any:
    import hashlib

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(hashlib.sha256(f"{settings.SECRET_KEY}:{OPTOUT_SALT}".encode()).digest())


def optout_token(phone: object) -> str:
    """The number sealed (AES-GCM): a signed token would carry it readable, and a link is forwarded, shown
    in logs and kept in phones; this one says nothing of the number and cannot be forged."""
    import base64
    import os

    nonce = os.urandom(12)
    sealed = _sealer().encrypt(nonce, _number(phone).encode(), OPTOUT_SALT.encode())
    return base64.urlsafe_b64encode(nonce + sealed).rstrip(b"=").decode()


def phone_of_token(token: str) -> str | None:
    import base64

    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        value = _sealer().decrypt(raw[:12], raw[12:], OPTOUT_SALT.encode()).decode()
    except Exception:  # not base64, too short, tampered, sealed under another key: not ours
        return None
    return phone_of(value)


def optout_url(phone: object) -> str:
    """The page where this number can stop SMS, as a full address to put in a message."""
    path = reverse("sms_stop", args=[optout_token(phone)])
    return settings.MAHARAT_PUBLIC_URL.rstrip("/") + path


# -------------------------------------------------------------------------------- the provider's calls
# A reply that means "no more": after normalisation (Persian digits → Latin, Arabic ی/ک), case and spacing
# and punctuation dropped. "لغو۱۱" is how Iranian senders print the instruction, and people send it back.
STOP_WORDS = frozenset({"لغو", "11", "stop", "انصراف", "لغو11"})
_NOISE = re.compile(r"[\s\u200c.,!?؟،؛;:\-_*]+")


# ... and "again": only the number itself may lift its opt-out (the channels page cannot), by this reply.
START_WORDS = frozenset({"شروع", "start", "عضویت"})


def _word(message: str) -> str:
    return _NOISE.sub("", normalize(clean_text(message, 100))).casefold()


def is_stop_word(message: str) -> bool:
    return _word(message) in STOP_WORDS


def inbound(fields: Mapping[str, str]) -> str:
    """The provider's callback: a reply (from, message) or a delivery report (messageid, status). Returns what
    was done, for the provider's log."""
    if fields.get("from") and "message" in fields:
        word = _word(fields.get("message", ""))
        if word not in STOP_WORDS and word not in START_WORDS:
            return "ignored"
        number = phone_of(fields["from"])
        if number is None:
            return "unknown number"
        if word in START_WORDS:
            return "opted in" if opt_in(number) else "unchanged"
        opt_out(number, OptOutChannel.REPLY)
        return "opted out"
    provider_id = str(fields.get("messageid") or "").strip()[:64]
    if provider_id and fields.get("status"):
        state = kavenegar_state(fields["status"])
        text = clean_text(fields.get("statustext") or fields["status"], 200)
        return "updated" if apply_delivery(provider_id, Delivery(state, text)) else "unchanged"
    return "ignored"
