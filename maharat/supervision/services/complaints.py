"""Complaints: received from the public form (nobody signed in), routed to the institute's province with a
deadline in working days, then started, answered or rejected as unfounded by the province."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.audit.models import AuditAction
from maharat.audit.services import log, snapshot
from maharat.common.validators import clean_mobile
from maharat.institutes import selectors as licensing
from maharat.kit import workflow
from maharat.org.models import Unit, UnitKind
from maharat.workdays.selectors import OutOfCalendar, add_working_days

from .. import notices, rules
from ..models import Category, ComplainantKind, Complaint
from ..risk import settings_now

# Letters and digits nobody confuses when reading a code aloud or off a phone (no 0/O, 1/I/L): 31**10 codes.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


@dataclass
class ComplaintData:
    institute: Any = ""  # the institute's unit code
    complainant_kind: Any = ""
    category: Any = ""
    description: Any = ""
    name: Any = ""
    mobile: Any = ""
    sms_consent: Any = False


def complainable(code: Any) -> Unit | None:
    """A free institute with a licence on record (whatever its standing: a suspended one is complained about
    too), by its unit code."""
    text = str(code or "").strip().upper()[:32]
    if not text:
        return None
    unit = Unit.objects.filter(code=text, kind=UnitKind.FREE_INSTITUTE).select_related("province").first()
    if unit is None or unit.province_id is None or licensing.licence_of(unit.pk) is None:
        return None
    return unit


def _clean(data: ComplaintData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {"institute": complainable(data.institute)}
    if out["institute"] is None:
        errors.setdefault("institute", []).append(_("آموزشگاه را از فهرست آموزشگاه‌های دارای پروانه انتخاب کنید."))
    for name, choices, message in (("complainant_kind", ComplainantKind.values, _("نسبت خود با آموزشگاه را انتخاب کنید.")),
                                   ("category", Category.values, _("موضوع شکایت را انتخاب کنید."))):
        value = getattr(data, name)
        if value not in choices:
            errors.setdefault(name, []).append(message)
        out[name] = value
    texts = {"description": (_("شرح شکایت"), rules.COMPLAINT_MAX, True, True),
             "name": (_("نام و نام خانوادگی"), rules.NAME_MAX, False, False)}
    for name, (label, limit, required, multiline) in texts.items():
        try:
            out[name] = rules.clean_public(getattr(data, name), field=name, label=label, limit=limit,
                                           required=required, multiline=multiline)
        except ValidationError as exc:
            rules.collect(errors, exc)
    mobile = str(data.mobile or "").strip()
    out["mobile"] = ""
    if mobile:
        try:
            out["mobile"] = clean_mobile(mobile)
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.messages)
    out["sms_consent"] = bool(data.sms_consent) and bool(out["mobile"])
    if data.sms_consent and not mobile:
        errors.setdefault("mobile", []).append(_("برای دریافت پیامک، شماره همراه را بنویسید."))
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def submit(data: ComplaintData) -> Complaint:
    """A complaint from the public form: checked field by field, all at once; routed to the province."""
    cleaned = _clean(data)
    institute: Unit = cleaned.pop("institute")
    today = timezone.localdate()
    days = settings_now().complaint_working_days
    try:
        due = add_working_days(today, days)
    except OutOfCalendar:  # the platform's calendar ends: nothing to answer within
        raise ValidationError(_("ثبت شکایت اکنون ممکن نیست؛ تقویم کاری سامانه بسته است.")) from None
    complaint = Complaint(institute=institute, province=institute.province, received_on=today, working_days=days,
                          due=due, **cleaned)
    for attempt in range(5):
        complaint.tracking_code = new_code()
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:
            if attempt == 4:
                raise
    log(action=AuditAction.CREATE, instance=complaint, new=snapshot(complaint), unit=complaint.province,
        note=_("از فرم عمومی شکایت"))
    notices.complaint_received(complaint)
    return complaint


def track(code: Any) -> Complaint | None:
    """The complaint of a tracking code, for its public page; None for one that does not exist."""
    text = str(code or "").strip().upper().replace("-", "").replace(" ", "")[:CODE_LENGTH + 2]
    if len(text) != CODE_LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return Complaint.objects.filter(tracking_code=text).select_related("institute", "province").first()


# ------------------------------------------------------------------------------------------- the province
STEPS = {"start": False, "respond": True, "reject": True}  # does the step need its text (the answer)


@transaction.atomic
def step(user: Any, complaint: Complaint, name: str, text: str = "") -> Complaint:
    if name not in STEPS:
        raise ValidationError(_("این گام تعریف نشده است."))
    current = Complaint.objects.select_for_update().select_related("institute", "province").get(pk=complaint.pk)
    if workflow.acting_as(user, "change", current) is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این شکایت ندارید.").format(
            action=workflow.label(current, name)))
    label = _("پاسخ") if name == "respond" else _("دلیل بی‌اساس بودن") if name == "reject" else _("توضیح")
    text = rules.clean_public(text, field="text", label=label, limit=rules.NOTE_MAX, required=STEPS[name],
                              multiline=True)
    done = workflow.perform(current, name, user=user, reason=text)
    if name != "start":
        notices.complaint_settled(done)
    return done
