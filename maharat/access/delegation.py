"""Delegation: an approver on leave hands their workflow actions (approve, return, accept ...) to a colleague
for a period. The colleague then acts for them: the permission layer asks the delegator's role and subtree,
and the audit trail names both (who acted, and for whom)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delegation(models.Model):
    delegator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("تفویض‌کننده"), on_delete=models.CASCADE,
                                  related_name="delegations_given")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("جانشین"), on_delete=models.CASCADE,
                                 related_name="delegations_received")
    starts = models.DateField(_("از تاریخ"))
    ends = models.DateField(_("تا تاریخ"))
    reason = models.CharField(_("دلیل"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("لغو در"), null=True, blank=True)

    class Meta:
        app_label = "access"
        verbose_name = _("تفویض اختیار")
        verbose_name_plural = _("تفویض‌های اختیار")
        ordering = ["-starts", "-pk"]
        indexes = [models.Index(fields=["delegate", "starts", "ends"], name="delegation_delegate_days")]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.starts} – {self.ends})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.starts and self.ends and self.ends < self.starts:
            errors["ends"] = _("پایان تفویض نمی‌تواند پیش از آغاز آن باشد.")
        if self.starts and self.ends and (self.ends - self.starts) > dt.timedelta(days=90):
            errors["ends"] = _("تفویض اختیار حداکثر ۹۰ روز است.")
        if self.delegator_id and self.delegator_id == self.delegate_id:
            errors["delegate"] = _("نمی‌توانید به خودتان تفویض کنید.")
        if errors:
            raise ValidationError(errors)


def active_for(delegate: Any, day: dt.date | None = None) -> list[Any]:
    """The users `delegate` may act for today (delegations in force, not revoked, delegator still active)."""
    if delegate is None or not getattr(delegate, "is_authenticated", False):
        return []
    day = day or timezone.localdate()
    # Both still at the unit they shared when it was given: a delegation does not follow either of them to a
    # new post (the colleague would act in a province that is no longer theirs, or the manager's old one).
    rows = (Delegation.objects.filter(delegate=delegate, starts__lte=day, ends__gte=day, revoked_at__isnull=True,
                                      delegator__is_active=True,
                                      delegator__account__unit=F("delegate__account__unit"))
            .select_related("delegator__account__unit"))
    return [row.delegator for row in rows]


def colleagues(user: Any) -> Any:
    """Who may stand in for `user`: the active accounts of the same unit (another expert of the province, the
    deputy of the HQ office), never someone elsewhere, who would act beyond their own place."""
    from django.contrib.auth import get_user_model

    account = getattr(user, "account", None)
    if account is None:
        return get_user_model().objects.none()
    return (get_user_model().objects.filter(is_active=True, account__unit=account.unit)
            .exclude(pk=user.pk).select_related("account").order_by("username"))


def delegate(*, user: Any, to: Any, starts: dt.date, ends: dt.date, reason: str) -> Delegation:
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from maharat.audit.models import AuditAction
    from maharat.audit.services import log

    if not colleagues(user).filter(pk=getattr(to, "pk", None)).exists():
        raise PermissionDenied(_("جانشین باید از همکاران فعال همین واحد باشد."))
    row = Delegation(delegator=user, delegate=to, starts=starts, ends=ends, reason=(reason or "").strip())
    if not row.reason:
        raise ValidationError({"reason": _("دلیل تفویض را بنویسید.")})
    if starts < timezone.localdate():
        raise ValidationError({"starts": _("آغاز تفویض نمی‌تواند در گذشته باشد.")})
    row.full_clean(exclude=["delegator", "delegate"])
    with transaction.atomic():
        row.save()
        log(action=AuditAction.DELEGATE, instance=row, unit=user.account.unit, user=user,
            new={"delegate": to.get_username(), "starts": starts.isoformat(), "ends": ends.isoformat()},
            note=row.reason)
    return row


def revoke(*, user: Any, delegation: Delegation) -> None:
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from maharat.audit.models import AuditAction
    from maharat.audit.services import log

    if delegation.delegator_id != user.pk:
        raise PermissionDenied(_("فقط تفویض‌کننده می‌تواند تفویض را لغو کند."))
    with transaction.atomic():
        delegation.revoked_at = timezone.now()
        delegation.save(update_fields=["revoked_at"])
        log(action=AuditAction.DELEGATE, instance=delegation, unit=user.account.unit, user=user,
            old={"revoked": False}, new={"revoked": True}, note=str(_("لغو تفویض")))
