"""Writes on loans: the application, the decision (approval, perhaps of a smaller amount, or rejection), the
disbursement with its schedule, the repayments, and HQ's default and write-off. (Programmes: programmes.py.)

A new loan goes through the write path (access.writes: permission where it is, an audit entry with every
value); its transitions through kit.workflow.perform (permission, a Persian refusal, save, audit with from,
to and why). Each write asks, in this order: may this user do it here (nothing else is told to who may not),
does the loan's state allow it, are the values right (every field at fault named at once); then it is written
in one transaction, with the loan's row held so that two decisions on it are taken one after the other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy, writes
from maharat.access.roles import Role
from maharat.audit.models import AuditAction
from maharat.audit.services import log_many
from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.kit import workflow
from maharat.org.models import Unit, UnitKind

from . import eligibility, notices, rules, schedule
from .models import Instalment, Loan, LoanProgramme, LoanStatus, Purpose
from .repayments import record_repayment
from .steps import collect as _collect
from .steps import locked, ready

MIN_AMOUNT = rules.MIN_AMOUNT


def _next_number(province: Unit, day: dt.date) -> str:
    """<province code>-<Jalali year of the request>-L<sequence>: made, never typed. The province's row is held
    while the number is taken, so two requests entered at once get two numbers."""
    Unit.objects.select_for_update().filter(pk=province.pk).first()
    prefix = f"{province.code}-{jalali.year_of(day)}-L"
    last = Loan.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:04d}"


# ------------------------------------------------------------------------------------------- application
def _check_request(loan: Loan, programme: LoanProgramme, *, purpose: Any, description: Any, amount: Any,
                   term_months: Any, received_on: Any, today: dt.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if loan.institute.kind != UnitKind.FREE_INSTITUTE or loan.institute.province_id is None:
        errors["institute"] = [_("تسهیلات این برنامه فقط به آموزشگاه‌های آزاد داده می‌شود.")]
    if purpose not in Purpose.values:
        errors["purpose"] = [_("موضوع مصرف را از فهرست برگزینید.")]
    loan.description = _collect(errors, lambda: rules.clean_text(
        description, field="description", label=_("شرح طرح"), limit=rules.NOTE_MAX, required=True,
        multiline=True)) or ""
    loan.requested_amount = _collect(errors, lambda: rules.whole(
        amount, field="amount", label=_("مبلغ درخواستی (ریال)"), low=MIN_AMOUNT, high=rules.MAX_AMOUNT))
    loan.term_months = _collect(errors, lambda: rules.whole(
        term_months, field="term_months", label=_("مدت (ماه)"), low=programme.grace_months + 1,
        high=programme.max_term_months))
    loan.received_on = _collect(errors, lambda: rules.day(received_on, field="received_on",
                                                          label=_("تاریخ درخواست"), today=today))
    if not programme.is_open:
        errors.setdefault("programme", []).append(_("برنامه «{p}» درخواست تازه نمی‌پذیرد.").format(p=programme))
    if loan.received_on is not None and jalali.year_of(loan.received_on) != programme.year:
        errors.setdefault("received_on", []).append(_("درخواست‌های برنامه سال {year} در همان سال پذیرفته می‌شود.")
                                                    .format(year=localize_digits(programme.year)))
    return errors


def apply(user: Any, *, programme: LoanProgramme, institute: Unit, purpose: str, description: str, amount: int,
          term_months: int, received_on: dt.date | None = None) -> Loan:
    """A request of `institute` for `amount` Rials of `programme` over `term_months` months (grace included).
    Refused, with every reason at once, when a value is wrong or the institute is not eligible on the day it
    was received (eligibility.py). Entered by the institute's manager (received today) or by the province's
    expert for it (received on the day written on the paper, up to two years back)."""
    loan = Loan(programme=programme, institute=institute, province=institute.province or institute, purpose=purpose,
                applied_by=user if getattr(user, "pk", None) else None, interest_rate=programme.interest_rate,
                grace_months=programme.grace_months, requested_amount=0, term_months=0)
    # Permission before anything else: who may not apply for this institute learns nothing of its standing.
    policy.require(user, "add", loan)
    today = timezone.localdate()
    if policy.actor_of(user).role == Role.INSTITUTE_MANAGER:
        received_on = today  # an institute applies today; only the province enters what arrived on paper
    with transaction.atomic():
        # The programme's row is held: two requests at once are measured against the budget one after the other.
        programme = LoanProgramme.objects.select_for_update().get(pk=programme.pk)
        loan.programme, loan.interest_rate, loan.grace_months = programme, programme.interest_rate, programme.grace_months
        errors = _check_request(loan, programme, purpose=purpose, description=description, amount=amount,
                                term_months=term_months, received_on=received_on or today, today=today)
        if loan.requested_amount is not None and loan.received_on is not None and "institute" not in errors:
            found = eligibility.checks(institute=institute, programme=programme, amount=loan.requested_amount,
                                       day=loan.received_on)
            for field, messages in eligibility.refusals(found).items():
                errors.setdefault(field, []).extend(messages)
        if errors:
            raise ValidationError(errors)

        def persist() -> Loan:
            loan.number = _next_number(loan.province, loan.received_on)
            loan.save()
            return loan

        saved = writes.save_record(user=user, instance=loan, persist=persist)
        notices.submitted(saved)
    return saved


# ----------------------------------------------------------------------------------------------- steps
def _reason(value: Any, *, field: str = "reason", label: str, required: bool = True) -> str:
    return rules.clean_text(value, field=field, label=label, limit=rules.NOTE_MAX, required=required, multiline=True)


@transaction.atomic
def approve(user: Any, loan: Loan, *, amount: int | None = None, note: str = "", on: dt.date | None = None) -> Loan:
    """Approve the request, for `amount` (the amount asked by default; less with a reason). The eligibility is
    asked again on the day of the decision, with the amount approved."""
    current = locked(loan)
    ready(user, current, "approve")
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    asked = int(current.requested_amount)
    amount = asked if amount is None else amount
    amount = _collect(errors, lambda: rules.whole(amount, field="amount", label=_("مبلغ مصوب (ریال)"),
                                                  low=MIN_AMOUNT, high=asked))
    note = _collect(errors, lambda: _reason(note, field="note", label=_("دلیل کاهش مبلغ"),
                                            required=amount is not None and amount < asked)) or ""
    day = _collect(errors, lambda: rules.day(on or today, field="on", label=_("تاریخ تصمیم"), today=today,
                                             not_before=current.received_on, not_before_label=_("تاریخ درخواست")))
    if amount is not None and day is not None:
        LoanProgramme.objects.select_for_update().filter(pk=current.programme_id).first()
        found = eligibility.checks(institute=current.institute, programme=current.programme, amount=amount, day=day,
                                   loan=current)
        for field, messages in eligibility.refusals(found).items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    done = workflow.perform(current, "approve", user=user, reason=note, amount=amount, on=day)
    notices.decided(done)
    return done


@transaction.atomic
def reject(user: Any, loan: Loan, *, reason: str, on: dt.date | None = None) -> Loan:
    current = locked(loan)
    ready(user, current, "reject")
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    reason = _collect(errors, lambda: _reason(reason, label=_("دلیل رد")))
    day = _collect(errors, lambda: rules.day(on or today, field="on", label=_("تاریخ تصمیم"), today=today,
                                             not_before=current.received_on, not_before_label=_("تاریخ درخواست")))
    if errors:
        raise ValidationError(errors)
    done = workflow.perform(current, "reject", user=user, reason=reason, on=day)
    notices.decided(done)
    return done


@transaction.atomic
def disburse(user: Any, loan: Loan, *, on: dt.date, reference: str) -> Loan:
    """The approved amount paid to the institute on `on`: its schedule is made from that day (schedule.py).
    The institute must still be in good standing that day: a suspension since the decision stops the money."""
    current = locked(loan)
    ready(user, current, "disburse")
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    day = _collect(errors, lambda: rules.day(on, field="on", label=_("تاریخ پرداخت"), today=today,
                                             not_before=current.decided_on, not_before_label=_("تاریخ تصویب")))
    reference = _collect(errors, lambda: rules.clean_text(reference, field="reference", label=_("شماره مرجع پرداخت"),
                                                          limit=rules.REFERENCE_MAX, required=True, formula_ok=False))
    if day is not None:
        standing = eligibility.checks(institute=current.institute, programme=current.programme,
                                      amount=0, day=day, loan=current)[0]
        if not standing.ok:
            errors.setdefault("on", []).append(standing.message)
    if errors:
        raise ValidationError(errors)
    done = workflow.perform(current, "disburse", user=user, on=day, reference=reference)
    lines = schedule.build(principal=done.amount, annual_rate=done.interest_rate, term_months=done.term_months,
                           grace_months=done.grace_months, start=day)
    Instalment.objects.bulk_create([
        Instalment(loan=done, number=x.number, due_date=x.due, principal=x.principal, interest=x.interest,
                   amount=x.amount) for x in lines])
    made = list(Instalment.objects.filter(loan=done).order_by("number"))  # with their ids on every database
    log_many(user=user, records=[(AuditAction.CREATE, i, {
        "number": [None, i.number], "due_date": [None, i.due_date], "principal": [None, i.principal],
        "interest": [None, i.interest], "amount": [None, i.amount]}, done.institute) for i in made])
    notices.disbursed(done, made)
    return done


def _ending(user: Any, loan: Loan, name: str, reason: Any, on: dt.date | None, label: str) -> Loan:
    current = locked(loan)
    ready(user, current, name)
    today = timezone.localdate()
    errors: dict[str, list[str]] = {}
    reason = _collect(errors, lambda: _reason(reason, label=label))
    not_before = current.defaulted_on if name == "write_off" else current.disbursed_on
    day = _collect(errors, lambda: rules.day(on or today, field="on", label=_("تاریخ"), today=today,
                                             not_before=not_before, not_before_label=_("مرحله پیشین")))
    if errors:
        raise ValidationError(errors)
    done = workflow.perform(current, name, user=user, reason=reason, on=day)
    notices.ended(done)
    return done


@transaction.atomic
def declare_default(user: Any, loan: Loan, *, reason: str, on: dt.date | None = None) -> Loan:
    """HQ declares the loan in default (نکول): the reminders stop, repayments are still taken (recovery)."""
    return _ending(user, loan, "declare_default", reason, on, _("دلیل اعلام نکول"))


@transaction.atomic
def write_off(user: Any, loan: Loan, *, reason: str, on: dt.date | None = None) -> Loan:
    """HQ writes a defaulted loan off (سوخت): what is unpaid leaves the outstanding, and stays against the
    institute's eligibility (eligibility.late_instalment)."""
    return _ending(user, loan, "write_off", reason, on, _("دلیل سوخت"))


__all__ = ["LoanStatus", "apply", "approve", "declare_default", "disburse", "record_repayment", "reject",
           "write_off"]
