"""Reads: the programmes, loans and overdue instalments in a user's reach, and the figures of a programme, a
province and the nation. Each figure has one definition, here, over the records (docs/loans.md):

- committed: the approved amount of every loan approved, whatever became of it since (approved, disbursed,
  repaying, repaid, defaulted, written off): what the programmes have promised;
- disbursed: the approved amount of every loan paid out (disbursed and every state after it);
- repaid: the sum of every repayment recorded;
- outstanding: the unpaid part of every instalment of the loans still owed (disbursed, repaying, defaulted):
  principal and interest, as the schedules have them;
- overdue: the part of the outstanding whose due date has passed (one day late or more);
- written off: the unpaid part of the instalments of loans written off (it leaves the outstanding).

So for the loans paid out, disbursed + the schedules' interest = repaid + outstanding + written off. The same
function gives them per programme, per province, or for all the loans it is given (a user's reach, the nation).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from maharat.access import policy

from .models import COMMITTED, DISBURSED, OWING, Instalment, Loan, LoanProgramme, LoanStatus, Repayment

RELATED = ("programme", "institute", "province")
FIGURES = ("committed", "disbursed", "repaid", "outstanding", "overdue", "written_off")


def programmes(user: Any) -> QuerySet[LoanProgramme]:
    return policy.scope(user, LoanProgramme.objects.all())


def visible(user: Any) -> QuerySet[Loan]:
    return policy.scope(user, Loan.objects.all()).select_related(*RELATED)


def instalments_of(loan: Loan) -> list[Instalment]:
    return list(Instalment.objects.filter(loan=loan).order_by("number"))


def repayments_of(loan: Loan) -> list[Repayment]:
    return list(Repayment.objects.filter(loan=loan).select_related("recorded_by")
                .prefetch_related("allocations__instalment").order_by("paid_on", "pk"))


def overdue(user: Any, today: dt.date | None = None) -> QuerySet[Instalment]:
    """Instalments past their due date with something unpaid, of the loans still owed, in the user's reach:
    the oldest first."""
    today = today or timezone.localdate()
    qs = Instalment.objects.filter(loan__status__in=OWING, paid__lt=F("amount"), due_date__lt=today)
    return (policy.scope(user, qs).select_related("loan__institute", "loan__province", "loan__programme")
            .order_by("due_date", "loan__number", "number"))


@dataclass
class Figures:
    loans: int = 0  # requests, whatever their state
    committed: int = 0
    disbursed: int = 0
    repaid: int = 0
    outstanding: int = 0
    overdue: int = 0
    written_off: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        self.loans += other.loans
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for status, n in other.by_status.items():
            self.by_status[status] = self.by_status.get(status, 0) + n


def _summed(qs: QuerySet, group: str | None, value: Any) -> dict[Any, int]:
    total = Coalesce(Sum(value), Value(0))
    if group is None:
        return {None: int(qs.aggregate(v=total)["v"])}
    return {row[group]: int(row["v"]) for row in qs.values(group).annotate(v=total).order_by()}


def figures_by(loans: QuerySet[Loan], key: str | None = None, today: dt.date | None = None) -> dict[Any, Figures]:
    """Every figure, grouped by "programme_id", "province_id", or not at all (None: one row, key None)."""
    today = today or timezone.localdate()
    if key not in (None, "programme_id", "province_id"):
        raise ValueError(f"figures are grouped by programme or province, not {key!r}")
    ids = loans.order_by().values("pk")
    own = Loan.objects.filter(pk__in=ids)
    through = f"loan__{key}" if key else None
    unpaid = F("amount") - F("paid")
    of_loans = Instalment.objects.filter(loan__in=ids)
    parts: dict[str, dict[Any, int]] = {
        "committed": _summed(own.filter(status__in=COMMITTED), key, "approved_amount"),
        "disbursed": _summed(own.filter(status__in=DISBURSED), key, "approved_amount"),
        "repaid": _summed(Repayment.objects.filter(loan__in=ids), through, "amount"),
        "outstanding": _summed(of_loans.filter(loan__status__in=OWING), through, unpaid),
        "overdue": _summed(of_loans.filter(loan__status__in=OWING, due_date__lt=today), through, unpaid),
        "written_off": _summed(of_loans.filter(loan__status=LoanStatus.WRITTEN_OFF), through, unpaid),
    }
    result: dict[Any, Figures] = {}
    for name, values in parts.items():
        for group, amount in values.items():
            setattr(result.setdefault(group, Figures()), name, amount)
    counted = own.values(*([key] if key else []), "status").annotate(n=Count("pk")).order_by()
    for row in counted:
        f = result.setdefault(row[key] if key else None, Figures())
        f.loans += int(row["n"])
        f.by_status[row["status"]] = int(row["n"])
    if key is None:
        result.setdefault(None, Figures())
    return result


def figures(loans: QuerySet[Loan], today: dt.date | None = None) -> Figures:
    """The figures of all the loans together (a province's, the nation's, a user's reach)."""
    return figures_by(loans, None, today)[None]


def loan_figures(loan: Loan, today: dt.date | None = None) -> Figures:
    return figures(Loan.objects.filter(pk=loan.pk), today)
