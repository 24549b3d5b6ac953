"""Messages to people: every user's inbox, and the log of every e-mail and SMS sent (issue 17).

A message is identified by its dedupe `key` (the caller names the occasion: "deadline:812:1405-09-02"). The
unique constraints below, not a check in Python, are what make "the same reminder is never sent twice" hold
when two runs of a daily job overlap: the second insert fails and that run sends nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maharat.common.validators import validate_mobile

KEY_LENGTH = 200


class Notification(models.Model):
    """One entry in one user's inbox."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("گیرنده"), on_delete=models.CASCADE,
                                  related_name="notifications")
    topic = models.SlugField(_("موضوع"), max_length=60)
    title = models.CharField(_("عنوان"), max_length=200)
    body = models.TextField(_("متن"), blank=True)
    url = models.CharField(_("نشانی رکورد"), max_length=500, blank=True)
    key = models.CharField(_("کلید یکتایی"), max_length=KEY_LENGTH)
    created_at = models.DateTimeField(_("زمان"), default=timezone.now)
    read_at = models.DateTimeField(_("زمان خواندن"), null=True, blank=True)

    class Meta:
        verbose_name = _("پیام")
        verbose_name_plural = _("پیام‌ها")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notify_one_notification_per_key")]
        indexes = [
            # The badge on every page: COUNT(*) of one user's unread rows, answered from this index alone.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notify_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notify_inbox_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ChannelPreference(models.Model):
    """How a user wants to be told, besides the inbox (which everyone has). Staff accounts have no mobile
    number anywhere else, so it is kept here."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("کاربر"), on_delete=models.CASCADE,
                                related_name="channel_preference")
    email = models.BooleanField(_("دریافت با ایمیل"), default=True)
    sms = models.BooleanField(_("دریافت با پیامک"), default=False)
    mobile = models.CharField(_("شماره همراه"), max_length=11, blank=True, validators=[validate_mobile])
    # SMS go only to a number its owner proved to hold (a code sent to it, typed back here): otherwise anyone
    # could have the platform's official sender write to any number.
    verified_mobile = models.CharField(_("شماره همراه تأییدشده"), max_length=11, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("روش دریافت پیام")
        verbose_name_plural = _("روش‌های دریافت پیام")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def sms_ready(self) -> bool:
        return bool(self.sms and self.mobile and self.mobile == self.verified_mobile)


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("در صف")
    SENT = "sent", _("ارسال‌شده")
    DELIVERED = "delivered", _("رسیده به گیرنده")
    FAILED = "failed", _("ناموفق")
    UNDELIVERABLE = "undeliverable", _("نرسیده به گیرنده")
    REFUSED_NO_CONSENT = "refused_no_consent", _("ارسال نشد: بدون رضایت")
    REFUSED_OPTED_OUT = "refused_opted_out", _("ارسال نشد: انصراف گیرنده")


# Nothing more will happen to a message in these states (a delivery report or a poll changes nothing).
FINAL = (SmsStatus.DELIVERED, SmsStatus.UNDELIVERABLE)
REFUSED = (SmsStatus.REFUSED_NO_CONSENT, SmsStatus.REFUSED_OPTED_OUT)


class SmsMessage(models.Model):
    """The log of every SMS: refused ones too, so that "why did this person get nothing?" has an answer."""

    # Sent as the caller wrote it (Persian digits stay Persian in the citizen's phone); cleaned of control
    # characters by the service before it is stored.
    verbatim_fields = ("text", "error", "provider_status")

    phone = models.CharField(_("شماره همراه"), max_length=20, db_index=True)
    text = models.TextField(_("متن"))
    parts = models.PositiveSmallIntegerField(_("تعداد بخش"), default=1)
    purpose = models.SlugField(_("موضوع"), max_length=60)
    key = models.CharField(_("کلید یکتایی"), max_length=KEY_LENGTH, unique=True)
    status = models.CharField(_("وضعیت"), max_length=20, choices=SmsStatus.choices, default=SmsStatus.QUEUED,
                              db_index=True)
    provider_id = models.CharField(_("شناسه نزد سرویس‌دهنده"), max_length=64, blank=True, db_index=True)
    provider_status = models.CharField(_("وضعیت نزد سرویس‌دهنده"), max_length=200, blank=True)
    error = models.TextField(_("خطا"), blank=True)
    # A failure that certainly sent nothing (the provider refused, the connection was never made) may be tried
    # again by a later run with the same key; a timeout may have sent the message, so it is not.
    retryable = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(_("دفعات تلاش"), default=0)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("کاربر گیرنده"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)  # a sender took it: nobody else sends it
    sent_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("زمان رسیدن"), null=True, blank=True)

    class Meta:
        verbose_name = _("پیامک")
        verbose_name_plural = _("پیامک‌ها")
        indexes = [models.Index(fields=["status", "sent_at"], name="notify_sms_status_sent")]

    def __str__(self) -> str:
        return f"{self.phone} — {self.get_status_display()}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("در صف")
    SENT = "sent", _("ارسال‌شده")
    FAILED = "failed", _("ناموفق")


class EmailLog(models.Model):
    """The log of every e-mail sent to a user, one per (user, key)."""

    verbatim_fields = ("subject", "body", "error")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("گیرنده"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    address = models.EmailField(_("نشانی ایمیل"))
    subject = models.CharField(_("موضوع"), max_length=200)
    body = models.TextField(_("متن"))
    purpose = models.SlugField(_("موضوع"), max_length=60)
    key = models.CharField(_("کلید یکتایی"), max_length=KEY_LENGTH, unique=True)
    status = models.CharField(_("وضعیت"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED)
    error = models.TextField(_("خطا"), blank=True)
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("زمان ارسال"), null=True, blank=True)

    class Meta:
        verbose_name = _("ایمیل ارسالی")
        verbose_name_plural = _("ایمیل‌های ارسالی")

    def __str__(self) -> str:
        return f"{self.address} — {self.get_status_display()}"


class OptOutChannel(models.TextChoices):
    REPLY = "reply", _("پاسخ پیامکی")
    PAGE = "page", _("صفحه وب")
    ADMIN = "admin", _("مدیر سامانه")


class SmsOptOut(models.Model):
    """A number that asked for no more SMS. Checked before every SMS to citizens and trainees."""

    phone = models.CharField(_("شماره همراه"), max_length=11, unique=True)
    created_at = models.DateTimeField(_("زمان انصراف"), default=timezone.now)
    how = models.CharField(_("روش انصراف"), max_length=10, choices=OptOutChannel.choices)

    class Meta:
        verbose_name = _("انصراف از پیامک")
        verbose_name_plural = _("انصراف‌ها از پیامک")

    def __str__(self) -> str:
        return self.phone
