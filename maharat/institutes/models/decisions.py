"""The boards' decisions, kept in versions, and the appeals against them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from maharat.kit.workflow import permitted

from .licensing import Board, Licence


class DecisionKind(models.TextChoices):
    GRANT = "grant", _("صدور پروانه")
    RENEW = "renew", _("تمدید پروانه")
    REFUSE = "refuse", _("رد درخواست")
    WARNING = "warning", _("تذکر کتبی")
    CONDITIONS = "conditions", _("تعیین شرط")
    SHORTEN = "shorten", _("کاهش مدت اعتبار")
    ENROLLMENT_BAN = "enrollment_ban", _("منع ثبت‌نام جدید")
    SUSPEND = "suspend", _("تعلیق پروانه")
    REVOKE = "revoke", _("لغو پروانه")
    CLOSE = "close", _("تعطیلی آموزشگاه")
    ANNUL = "annul", _("نقض رأی در تجدیدنظر")


# Graduated sanctions, lightest first: supervision escalates along this order.
SANCTIONS = (DecisionKind.WARNING, DecisionKind.CONDITIONS, DecisionKind.SHORTEN, DecisionKind.ENROLLMENT_BAN,
             DecisionKind.SUSPEND, DecisionKind.REVOKE)


# Decisions with a period of effect (from, until).
PERIODIC = (DecisionKind.CONDITIONS, DecisionKind.ENROLLMENT_BAN, DecisionKind.SUSPEND)


class Decision(models.Model):
    """A board's decision, served as a numbered letter. Varied on appeal by a new version (`supersedes`);
    the earlier one stays, marked out of force."""

    number = models.CharField(_("شماره نامه"), max_length=24, unique=True)
    kind = models.CharField(_("نوع تصمیم"), max_length=16, choices=DecisionKind.choices)
    # The unit it concerns: the institute, or the county of a refused application for a new institute.
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="+")
    licence = models.ForeignKey(Licence, verbose_name=_("پروانه"), on_delete=models.PROTECT, null=True, blank=True,
                                related_name="decisions")
    application = models.ForeignKey("Application", verbose_name=_("درخواست"), on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="decisions")
    board = models.ForeignKey(Board, verbose_name=_("مرجع تصمیم"), on_delete=models.PROTECT, related_name="decisions")
    reason = models.TextField(_("دلیل و مستند"))
    decided_on = models.DateField(_("تاریخ تصمیم"))
    effective_from = models.DateField(_("تاریخ اجرا"))
    effective_until = models.DateField(_("پایان اثر"), null=True, blank=True)
    conditions = models.TextField(_("شرایط"), blank=True)
    new_expiry = models.DateField(_("تاریخ انقضای جدید"), null=True, blank=True)
    appeal_until = models.DateField(_("مهلت اعتراض"))
    version = models.PositiveSmallIntegerField(_("نسخه"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("نسخه پیشین"), on_delete=models.PROTECT, null=True,
                                      blank=True, related_name="superseded_by")
    in_force = models.BooleanField(_("نافذ"), default=True, db_index=True)
    # Raised by supervision (a visit's unmet corrective action): kept as the record's label and link.
    source_label = models.CharField(_("مبدأ"), max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ثبت‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("تصمیم هیأت")
        verbose_name_plural = _("تصمیم‌های هیأت")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["licence", "in_force", "kind"], name="decision_licence_force")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("decision_detail", args=[self.pk])

    @property
    def is_sanction(self) -> bool:
        return self.kind in SANCTIONS


class AppealStatus(models.TextChoices):
    LODGED = "lodged", _("در انتظار رسیدگی")
    UPHELD = "upheld", _("رأی پابرجا ماند")
    VARIED = "varied", _("رأی اصلاح شد")
    ANNULLED = "annulled", _("رأی نقض شد")


class Appeal(models.Model):
    """An objection to a decision, lodged by the institute within the letter's deadline and ruled on by the
    central board. A ruling that varies or annuls the decision is a new version of it."""

    decision = models.ForeignKey(Decision, verbose_name=_("تصمیم"), on_delete=models.PROTECT, related_name="appeals")
    lodged_on = models.DateField(_("تاریخ اعتراض"))
    grounds = models.TextField(_("دلایل اعتراض"))
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("معترض"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    status = FSMField(_("وضعیت"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.LODGED)
    ruled_on = models.DateField(_("تاریخ رسیدگی"), null=True, blank=True)
    ruling = models.TextField(_("رأی تجدیدنظر"), blank=True)
    outcome = models.OneToOneField(Decision, verbose_name=_("نسخه جدید تصمیم"), on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="from_appeal")

    class Meta:
        verbose_name = _("اعتراض")
        verbose_name_plural = _("اعتراض‌ها")
        ordering = ["-lodged_on", "-pk"]

    def __str__(self) -> str:
        return f"{_('اعتراض')} — {self.decision.number}"

    def get_absolute_url(self) -> str:
        return reverse("decision_detail", args=[self.decision_id])

    @transition(field=status, source=AppealStatus.LODGED, target=AppealStatus.UPHELD,
                permission=permitted("rule"), custom={"label": _("رد اعتراض")})
    def uphold(self, *, by: Any, reason: str = "") -> None:
        self.ruling, self.ruled_on = reason, timezone.localdate()

    @transition(field=status, source=AppealStatus.LODGED, target=AppealStatus.VARIED,
                permission=permitted("rule"), custom={"label": _("اصلاح رأی")})
    def vary(self, *, by: Any, reason: str = "") -> None:
        self.ruling, self.ruled_on = reason, timezone.localdate()

    @transition(field=status, source=AppealStatus.LODGED, target=AppealStatus.ANNULLED,
                permission=permitted("rule"), custom={"label": _("نقض رأی")})
    def annul(self, *, by: Any, reason: str = "") -> None:
        self.ruling, self.ruled_on = reason, timezone.localdate()
