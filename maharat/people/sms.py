"""SMS to a trainee: only with their consent, never to a number that opted out (by reply, or on their page
here), every message logged with its delivery status (maharat/notify)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.notify import sms

from .models import Trainee


def send_to_trainee(trainee: Trainee, text: str, *, key: str, purpose: str) -> Any:
    return sms.send_sms(trainee.mobile, text, key=f"trainee:{trainee.pk}:{key}", consent=trainee.sms_consent,
                        purpose=purpose)


def status(trainee: Trainee) -> dict[str, Any]:
    """What the trainee's page says of SMS: a number, consent, and whether the number opted out."""
    return {"mobile": trainee.mobile, "consent": trainee.sms_consent,
            "opted_out": bool(trainee.mobile) and sms.is_opted_out(trainee.mobile)}


def set_opt_out(*, user: Any, trainee: Trainee, stop: bool) -> None:
    """The trainee asked, at the desk, to stop (or to receive again) SMS: written where the record may be changed."""
    if not policy.can(user, "change", trainee):
        raise PermissionDenied(_("شما اجازه این کار را روی این رکورد ندارید."))
    if not trainee.mobile:
        raise ValidationError({"mobile": _("برای این کارآموز شماره تلفن همراه ثبت نشده است.")})
    if stop:
        sms.opt_out(trainee.mobile, "page", user=user)
    else:
        if not trainee.sms_consent:
            raise ValidationError({"sms_consent": _("پیش از فرستادن پیامک، رضایت کارآموز را در پرونده او ثبت کنید.")})
        sms.opt_in(trainee.mobile, user=user)
