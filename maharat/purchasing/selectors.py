"""Reads: the contracts and invoices in a user's reach, and the figures of a contract, a province and the
nation. Each figure has one definition, here, over the records:

- committed: trainees × price of every signed contract (active or closed); premiums come on top of it;
- earned: what the records have earned so far (earned.py), for signed contracts, per tranche;
- invoiced: the net of every line on invoices that stand (issued, approved or paid; not void), per tranche;
- clawed back: the withdrawn amounts among those lines (negative lines, shown as a positive sum);
- paid: the net total of the invoices marked paid;
- to invoice: earned − invoiced (negative while a clawback waits for the next invoice).

The same function gives them per contract, per province, or for all the contracts it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BigIntegerField, Case, F, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from maharat.access import policy

from . import earned
from .models import COMMITTED, STANDING, TRANCHES, Contract, Invoice, InvoiceLine, InvoiceStatus

RELATED = ("institute", "province")


def visible(user: Any) -> QuerySet[Contract]:
    return policy.scope(user, Contract.objects.all()).select_related(*RELATED)


def invoices_of(user: Any, contract: Contract) -> QuerySet[Invoice]:
    return policy.scope(user, Invoice.objects.filter(contract=contract)).select_related("issued_by", "contract")


def _zero() -> dict[str, int]:
    return dict.fromkeys(TRANCHES, 0)


@dataclass
class Figures:
    contracts: int = 0
    committed: int = 0
    trainees: int = 0  # places contracted (signed contracts)
    earned: dict[str, int] = field(default_factory=_zero)
    learners: dict[str, int] = field(default_factory=_zero)  # learners earning each tranche
    invoiced: dict[str, int] = field(default_factory=_zero)
    clawed_back: dict[str, int] = field(default_factory=_zero)
    paid: dict[str, int] = field(default_factory=_zero)

    @property
    def to_invoice(self) -> dict[str, int]:
        return {t: self.earned[t] - self.invoiced[t] for t in TRANCHES}

    def total(self, name: str) -> int:
        values = self.to_invoice if name == "to_invoice" else getattr(self, name)
        return int(sum(values.values()))

    def add(self, other: Figures) -> None:
        self.contracts += other.contracts
        self.committed += other.committed
        self.trainees += other.trainees
        for name in ("earned", "learners", "invoiced", "clawed_back", "paid"):
            mine, theirs = getattr(self, name), getattr(other, name)
            for t in TRANCHES:
                mine[t] += theirs[t]


def figures_by(contracts: QuerySet[Contract], key: str = "contract_id", today: dt.date | None = None) -> dict[Any, Figures]:
    """Every figure, grouped by contract ("contract_id") or by the contract's province ("province_id")."""
    group = "province_id" if key == "province_id" else "pk"
    result: dict[Any, Figures] = {}
    signed = contracts.filter(status__in=COMMITTED)
    for row in (signed.values(group).annotate(
            n=Coalesce(Sum(Value(1)), Value(0)), places=Coalesce(Sum("trainees"), Value(0)),
            money=Coalesce(Sum(F("trainees") * F("price"), output_field=BigIntegerField()), Value(0)))
            .order_by()):
        f = result.setdefault(row[group], Figures())
        f.contracts, f.trainees, f.committed = int(row["n"]), int(row["places"]), int(row["money"])
    for grp, part in earned.earned_by(signed, key=key, today=today).items():
        f = result.setdefault(grp, Figures())
        f.earned, f.learners = dict(part.amount), dict(part.learners)
    line_group = f"invoice__contract__{'province_id' if key == 'province_id' else 'id'}"
    lines = (InvoiceLine.objects.filter(invoice__contract__in=contracts.order_by().values("pk"),
                                        invoice__status__in=STANDING)
             .values(line_group, "invoice__tranche")
             .annotate(net=Sum("amount"), back=Coalesce(Sum(Case(When(amount__lt=0, then=F("amount")), default=Value(0),
                                                                 output_field=BigIntegerField())), Value(0)))
             .order_by())
    for row in lines:
        f = result.setdefault(row[line_group], Figures())
        f.invoiced[row["invoice__tranche"]] = int(row["net"] or 0)
        f.clawed_back[row["invoice__tranche"]] = -int(row["back"] or 0)
    invoice_group = f"contract__{'province_id' if key == 'province_id' else 'id'}"
    for row in (Invoice.objects.filter(contract__in=contracts.order_by().values("pk"), status=InvoiceStatus.PAID)
                .values(invoice_group, "tranche").annotate(money=Sum("total")).order_by()):
        f = result.setdefault(row[invoice_group], Figures())
        f.paid[row["tranche"]] = int(row["money"] or 0)
    return result


def figures(contracts: QuerySet[Contract], today: dt.date | None = None) -> Figures:
    """The figures of all the contracts together (a province's, the nation's, a user's reach)."""
    total = Figures()
    for part in figures_by(contracts, key="province_id", today=today).values():
        total.add(part)
    return total


def contract_figures(contract: Contract, today: dt.date | None = None) -> Figures:
    return figures_by(Contract.objects.filter(pk=contract.pk), today=today).get(contract.pk, Figures())


def learners_of(contract: Contract, today: dt.date | None = None) -> list[earned.Learner]:
    return earned.learners(Contract.objects.filter(pk=contract.pk), today)


def tranche_rows(figures: Figures, shares: dict[str, int] | None = None) -> list[dict[str, Any]]:
    """One row per tranche for a dashboard table."""
    from .models import Tranche

    return [{"tranche": t, "label": Tranche(t).label, "share": (shares or {}).get(t), "learners": figures.learners[t],
             "earned": figures.earned[t], "invoiced": figures.invoiced[t], "clawed_back": figures.clawed_back[t],
             "paid": figures.paid[t], "to_invoice": figures.to_invoice[t]} for t in TRANCHES]
