"""The audit trail: who changed what, when, from where, with the old and new values.

Entries are only ever added. The platform offers no way to edit or delete them (the admin is read-only
and there is no view that writes them); the database user of a hardened deployment may additionally be
denied UPDATE/DELETE on this table (docs/deployment.md).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("ایجاد")
    UPDATE = "update", _("ویرایش")
    DELETE = "delete", _("حذف")
    SUBMIT = "submit", _("ارسال دوره")
    APPROVE = "approve", _("تأیید استان")
    RETURN = "return", _("برگشت برای اصلاح")
    ACCEPT = "accept", _("پذیرش ستاد")
    GRANT = "grant", _("اجازه ویرایش موقت")
    CLOSE = "close", _("بستن دوره")
    PERMISSION = "permission", _("تغییر دسترسی")
    LOGIN = "login", _("ورود")
    LOGIN_FAILED = "login_failed", _("ورود ناموفق")
    VIEW = "view", _("مشاهده اطلاعات شخصی")
    EXPORT = "export", _("خروجی اطلاعات شخصی")
    TRANSITION = "transition", _("تغییر وضعیت")
    DELEGATE = "delegate", _("تفویض اختیار")
    DECIDE = "decide", _("تصمیم هیأت نظارت")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("زمان"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("کاربر"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    username = models.CharField(_("نام کاربری"), max_length=150, blank=True, db_index=True)
    # Who the user acted for, under a delegation (an approver on leave): kept as a name too, like `username`.
    acting_for = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("به جانشینی از"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    acting_for_username = models.CharField(_("به جانشینی از"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("نشانی IP"), null=True, blank=True)
    action = models.CharField(_("عمل"), max_length=20, choices=AuditAction.choices, db_index=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("نوع رکورد"), on_delete=models.PROTECT,
                                     null=True, blank=True)
    object_id = models.CharField(_("شناسه رکورد"), max_length=64, blank=True)
    object_repr = models.CharField(_("رکورد"), max_length=300, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)  # kept if the unit is deleted
    changes = models.JSONField(_("تغییرات"), default=dict, blank=True)  # {field: [old, new]}
    note = models.TextField(_("توضیح"), blank=True)

    class Meta:
        verbose_name = _("رویداد رد پا")
        verbose_name_plural = _("رد پای تغییرات")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def kind_label(self) -> str:
        model = self.content_type.model_class() if self.content_type_id else None
        return str(model._meta.verbose_name) if model else ""
