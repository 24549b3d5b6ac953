"""Recording a repayment: money the institute paid, applied to the oldest unpaid instalment first.

A payment may be partial (it leaves part of an instalment unpaid, and the next payment finishes it first) or
cover several instalments, the later ones before their due date; it may not exceed what the loan still owes:
an overpayment is refused, with the amount that would settle the loan. Payments are recorded in the order
they were made (a date not before the last one recorded), so that "paid by a given day" is the sum of the
repayments made by then (eligibility.late_instalment reads it so).

The first repayment moves a disbursed loan to repaying; the one that leaves nothing owed settles it (repaid),
a defaulted loan recovered in full too. Both are the model's transitions, run by kit.workflow.perform.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import writes
from maharat.audit.models import AuditAction
from maharat.audit.services import log
from maharat.common.persian import normalize
from maharat.kit import workflow

from . import notices, rules
from .models import REPAYABLE, Allocation, Instalment, Loan, LoanStatus, Repayment
from .steps import allowed, collect, locked


def owed(loan: Loan) -> int:
    """What the loan still owes under its schedule: the unpaid part of every instalment."""
    total = Instalment.objects.filter(loan=loan).aggregate(
        left=Coalesce(Sum(F("amount") - F("paid")), Value(0)))["left"]
    return int(total)


def _allocate(user: Any, repayment: Repayment) -> list[Allocation]:
    """Apply the repayment to the loan's unpaid instalments, oldest first."""
    rest = int(repayment.amount)
    made: list[Allocation] = []
    unpaid = (Instalment.objects.select_for_update().filter(loan_id=repayment.loan_id, paid__lt=F("amount"))
              .order_by("number"))
    for instalment in unpaid:
        if rest == 0:
            break
        take = min(rest, int(instalment.amount - instalment.paid))
        made.append(Allocation.objects.create(repayment=repayment, instalment=instalment, amount=take))
        before = int(instalment.paid)
        instalment.paid = before + take
        instalment.save(update_fields=["paid"])
        log(action=AuditAction.UPDATE, instance=instalment, old={"paid": before}, new={"paid": instalment.paid},
            unit=repayment.loan.institute, user=user, note=repayment.reference)
        rest -= take
    if rest:  # owed() was read under the same lock: this cannot happen, and must not pass silently if it did
        raise ValidationError({"amount": _("مبلغ از مانده بدهی بیشتر است.")})
    return made


@transaction.atomic
def record_repayment(user: Any, loan: Loan, *, on: dt.date, amount: int, reference: str) -> Repayment:
    """Record `amount` Rials paid on `on` under the bank's `reference`; every fault is named at once."""
    current = locked(loan)
    if not allowed(user, current, "start_repaying"):
        raise PermissionDenied(_("شما اجازه ثبت بازپرداخت روی این رکورد را ندارید."))
    if current.status not in REPAYABLE:
        raise ValidationError(_("این تسهیلات در وضعیت «{status}» است و بازپرداخت نمی‌پذیرد.").format(
            status=current.get_status_display()))
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    last = Repayment.objects.filter(loan=current).order_by("-paid_on", "-pk").first()
    since, since_label = ((last.paid_on, _("آخرین بازپرداخت ثبت‌شده")) if last is not None
                          else (current.disbursed_on, _("تاریخ پرداخت تسهیلات")))
    day = collect(errors, lambda: rules.day(on, field="on", label=_("تاریخ پرداخت"), today=today,
                                            not_before=since, not_before_label=since_label))
    amount = collect(errors, lambda: rules.whole(amount, field="amount", label=_("مبلغ (ریال)"), low=1,
                                                 high=rules.MAX_AMOUNT))
    reference = collect(errors, lambda: rules.clean_text(reference, field="reference", label=_("شماره مرجع"),
                                                         limit=rules.REFERENCE_MAX, required=True, formula_ok=False))
    if reference and Repayment.objects.filter(loan=current, reference=normalize(reference)).exists():
        errors.setdefault("reference", []).append(_("بازپرداختی با همین شماره مرجع برای این تسهیلات ثبت شده است."))
    left = owed(current)
    if amount is not None and amount > left:
        errors.setdefault("amount", []).append(_(
            "مبلغ {amount} از مانده بدهی این تسهیلات ({left}) بیشتر است؛ اضافه‌پرداخت پذیرفته نمی‌شود. برای تسویه "
            "کامل، {left} ثبت کنید.").format(amount=rules.rials(amount), left=rules.rials(left)))
    if errors:
        raise ValidationError(errors)
    repayment = Repayment(loan=current, paid_on=day, amount=amount, reference=reference,
                          recorded_by=user if getattr(user, "pk", None) else None)

    def persist() -> Repayment:
        repayment.save()
        _allocate(user, repayment)
        return repayment

    saved = writes.save_record(user=user, instance=repayment, persist=persist)
    if current.status == LoanStatus.DISBURSED:
        workflow.perform(current, "start_repaying", user=user, reason=reference)
    if owed(current) == 0:
        workflow.perform(current, "settle", user=user, reason=reference, on=day)
        notices.ended(current)
    return saved
