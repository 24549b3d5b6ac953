"""Who may borrow: the checks a request must pass, each on its own line with its own Persian message.

They are asked when a request is submitted (on the day it was received) and again when it is approved (on
the day of the decision, with the amount approved); a loan's page shows them as they stand today. Each is a
`Check`, so the page, the refusal and the tests read the same list:

1. the institute is licensed on that day and in good standing (institutes.selectors.in_good_standing: not
   suspended, not barred from new enrollments, no sanction graver than a warning in the last year);
2. it has no overdue loan: no instalment of any loan it was paid (repaid, written off or still owed) left
   unpaid more than rules.INELIGIBLE_AFTER_DAYS days after its due date, counting the repayments made by then;
3. the amount is within the programme's ceiling for one loan;
4. the amount is within what is left of the programme's budget (its budget less every other loan approved);
5. the institute has no other loan in the same programme that is still open (one not rejected or repaid).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from maharat.common import jalali
from maharat.common.persian import localize_digits
from maharat.institutes import selectors as licensing
from maharat.org.models import Unit

from . import rules
from .models import CLOSED_FOR_ANOTHER, COMMITTED, DISBURSED, Instalment, Loan, LoanProgramme

STANDING, OVERDUE, CEILING, BUDGET, ONE_OPEN = "standing", "overdue", "ceiling", "budget", "one_open"


@dataclass(frozen=True)
class Check:
    key: str
    label: str  # what is checked
    ok: bool
    message: str  # why not ("" when it passes)
    field: str  # where a refusal is shown on a form ("amount" for the amount's checks)


def committed_elsewhere(programme: LoanProgramme, loan: Loan | None = None) -> int:
    """What the programme has approved for every loan but `loan`: the part of its budget already promised."""
    qs = Loan.objects.filter(programme=programme, status__in=COMMITTED)
    if loan is not None and loan.pk is not None:
        qs = qs.exclude(pk=loan.pk)
    return int(qs.aggregate(total=Coalesce(Sum("approved_amount"), Value(0)))["total"])


def remaining_budget(programme: LoanProgramme, loan: Loan | None = None) -> int:
    return max(int(programme.budget) - committed_elsewhere(programme, loan), 0)


def late_instalment(institute: Unit, day: dt.date, loan: Loan | None = None) -> Instalment | None:
    """The oldest instalment of the institute's other loans left unpaid, on `day`, more than the tolerated days
    after it fell due (paid as of `day`: the allocations of repayments made by then)."""
    limit = day - dt.timedelta(days=rules.INELIGIBLE_AFTER_DAYS)
    qs = Instalment.objects.filter(loan__institute=institute, loan__status__in=DISBURSED, due_date__lt=limit)
    if loan is not None and loan.pk is not None:
        qs = qs.exclude(loan=loan)
    paid_then = Coalesce(Sum("allocations__amount", filter=Q(allocations__repayment__paid_on__lte=day)), Value(0))
    return (qs.annotate(paid_then=paid_then).filter(paid_then__lt=F("amount"))
            .select_related("loan").order_by("due_date", "pk").first())


def open_loan(institute: Unit, programme: LoanProgramme, loan: Loan | None = None) -> Loan | None:
    qs = Loan.objects.filter(institute=institute, programme=programme).exclude(status__in=CLOSED_FOR_ANOTHER)
    if loan is not None and loan.pk is not None:
        qs = qs.exclude(pk=loan.pk)
    return qs.order_by("pk").first()


def _standing(institute: Unit, day: dt.date) -> Check:
    label = _("پروانه معتبر و وضعیت نظارتی مطلوب")
    shown = jalali.format_date(day)
    if not licensing.licensed_on(institute.pk, day):
        why = licensing.why_not_licensed(institute.pk, day, day)
        return Check(STANDING, label, False, _("آموزشگاه در {day} پروانه معتبر ندارد: {why}").format(
            day=shown, why=why), "__all__")
    if not licensing.in_good_standing(institute.pk, day):
        return Check(STANDING, label, False, _(
            "آموزشگاه در {day} وضعیت نظارتی مطلوب ندارد: تعلیق، منع ثبت‌نام جدید یا مجازاتی سنگین‌تر از تذکر "
            "کتبی در یک سال گذشته.").format(day=shown), "__all__")
    return Check(STANDING, label, True, "", "__all__")


def _overdue(institute: Unit, day: dt.date, loan: Loan | None) -> Check:
    label = _("بدون قسط معوق بیش از {n} روز").format(n=localize_digits(rules.INELIGIBLE_AFTER_DAYS))
    late = late_instalment(institute, day, loan)
    if late is None:
        return Check(OVERDUE, label, True, "", "__all__")
    return Check(OVERDUE, label, False, _(
        "آموزشگاه قسط معوق دارد: قسط {n} تسهیلات {number} با سررسید {due} تا {day} پرداخت نشده بود ({days} روز "
        "پس از سررسید).").format(n=localize_digits(late.number), number=late.loan.number,
                                  due=jalali.format_date(late.due_date), day=jalali.format_date(day),
                                  days=localize_digits((day - late.due_date).days)), "__all__")


def checks(*, institute: Unit, programme: LoanProgramme, amount: int, day: dt.date,
           loan: Loan | None = None) -> list[Check]:
    """Every check, in order, for `amount` of `programme` to `institute` on `day` (`loan`: the request itself,
    left out of the budget and of the other loans)."""
    ceiling = int(programme.max_amount)
    remaining = remaining_budget(programme, loan)
    other = open_loan(institute, programme, loan)
    return [
        _standing(institute, day),
        _overdue(institute, day, loan),
        Check(CEILING, _("در سقف هر تسهیلات برنامه ({max})").format(max=rules.rials(ceiling)), amount <= ceiling,
              "" if amount <= ceiling else _("مبلغ {amount} از سقف هر تسهیلات در این برنامه ({max}) بیشتر است.").format(
                  amount=rules.rials(amount), max=rules.rials(ceiling)), "amount"),
        Check(BUDGET, _("در مانده اعتبار برنامه ({left})").format(left=rules.rials(remaining)), amount <= remaining,
              "" if amount <= remaining else _("مبلغ {amount} از مانده اعتبار برنامه ({left}) بیشتر است.").format(
                  amount=rules.rials(amount), left=rules.rials(remaining)), "amount"),
        Check(ONE_OPEN, _("بدون تسهیلات باز دیگر در همین برنامه"), other is None,
              "" if other is None else _("این آموزشگاه در همین برنامه تسهیلات {number} ({status}) را دارد؛ درخواست "
                                         "دیگر پس از تسویه یا رد آن پذیرفته می‌شود.").format(
                  number=other.number, status=other.get_status_display()), "__all__"),
    ]


def refusals(found: list[Check]) -> dict[str, list[str]]:
    """The failed checks as a ValidationError's dictionary, each message under its field."""
    errors: dict[str, list[str]] = {}
    for check in found:
        if not check.ok:
            errors.setdefault(check.field, []).append(check.message)
    return errors
