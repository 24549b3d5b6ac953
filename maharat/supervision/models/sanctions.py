"""A sanction proposal: supervision's word to the board that a corrective action went unmet, with the next step
of the graduated sanctions. It decides nothing itself: the provincial manager (or HQ, for a revocation)
decides it, which records the board's decision through licensing (institutes.services.decide), or dismisses
it with a reason.

    pending ──decide──▶ decided        pending ──dismiss──▶ dismissed
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from maharat.institutes.models import DecisionKind
from maharat.kit.workflow import permitted

from .visits import Finding


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("در انتظار تصمیم")
    DECIDED = "decided", _("تصمیم گرفته شد")
    DISMISSED = "dismissed", _("رد پیشنهاد")


class Trigger(models.TextChoices):
    OVERDUE = "overdue", _("مهلت اقدام اصلاحی گذشت")
    REJECTED = "rejected", _("گزارش انجام دو بار رد شد")


PROPOSABLE = [(k.value, k.label) for k in DecisionKind if k.value in (
    "warning", "conditions", "enrollment_ban", "suspend", "revoke")]


class SanctionProposal(models.Model):
    institute = models.ForeignKey("org.Unit", verbose_name=_("آموزشگاه"), on_delete=models.PROTECT,
                                  related_name="+")
    licence = models.ForeignKey("institutes.Licence", verbose_name=_("پروانه"), on_delete=models.PROTECT,
                                related_name="+")
    kind = models.CharField(_("مجازات پیشنهادی"), max_length=16, choices=PROPOSABLE)
    status = FSMField(_("وضعیت"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    findings = models.ManyToManyField(Finding, verbose_name=_("یافته‌ها"), related_name="proposals")
    trigger = models.CharField(_("علت"), max_length=10, choices=Trigger.choices)
    reason = models.TextField(_("شرح"))
    basis = models.CharField(_("سابقه مجازات ۱۲ ماه اخیر"), max_length=300, blank=True)
    proposed_on = models.DateField(_("تاریخ پیشنهاد"))
    effective_until = models.DateField(_("پایان اثر پیشنهادی"), null=True, blank=True)
    conditions = models.TextField(_("شرایط پیشنهادی"), blank=True)
    decision = models.ForeignKey("institutes.Decision", verbose_name=_("تصمیم هیأت"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    dismiss_reason = models.TextField(_("دلیل رد پیشنهاد"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("تصمیم‌گیرنده"),
                                   on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("زمان تصمیم"), null=True, blank=True)
    created_at = models.DateTimeField(_("زمان ثبت"), default=timezone.now)

    class Meta:
        verbose_name = _("پیشنهاد مجازات")
        verbose_name_plural = _("پیشنهادهای مجازات")
        ordering = ["status", "-proposed_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["institute"], condition=Q(status="pending"),
                                               name="proposal_one_pending_per_institute")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.institute}"

    def get_absolute_url(self) -> str:
        return reverse("proposal_detail", args=[self.pk])

    @transition(field=status, source=ProposalStatus.PENDING, target=ProposalStatus.DECIDED,
                permission=permitted("decide"), custom={"label": _("تصویب و ثبت تصمیم هیأت")})
    def decide(self, *, by: Any, reason: str = "", decision: Any = None) -> None:
        self.decision, self.decided_by, self.decided_at = decision, by, timezone.now()

    @transition(field=status, source=ProposalStatus.PENDING, target=ProposalStatus.DISMISSED,
                permission=permitted("decide"), custom={"label": _("رد پیشنهاد")})
    def dismiss(self, *, by: Any, reason: str = "") -> None:
        self.dismiss_reason, self.decided_by, self.decided_at = reason, by, timezone.now()
