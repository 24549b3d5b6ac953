"""Who hears of a loan, and what: whoever decides it when it is submitted (the provincial manager up to the
programme's threshold, HQ's planner above it); the institute's managers, and who applied, when it is decided;
the institute's managers when it is paid out; the institute and the province's staff when it ends (repaid,
defaulted, written off) and, from the daily job, of each instalment coming due or late (reminders.py).

Every message has a key, so a retried request or a second run of the job tells nobody twice. Messages are
stored text, written in the platform's language whatever the language of the page that sent them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.access.records import tree
from maharat.access.roles import Role
from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.notify.services import notify
from maharat.org.models import Unit

from . import rules
from .models import Instalment, Loan, LoanStatus

TOPIC = "loans"


def _people(unit: Unit | None, roles: tuple[str, ...]) -> list[Any]:
    if unit is None:
        return []
    return [a.user for a in unit.accounts.select_related("user").filter(role__in=roles).order_by("pk")
            if a.user.is_active]


def institute_managers(loan: Loan) -> list[Any]:
    return _people(loan.institute, (Role.INSTITUTE_MANAGER,))


def province_staff(loan: Loan) -> list[Any]:
    return _people(loan.province, (Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_EXPERT))


def deciders(loan: Loan) -> list[Any]:
    if loan.requested_amount <= loan.programme.hq_threshold:
        return _people(loan.province, (Role.PROVINCIAL_MANAGER,))
    return _people(tree().root(), (Role.HQ_PLANNER,))


def tell(people: Iterable[Any], loan: Loan, *, key: str, title: str, body: str = "") -> int:
    """Each person who may see the loan, once for `key`; how many were told now (not before)."""
    told = 0
    seen: set[int] = set()
    with translation.override("fa"):
        for user in people:
            if user.pk in seen or not policy.can(user, "view", loan):
                continue
            seen.add(user.pk)
            outcome = notify(user, topic=TOPIC, title=str(title), body=str(body), url=loan.get_absolute_url(),
                             key=f"loans:{loan.pk}:{key}")
            told += outcome.created
    return told


def submitted(loan: Loan) -> int:
    with translation.override("fa"):
        return tell(deciders(loan), loan, key="submitted",
                    title=_("درخواست تسهیلات {number} از {institute} در انتظار تصمیم").format(
                        number=loan.number, institute=loan.institute.name),
                    body=_("مبلغ درخواستی {amount} برای {months} ماه، از برنامه «{programme}».").format(
                        amount=rules.rials(loan.requested_amount), months=localize_digits(loan.term_months),
                        programme=loan.programme))


def decided(loan: Loan) -> int:
    people = [*institute_managers(loan), *([loan.applied_by] if loan.applied_by and loan.applied_by.is_active else [])]
    with translation.override("fa"):
        if loan.status == LoanStatus.APPROVED:
            title = _("تسهیلات {number} تصویب شد").format(number=loan.number)
            body = _("مبلغ مصوب: {amount}.").format(amount=rules.rials(loan.amount))
            if loan.reduced:
                body += " " + _("دلیل کاهش مبلغ: {note}").format(note=loan.decision_note)
        else:
            title = _("درخواست تسهیلات {number} رد شد").format(number=loan.number)
            body = _("دلیل: {note}").format(note=loan.decision_note)
        return tell(people, loan, key=str(loan.status), title=title, body=body)


def disbursed(loan: Loan, instalments: list[Instalment]) -> int:
    first = instalments[0] if instalments else None
    with translation.override("fa"):
        body = _("نخستین قسط: {amount} در {due}؛ {n} قسط در جدول بازپرداخت.").format(
            amount=rules.rials(first.amount), due=jalali.format_date(first.due_date),
            n=localize_digits(len(instalments))) if first else ""
        return tell(institute_managers(loan), loan, key="disbursed", body=body,
                    title=_("تسهیلات {number} به مبلغ {amount} پرداخت شد").format(
                        number=loan.number, amount=rules.rials(loan.amount)))


def ended(loan: Loan) -> int:
    with translation.override("fa"):
        if loan.status == LoanStatus.REPAID:
            title, body = _("تسهیلات {number} تسویه شد").format(number=loan.number), ""
        elif loan.status == LoanStatus.DEFAULTED:
            title = _("تسهیلات {number} نکول اعلام شد").format(number=loan.number)
            body = _("دلیل: {reason}").format(reason=loan.default_reason)
        else:
            title = _("مطالبات تسهیلات {number} سوخت شد").format(number=loan.number)
            body = _("دلیل: {reason}").format(reason=loan.write_off_reason)
        return tell([*institute_managers(loan), *province_staff(loan)], loan, key=str(loan.status), title=title,
                    body=body)


def instalment(item: Instalment, threshold: str, days: int) -> int:
    """A reminder of one instalment at one threshold (reminders.THRESHOLDS): `days` before its due date, or late."""
    loan = item.loan
    with translation.override("fa"):
        due, left = jalali.format_date(item.due_date), rules.rials(item.remaining)
        if threshold == "soon":
            title = _("قسط {n} تسهیلات {number} در {due} سررسید می‌شود").format(
                n=localize_digits(item.number), number=loan.number, due=due)
            body = _("مبلغ پرداخت‌نشده: {left}؛ {days} روز مانده.").format(left=left, days=localize_digits(days))
        else:
            title = _("قسط {n} تسهیلات {number} {days} روز از سررسید گذشته است").format(
                n=localize_digits(item.number), number=loan.number, days=localize_digits(days))
            body = _("سررسید: {due}؛ مبلغ پرداخت‌نشده: {left}؛ آموزشگاه: {institute}.").format(
                due=due, left=left, institute=loan.institute.name)
        return tell([*institute_managers(loan), *province_staff(loan)], loan,
                    key=f"instalment:{item.pk}:{threshold}", title=title, body=body)
