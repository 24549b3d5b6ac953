"""Invoices: what the records have earned and not yet been invoiced, frozen learner by learner; approving,
paying and voiding them.

The ledger is the invoice lines themselves. For a contract's tranche, what stands invoiced for a learner is
the sum of their lines on invoices that are not void. A new invoice carries, for each learner, what they earn
now minus what stands invoiced: a positive line for a new outcome, a negative one (a clawback) when a counted
result was withdrawn (a certificate revoked, an enrollment deleted or no longer completed, a run taken off
the contract), an adjustment when the amount itself moved (a premium category corrected). A paid invoice is
never edited: its corrections are the next invoice's lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from maharat.access import writes
from maharat.assessment.models import Certificate
from maharat.common import jalali
from maharat.kit import workflow
from maharat.training.models import Enrollment, EnrollmentStatus

from . import earned, notices, rules
from .models import (
    INVOICING,
    STANDING,
    TRANCHES,
    Contract,
    ContractStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    Tranche,
)

CATEGORY_NAMES = {"rural": "روستایی", "nomad": "عشایری", "woman": "زن", "disabled": "دارای معلولیت"}


def invoiced(contract: Contract, tranche: str) -> dict[int, int]:
    """{enrollment id: amount standing invoiced} for the contract's tranche (void invoices do not count)."""
    rows = (InvoiceLine.objects.filter(invoice__contract=contract, invoice__tranche=tranche,
                                       invoice__status__in=STANDING)
            .values("enrollment_key").annotate(net=Sum("amount")).order_by())
    return {row["enrollment_key"]: int(row["net"]) for row in rows if row["net"]}


def _base(contract: Contract, tranche: str) -> int:
    return contract.price * contract.shares()[tranche] // 100


def _earned_line(learner: earned.Learner, tranche: str, contract: Contract, kind: str, amount: int,
                 note: str) -> InvoiceLine:
    reasons = "، ".join(CATEGORY_NAMES[c] for c in learner.categories if c in CATEGORY_NAMES)
    return InvoiceLine(enrollment_key=learner.enrollment_id, trainee_id=learner.trainee_id,
                       national_code=learner.national_code, trainee_name=learner.name[:170],
                       run_code=learner.run_code, kind=kind, base=_base(contract, tranche),
                       premium=learner.premium, premium_reasons=reasons[:120], amount=amount, note=note[:300])


def _withdrawn_reasons(keys: list[int], tranche: str) -> dict[int, str]:
    """Why each learner no longer earns what they were invoiced (the clawback line's note)."""
    rows = {pk: (status, trainee_id, standard_id) for pk, status, trainee_id, standard_id in
            Enrollment.objects.filter(pk__in=keys).values_list("pk", "status", "trainee_id", "course_run__standard_id")}
    certificates = {(t, s): status for t, s, status in Certificate.objects.filter(
        trainee_id__in=[r[1] for r in rows.values()]).values_list("trainee_id", "standard_id", "status")}
    reasons: dict[int, str] = {}
    for key in keys:
        row = rows.get(key)
        if row is None:
            reasons[key] = _("ثبت‌نام حذف شده است")
        elif tranche != Tranche.ENROLLMENT and row[0] != EnrollmentStatus.COMPLETED:
            reasons[key] = _("وضعیت ثبت‌نام دیگر «پایان دوره» نیست")
        elif tranche == Tranche.CERTIFICATION and certificates.get((row[1], row[2])) != "valid":
            reasons[key] = _("گواهینامه مهارت باطل، معلق یا حذف شده است")
        elif tranche == Tranche.EMPLOYMENT:
            reasons[key] = _("اشتغال سه ماه پس از پایان دوره دیگر تأیید نمی‌شود")
        else:
            reasons[key] = _("دیگر در شمار قرارداد نیست (دوره، استاندارد، گروه هدف یا سقف قرارداد)")
    return reasons


def pending_lines(contract: Contract, tranche: str, today: dt.date | None = None,
                  learners: list[earned.Learner] | None = None) -> list[InvoiceLine]:
    """The lines the next invoice of this tranche would carry (unsaved): the contract page's preview and
    the invoice itself. `learners`: the contract's, when the caller has them already."""
    if learners is None:
        learners = earned.learners(Contract.objects.filter(pk=contract.pk), today)
    found = earned.by_enrollment(learners, tranche)
    standing = invoiced(contract, tranche)
    lines: list[InvoiceLine] = []
    for key, learner in found.items():
        amount = learner.amounts[tranche] - standing.get(key, 0)
        if key not in standing:
            note = learner.employer if tranche == Tranche.EMPLOYMENT else ""
            lines.append(_earned_line(learner, tranche, contract, LineKind.EARNED, amount, note))
        elif amount:
            lines.append(_earned_line(learner, tranche, contract, LineKind.ADJUSTMENT, amount,
                                      _("اصلاح مبلغ پس از تغییر دسته‌های افزایش")))
    gone = [key for key in standing if key not in found]
    if gone:
        reasons = _withdrawn_reasons(gone, tranche)
        last = {}
        for line in (InvoiceLine.objects.filter(invoice__contract=contract, invoice__tranche=tranche,
                                                enrollment_key__in=gone).order_by("pk")):
            last[line.enrollment_key] = line
        for key in gone:
            seen = last[key]
            lines.append(InvoiceLine(enrollment_key=key, trainee_id=seen.trainee_id, national_code=seen.national_code,
                                     trainee_name=seen.trainee_name, run_code=seen.run_code, kind=LineKind.CLAWBACK,
                                     base=seen.base, premium=seen.premium, premium_reasons=seen.premium_reasons,
                                     amount=-standing[key], note=reasons[key][:300]))
    return lines


@dataclass(frozen=True)
class Pending:
    lines: int
    earned: int
    clawback: int

    @property
    def total(self) -> int:
        return self.earned + self.clawback


def pending_total(contract: Contract, tranche: str, learners: list[earned.Learner]) -> Pending:
    """What the next invoice of the tranche would carry, in short (the contract page's buttons)."""
    if contract.status not in INVOICING:
        return Pending(0, 0, 0)
    lines = pending_lines(contract, tranche, learners=learners)
    return Pending(len(lines), sum(x.amount for x in lines if x.amount > 0), sum(x.amount for x in lines if x.amount < 0))


def _next_number(contract: Contract) -> str:
    prefix = f"{contract.number}-F"
    last = Invoice.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:03d}"


def issue_invoice(user: Any, contract: Contract, tranche: str) -> Invoice:
    """The tranche's invoice for everything earned and not yet invoiced, and every clawback since."""
    if tranche not in TRANCHES:
        raise ValidationError({"tranche": _("مرحله پرداخت نامعتبر است.")})
    with transaction.atomic():
        # Held while the lines are computed and written: two invoices at once would bill a learner twice.
        current = Contract.objects.select_for_update().select_related("institute").get(pk=contract.pk)
        invoice = Invoice(contract=current, tranche=tranche, issued_on=timezone.localdate(),
                          issued_by=user if getattr(user, "pk", None) else None)
        if workflow.acting_as(user, "issue", invoice) is None:
            raise PermissionDenied(_("شما اجازه صدور صورت‌حساب این قرارداد را ندارید."))
        if current.status not in INVOICING:
            raise ValidationError(_("برای قرارداد «{status}» صورت‌حساب صادر نمی‌شود.").format(
                status=current.get_status_display()))
        with translation.override("fa"):  # the lines' notes are stored text: Persian whatever the page's language
            lines = pending_lines(current, tranche)
        if not lines:
            raise ValidationError(_("برای مرحله «{tranche}» مبلغ تازه‌ای کسب نشده و چیزی هم بازپس‌گرفتنی نیست.").format(
                tranche=Tranche(tranche).label))
        invoice.earned_total = sum(x.amount for x in lines if x.amount > 0)
        invoice.clawback_total = sum(x.amount for x in lines if x.amount < 0)
        invoice.total = invoice.earned_total + invoice.clawback_total

        def persist() -> Invoice:
            invoice.number = _next_number(current)
            invoice.save()
            for line in lines:
                line.invoice = invoice
            InvoiceLine.objects.bulk_create(lines, batch_size=500)
            return invoice

        saved = writes.save_record(user=user, instance=invoice, persist=persist)
        notices.invoice_issued(saved)
        return saved


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().select_related("contract__institute").get(pk=invoice.pk)


def _permission_first(user: Any, invoice: Invoice, name: str) -> None:
    action = "approve" if name == "void" else name
    if workflow.acting_as(user, action, invoice) is None:
        raise PermissionDenied(_("شما اجازه «{action}» را روی این رکورد ندارید.").format(
            action=workflow.label(invoice, name)))


@transaction.atomic
def approve_invoice(user: Any, invoice: Invoice, note: str = "") -> Invoice:
    """Approve an issued invoice: never by who issued it (four eyes on every payment)."""
    current = _locked(invoice)
    _permission_first(user, current, "approve")
    note = rules.clean_text(note, field="note", label=_("توضیح"), limit=rules.NOTE_MAX, multiline=True)
    if current.status == InvoiceStatus.ISSUED and current.issued_by_id == getattr(user, "pk", None):
        raise ValidationError(_("صادرکننده صورت‌حساب نمی‌تواند خودش آن را تأیید کند."))
    done = workflow.perform(current, "approve", user=user, reason=note)
    notices.invoice_decided(done, "approve")
    return done


def clean_payment(*, paid_on: Any, reference: Any, issued_on: dt.date) -> tuple[dt.date, str]:
    errors: dict[str, list[str]] = {}
    day: dt.date | None = None
    if not isinstance(paid_on, dt.date) or isinstance(paid_on, dt.datetime) or not jalali.supported_date(paid_on):
        errors["paid_on"] = [_("تاریخ پرداخت را درست وارد کنید.")]
    elif paid_on > timezone.localdate():
        errors["paid_on"] = [_("تاریخ پرداخت نمی‌تواند بعد از امروز باشد.")]
    elif paid_on < issued_on:
        errors["paid_on"] = [_("تاریخ پرداخت پیش از صدور صورت‌حساب ({day}) است.").format(
            day=jalali.format_date(issued_on))]
    else:
        day = paid_on
    text = ""
    try:
        text = rules.clean_text(reference, field="reference", label=_("شماره مرجع پرداخت"),
                                limit=rules.REFERENCE_MAX, required=True, formula_ok=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert day is not None
    return day, text


@transaction.atomic
def pay_invoice(user: Any, invoice: Invoice, *, paid_on: Any, reference: Any) -> Invoice:
    current = _locked(invoice)
    _permission_first(user, current, "pay")
    day, text = clean_payment(paid_on=paid_on, reference=reference, issued_on=current.issued_on)
    done = workflow.perform(current, "pay", user=user, reason=text, paid_on=day, reference=text)
    notices.invoice_decided(done, "pay")
    return done


@transaction.atomic
def void_invoice(user: Any, invoice: Invoice, reason: str) -> Invoice:
    """Void an invoice issued in error, before approval: its lines stop counting, the next invoice recomputes."""
    current = _locked(invoice)
    _permission_first(user, current, "void")
    reason = rules.clean_text(reason, field="reason", label=_("دلیل ابطال"), limit=rules.NOTE_MAX, required=True,
                              multiline=True)
    return workflow.perform(current, "void", user=user, reason=reason)


def open_for_invoicing(contract: Contract) -> bool:
    return contract.status in (ContractStatus.ACTIVE, ContractStatus.CLOSED)
