"""Telling a user something: the inbox entry, and e-mail and SMS as the user chose, each once per key.

    notify(user, topic="deadline", title="مهلت ثبت گزارش آبان فردا است", body="…",
           url="/approval/IR-26/", key=f"deadline:{unit.pk}:1405-08")

Other apps call `notify` for their users and `send_sms` (sms.py) for citizens and trainees; both may be
called again with the same key as often as a job likes: nothing is told twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common.persian import to_persian_digits

from .models import ChannelPreference, EmailLog, EmailStatus, Notification, SmsMessage
from .sms import (  # noqa: F401  (the app's writes, in one place for other apps)
    STRAGGLER_AGE,
    apply_delivery,
    deliver,
    inbound,
    is_opted_out,
    opt_in,
    opt_out,
    optout_url,
    refresh_delivery,
    send_sms,
)
from .sms import send_queued as send_queued_sms
from .text import clean_key, clean_line, clean_text, clean_topic, cut, safe_url

logger = logging.getLogger(__name__)

SMS_BODY = 300  # of a notification's body, in its SMS: the inbox holds the rest


@dataclass(frozen=True)
class Outcome:
    notification: Notification
    created: bool  # False: this key had already been told (nothing new was sent)
    email: EmailLog | None
    sms: SmsMessage | None


def preferences_of(user: Any) -> ChannelPreference:
    """The user's choices; the defaults (inbox and e-mail, no SMS) for one who never chose."""
    found = ChannelPreference.objects.filter(user=user).first()
    return found or ChannelPreference(user=user)


def notify(user: Any, *, topic: str, title: str, body: str = "", url: str = "", key: str,
           by_sms: bool = True) -> Outcome:
    """Put a message in `user`'s inbox once for `key`, and send it by e-mail and SMS if the user chose so.
    `by_sms=False` for messages whose text the user wrote (a job's title): SMS carry only the platform's words."""
    key, topic = clean_key(key), clean_topic(topic)
    title, body, link = clean_line(title), clean_text(body), safe_url(url)
    if not title:
        raise ValueError("a notification needs a title")
    if url and not link:
        logger.warning("notification %r: link %r is not a path on this site; left out", key, url)
    choice = preferences_of(user)
    with transaction.atomic():
        note, created = Notification.objects.get_or_create(
            recipient=user, key=key, defaults={"topic": topic, "title": title, "body": body, "url": link})
        mail = sms = None
        if user.is_active and choice.email and user.email:
            mail = _email_once(user, key=key, purpose=topic, subject=title, body=_email_body(body, link))
        if user.is_active and by_sms and choice.sms_ready:
            sms = send_sms(choice.mobile, _sms_text(title, body, link), key=f"user:{user.pk}:{key}", consent=True,
                           purpose=topic, user=user)
    if not transaction.get_connection().in_atomic_block:  # the deliveries have run: return what happened
        for record in (mail, sms):
            if record is not None:
                record.refresh_from_db()
    return Outcome(note, created, mail, sms)


def _absolute(link: str) -> str:
    return settings.MAHARAT_PUBLIC_URL.rstrip("/") + link if link else ""


def _email_body(body: str, link: str) -> str:
    with translation.override("fa"):  # the platform's messages are Persian, whoever's action sent them
        lines = [body] if body else []
        if link:
            lines.append(_("مشاهده در سامانه: {url}").format(url=_absolute(link)))
        lines.append("--\n" + _("این پیام را سامانه مهارت فرستاده است. روش دریافت پیام‌ها: {url}").format(
            url=_absolute(reverse("notify_channels"))))
    return "\n\n".join(lines)


def _sms_text(title: str, body: str, link: str) -> str:
    parts = [title, cut(body, SMS_BODY) if body else "", _absolute(link)]
    return "\n".join(p for p in parts if p)


def _email_once(user: Any, *, key: str, purpose: str, subject: str, body: str) -> EmailLog:
    record, created = EmailLog.objects.get_or_create(key=clean_key(f"user:{user.pk}:{key}"), defaults={
        "recipient": user, "address": user.email, "subject": subject, "body": body, "purpose": purpose})
    if created:
        pk = record.pk
        transaction.on_commit(lambda: _later(pk), robust=True)
    return record


def _later(pk: int) -> None:
    from .tasks import deliver_email as in_worker
    from .tasks import hand_over

    hand_over(in_worker, deliver_email, pk)


def deliver_email(pk: int) -> None:
    if not EmailLog.objects.filter(pk=pk, status=EmailStatus.QUEUED, claimed_at__isnull=True).update(
            claimed_at=timezone.now()):
        return  # someone else is sending it
    record = EmailLog.objects.get(pk=pk)
    try:
        EmailMessage(record.subject, record.body, settings.DEFAULT_FROM_EMAIL, [record.address]).send()
    except Exception as exc:  # SMTP refused or unreachable: logged on the message, never the caller's problem
        logger.warning("e-mail %s failed: %s", pk, exc)
        EmailLog.objects.filter(pk=pk).update(status=EmailStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
    else:
        EmailLog.objects.filter(pk=pk).update(status=EmailStatus.SENT, sent_at=timezone.now())


def send_queued() -> int:
    """E-mail and SMS whose sending never started (the process stopped between the commit and the send, or
    the send could not take its row) are sent now; for the periodic job (`maharat sms-status`)."""
    old = timezone.now() - STRAGGLER_AGE
    EmailLog.objects.filter(status=EmailStatus.QUEUED, claimed_at__lt=old).update(
        status=EmailStatus.FAILED, error=_("ارسال نیمه‌کاره ماند؛ برای جلوگیری از ارسال دوباره تکرار نمی‌شود."))
    waiting = list(EmailLog.objects.filter(status=EmailStatus.QUEUED, claimed_at__isnull=True, created_at__lt=old)
                   .values_list("pk", flat=True)[:1000])
    for pk in waiting:
        deliver_email(pk)
    return len(waiting) + send_queued_sms()


# --------------------------------------------------------------------------------------- the inbox
def mark_read(user: Any, ids: Iterable[int] | Literal["all"]) -> int:
    """Mark the user's own messages read (others' ids are ignored); returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids != "all":
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def save_preferences(user: Any, *, email: bool, sms: bool, mobile: str) -> ChannelPreference:
    """The channels page's write. A number not yet proven gets a code by SMS (send_code); no message goes to
    it until the code is typed back (verify_code). An opt-out of the number is never lifted from here: only
    the number itself may ask for messages again."""
    with transaction.atomic():
        choice, created = ChannelPreference.objects.select_for_update().get_or_create(user=user)
        old = None if created else {"email": choice.email, "sms": choice.sms, "mobile": choice.mobile}
        choice.email, choice.sms, choice.mobile = email, sms, mobile
        choice.full_clean()
        choice.save()
        new = {"email": email, "sms": sms, "mobile": mobile}
        if old != new:
            log(action=AuditAction.UPDATE if old else AuditAction.CREATE, instance=choice, old=old, new=new,
                user=user)
    if sms and mobile and mobile != choice.verified_mobile:
        send_code(user)
    return choice


CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_HOUR = 3


def _code_hash(user: Any, number: str, code: str) -> str:
    import hashlib
    import hmac

    return hmac.new(settings.SECRET_KEY.encode(), f"{user.pk}:{number}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(user: Any) -> bool:
    """Send a six-digit code to the number the user gave (at most CODES_PER_HOUR an hour); False if not sent."""
    import datetime as dt
    import secrets

    choice = preferences_of(user)
    if not choice.mobile:
        return False
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    if SmsMessage.objects.filter(recipient=user, purpose="verify_mobile", created_at__gte=hour_ago).count() >= CODES_PER_HOUR:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    ChannelPreference.objects.filter(pk=choice.pk).update(
        code_hash=_code_hash(user, choice.mobile, code), code_tries=0,
        code_expires=timezone.now() + dt.timedelta(minutes=CODE_MINUTES))
    with translation.override("fa"):
        text = _("کد تأیید شماره همراه شما در سامانه مهارت: {code}").format(code=to_persian_digits(code))
    send_sms(choice.mobile, text, key=f"verify:{user.pk}:{secrets.token_hex(8)}", consent=True,
             purpose="verify_mobile", user=user)
    return True


def verify_code(user: Any, code: str) -> bool:
    """The code typed back: the number is proven (True), or the code is wrong, expired or tried too often."""
    import hmac

    with transaction.atomic():
        choice = ChannelPreference.objects.select_for_update().get(pk=preferences_of(user).pk)
        if not choice.code_hash or not choice.code_expires or choice.code_expires < timezone.now():
            return False
        if choice.code_tries >= CODE_TRIES:
            return False
        choice.code_tries += 1
        if not hmac.compare_digest(choice.code_hash, _code_hash(user, choice.mobile, code.strip())):
            choice.save(update_fields=["code_tries"])
            return False
        choice.verified_mobile, choice.code_hash, choice.code_expires = choice.mobile, "", None
        choice.save(update_fields=["verified_mobile", "code_hash", "code_expires", "code_tries"])
        log(action=AuditAction.UPDATE, instance=choice, old={"verified_mobile": ""},
            new={"verified_mobile": choice.mobile}, user=user, note="mobile verified")
    return True
