"""Applications for a licence, new or renewal, and the steps of their path to the board."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition

from maharat.catalog.models import Cluster
from maharat.kit.workflow import permitted

from .licensing import FounderKind, Institute, LicenceType


class ApplicationKind(models.TextChoices):
    NEW = "new", _("تأسیس آموزشگاه جدید")
    RENEWAL = "renewal", _("تمدید پروانه")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("ثبت‌شده، در انتظار بررسی مدارک")
    RETURNED = "returned", pgettext_lazy("application status", "برگشت برای اصلاح")
    DOCUMENTS_OK = "documents_ok", _("مدارک تأیید شد، در انتظار بازدید")
    INSPECTED = "inspected", _("بازدید شد، در انتظار رأی هیأت")
    GRANTED = "granted", _("پروانه صادر شد")
    REFUSED = "refused", _("رد شد")
    WITHDRAWN = "withdrawn", _("منصرف شد")


OPEN_APPLICATION = (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED, ApplicationStatus.DOCUMENTS_OK,
                    ApplicationStatus.INSPECTED)


class Application(models.Model):
    """An application for a licence, new or renewal, with its documents (attachments) and the expert checks
    before the board decides. Entered by provincial staff for founders until citizens can sign in."""

    tracking_code = models.CharField(_("کد رهگیری"), max_length=24, unique=True)
    kind = models.CharField(_("نوع درخواست"), max_length=8, choices=ApplicationKind.choices)
    # Where it sits: the institute for a renewal, the county for a new institute (the province handles both).
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="+")
    institute = models.ForeignKey(Institute, verbose_name=_("آموزشگاه"), on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="applications")
    proposed_name = models.CharField(_("نام پیشنهادی آموزشگاه"), max_length=200)
    founder_kind = models.CharField(_("نوع مؤسس"), max_length=8, choices=FounderKind.choices,
                                    default=FounderKind.NATURAL)
    founder_name = models.CharField(_("نام مؤسس"), max_length=200)
    founder_code = models.CharField(_("کد ملی / شناسه ملی مؤسس"), max_length=11)
    founder_mobile = models.CharField(_("تلفن همراه مؤسس"), max_length=11, blank=True)
    manager_name = models.CharField(_("نام مدیر"), max_length=200)
    manager_national_code = models.CharField(_("کد ملی مدیر"), max_length=10)
    licence_type = models.CharField(_("نوع آموزشگاه"), max_length=4, choices=LicenceType.choices)
    clusters = models.JSONField(_("رشته‌ها (خوشه‌ها)"), default=list)
    address = models.CharField(_("نشانی"), max_length=300)
    postal_code = models.CharField(_("کد پستی"), max_length=10, blank=True)
    capacity = models.PositiveSmallIntegerField(_("ظرفیت آموزشی هم‌زمان (نفر)"))
    submitted_on = models.DateField(_("تاریخ ثبت"))
    status = FSMField(_("وضعیت"), max_length=14, choices=ApplicationStatus.choices,
                      default=ApplicationStatus.SUBMITTED)
    check_note = models.TextField(_("نتیجه بررسی مدارک"), blank=True)
    inspected_on = models.DateField(_("تاریخ بازدید"), null=True, blank=True)
    inspection_note = models.TextField(_("گزارش بازدید"), blank=True)
    inspection_passed = models.BooleanField(_("فضا و تجهیزات مورد تأیید است"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ثبت‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("درخواست پروانه")
        verbose_name_plural = _("درخواست‌های پروانه")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.proposed_name} — {self.tracking_code}"

    def get_absolute_url(self) -> str:
        return reverse("application_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPLICATION

    def cluster_labels(self) -> list[str]:
        names = dict(Cluster.choices)
        return [str(names.get(c, c)) for c in self.clusters]

    # -------------------------------------------------------------- transitions (run by services, via perform)
    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.DOCUMENTS_OK,
                permission=permitted("check"), custom={"label": _("تأیید مدارک")})
    def accept_documents(self, *, by: Any, reason: str = "") -> None:
        self.check_note = reason

    @transition(field=status, source=[ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_OK,
                                      ApplicationStatus.INSPECTED],
                target=ApplicationStatus.RETURNED, permission=permitted("check"),
                custom={"label": _("برگشت برای اصلاح")})
    def return_for_correction(self, *, by: Any, reason: str = "") -> None:
        self.check_note = reason

    @transition(field=status, source=ApplicationStatus.RETURNED, target=ApplicationStatus.SUBMITTED,
                permission=permitted("change"), custom={"label": _("ارسال دوباره پس از اصلاح")})
    def resubmit(self, *, by: Any, reason: str = "") -> None:
        pass

    @transition(field=status, source=ApplicationStatus.DOCUMENTS_OK, target=ApplicationStatus.INSPECTED,
                permission=permitted("inspect"), custom={"label": _("ثبت نتیجه بازدید")})
    def record_inspection(self, *, by: Any, reason: str = "", passed: bool = True, day: Any = None) -> None:
        self.inspection_note, self.inspection_passed = reason, passed
        self.inspected_on = day or timezone.localdate()

    @transition(field=status, source=ApplicationStatus.INSPECTED, target=ApplicationStatus.GRANTED,
                permission=permitted("decide"), custom={"label": _("صدور پروانه")})
    def grant(self, *, by: Any, reason: str = "") -> None:
        pass

    @transition(field=status, source=list(OPEN_APPLICATION), target=ApplicationStatus.REFUSED,
                permission=permitted("decide"), custom={"label": _("رد درخواست")})
    def refuse(self, *, by: Any, reason: str = "") -> None:
        pass

    @transition(field=status, source=list(OPEN_APPLICATION), target=ApplicationStatus.WITHDRAWN,
                permission=permitted("change"), custom={"label": _("انصراف متقاضی")})
    def withdraw(self, *, by: Any, reason: str = "") -> None:
        pass
