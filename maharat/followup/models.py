"""Follow-up items: anything that has an owner unit, a deadline in working days and needs evidence.

A corrective action after a supervision visit is the first; a council resolution's clause, a plan activity
or a sale deadline later. Each domain links its own record to an item (`source`) rather than keeping owners,
deadlines and reminders of its own.

    open ──respond──▶ submitted ──verify──▶ closed
     ▲                    │
     └──────reject────────┘          open / submitted ──cancel──▶ cancelled
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from maharat.access.records import allowed
from maharat.audit.models import AuditAction
from maharat.kit.workflow import permitted
from maharat.workdays.deadlines import Deadline

from . import rules


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("باز")
    SUBMITTED = "submitted", _("انجام‌شده، در انتظار تأیید")
    CLOSED = "closed", _("تأییدشده و بسته")
    CANCELLED = "cancelled", _("لغوشده")


ACTIVE = (FollowUpStatus.OPEN, FollowUpStatus.SUBMITTED)


class FollowUp(models.Model):
    title = models.CharField(_("عنوان"), max_length=rules.TITLE_MAX)
    description = models.TextField(_("شرح"), blank=True)
    owner_unit = models.ForeignKey("org.Unit", verbose_name=_("واحد مسئول"), on_delete=models.PROTECT,
                                   related_name="followups")
    owner_person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("مسئول"), on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    # The record that raised it (a supervision visit, a council resolution...), whatever its app: later domains
    # link theirs without this app knowing them. The label is what was shown when it was linked, kept for
    # viewers who may not open the record itself, and for a record that is gone.
    source_type = models.ForeignKey(ContentType, verbose_name=_("نوع رکورد مبدأ"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(_("شناسه رکورد مبدأ"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_label = models.CharField(_("مبدأ"), max_length=rules.SOURCE_LABEL_MAX, blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ثبت‌کننده"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    # The raiser's unit when it was raised: the level that may cancel it, and the "raised by us" list.
    raised_unit = models.ForeignKey("org.Unit", verbose_name=_("واحد ثبت‌کننده"), on_delete=models.PROTECT,
                                    related_name="+")
    raised_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)
    start = models.DateField(_("تاریخ شروع"))
    working_days = models.PositiveSmallIntegerField(_("مهلت (روز کاری)"), validators=[
        MinValueValidator(1, _("مهلت دست‌کم یک روز کاری است.")),
        MaxValueValidator(rules.WORKING_DAYS_MAX, _("مهلت حداکثر %(limit_value)s روز کاری است."))])
    # Counted once, when the item is raised (services.raise_item): a holiday HQ adds or removes later does not
    # move a deadline already given, just as a letter's deadline is not rewritten when the calendar changes.
    due = models.DateField(_("مهلت"))
    status = FSMField(_("وضعیت"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    # Closed or cancelled: kept with the status so that every list sorts the live items first by an indexed
    # column (the keyset pagination of a large list needs a plain field, not an expression of the status).
    settled = models.BooleanField(_("پایان‌یافته"), default=False, editable=False)
    response_note = models.TextField(_("گزارش انجام"), blank=True)
    responded_at = models.DateTimeField(_("زمان اعلام انجام"), null=True, blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    submissions = models.PositiveSmallIntegerField(_("دفعات اعلام انجام"), default=0, editable=False)
    reject_reason = models.TextField(_("دلیل رد"), blank=True)
    cancel_reason = models.TextField(_("دلیل لغو"), blank=True)
    decided_at = models.DateTimeField(_("زمان تصمیم"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    escalated_at = models.DateTimeField(_("زمان ارجاع به سطح بالاتر"), null=True, blank=True)
    escalated_to = models.ForeignKey("org.Unit", verbose_name=_("ارجاع‌شده به"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("پیگیری")
        verbose_name_plural = _("پیگیری‌ها")
        ordering = ["settled", "due", "pk"]
        indexes = [
            models.Index(fields=["owner_unit", "settled", "due"], name="followup_owed"),
            models.Index(fields=["raised_unit", "settled", "due"], name="followup_raised"),
            models.Index(fields=["status", "due"], name="followup_status_due"),  # the daily reminders
            models.Index(fields=["source_type", "source_id"], name="followup_source"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(working_days__gte=1), name="followup_working_days_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("followup_detail", args=[self.pk])

    # ------------------------------------------------------------------------------------------- reads
    @property
    def deadline(self) -> Deadline:
        return Deadline(self.due)

    @property
    def overdue(self) -> bool:
        """Past its deadline and still waiting for its owner (an item submitted in time waits for the verifier)."""
        return self.status == FollowUpStatus.OPEN and self.deadline.overdue()

    @property
    def deadline_text(self) -> str:
        """«۲ روز کاری مانده», «امروز», «۳ روز کاری گذشته»; nothing once it is no longer the owner's to do.
        (It reads only its own plain fields: the exports compute it from each row's values, kit.reports.)"""
        due, status = self.due, self.status
        if status != FollowUpStatus.OPEN or not due:
            return ""
        return Deadline(due).describe()

    # ------------------------------------------------------------------------------------------ rules
    def clean(self) -> None:
        """Who may owe it. (Its text and deadline are checked where it is raised: services.clean_terms.)"""
        errors: dict[str, str] = {}
        if self.owner_unit_id is not None:
            unit = self.owner_unit
            if unit.kind not in rules.answering_kinds():
                errors["owner_unit"] = gettext("«{unit}» نمی‌تواند مسئول پیگیری باشد: در این نوع واحد کسی نیست که "
                                               "انجام آن را اعلام کند.").format(unit=unit)
            elif self.owner_person_id is not None and not _answers_at(self.owner_person, unit):
                errors["owner_person"] = gettext("مسئول باید حساب فعالی در «{unit}» با نقشی داشته باشد که انجام "
                                                 "پیگیری را اعلام می‌کند.").format(unit=unit)
        if errors:
            raise ValidationError(errors)

    # ------------------------------------------------------------------------------------ transitions
    @transition(field=status, source=FollowUpStatus.OPEN, target=FollowUpStatus.SUBMITTED,
                permission=permitted("respond"), custom={"label": _("اعلام انجام")})
    def respond(self, *, by: Any, reason: str = "") -> None:
        self.response_note, self.responded_at, self.responded_by = reason, timezone.now(), by
        self.submissions += 1

    @transition(field=status, source=FollowUpStatus.SUBMITTED, target=FollowUpStatus.CLOSED,
                permission=permitted("verify"), custom={"label": _("تأیید و بستن")})
    def verify(self, *, by: Any, reason: str = "") -> None:
        self.decided_at, self.decided_by, self.settled = timezone.now(), by, True

    @transition(field=status, source=FollowUpStatus.SUBMITTED, target=FollowUpStatus.OPEN,
                permission=permitted("verify"), custom={"label": _("رد و بازگرداندن"), "audit": AuditAction.RETURN})
    def reject(self, *, by: Any, reason: str = "") -> None:
        self.reject_reason, self.decided_at, self.decided_by = reason, timezone.now(), by

    @transition(field=status, source=[FollowUpStatus.OPEN, FollowUpStatus.SUBMITTED], target=FollowUpStatus.CANCELLED,
                permission=permitted("cancel"), custom={"label": _("لغو پیگیری")})
    def cancel(self, *, by: Any, reason: str = "") -> None:
        self.cancel_reason, self.decided_at, self.decided_by, self.settled = reason, timezone.now(), by, True


def _answers_at(user: Any, unit: Any) -> bool:
    """Does `user` hold an active account at `unit` with a role that answers follow-ups?"""
    account = getattr(user, "account", None)
    return bool(user.is_active and account is not None and account.unit_id == unit.pk
                and allowed(account.role, rules.KIND, "respond"))
