"""Who is told about a contract and its invoices: the institute when its contract is signed, closed or cancelled
and when an invoice is approved or paid; the province's deciders when an invoice waits for approval. Each
message has a key, so a request that runs twice tells nobody twice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.common.persian import localize_digits
from maharat.org.models import Unit

from .models import Contract, Invoice


def _people(unit: Unit, action: str, record: Any) -> list[Any]:
    """Active accounts at `unit` who may `action` the record."""
    return [a.user for a in unit.accounts.select_related("user", "unit").order_by("pk")
            if a.user.is_active and policy.can(a.user, action, record)]


def tell(people: Iterable[Any], record: Any, *, topic: str, title: str, body: str, key: str) -> int:
    from maharat.notify.services import notify

    told = 0
    for user in people:
        told += notify(user, topic=topic, title=title, body=body, url=record.get_absolute_url(),
                       key=f"purchase:{key}").created
    return told


# Stored text, read by whoever opens the inbox: in the platform's language, whatever the page's.
def contract_decided(contract: Contract, outcome: str) -> int:
    with translation.override("fa"):
        titles = {"sign": _("قرارداد خرید خدمات {number} امضا شد"), "close": _("قرارداد {number} بسته شد"),
                  "cancel": _("قرارداد {number} لغو شد")}
        return tell(_people(contract.institute, "view", contract), contract, topic=f"purchase_{outcome}",
                    title=titles[outcome].format(number=contract.number), body=contract.end_reason,
                    key=f"contract:{contract.pk}:{outcome}")


def invoice_issued(invoice: Invoice) -> int:
    contract = invoice.contract
    with translation.override("fa"):
        return tell([u for u in _people(contract.province, "approve", invoice) if u.pk != invoice.issued_by_id],
                    invoice, topic="purchase_invoice_issued", key=f"invoice:{invoice.pk}:issued",
                    title=_("صورت‌حساب {number} در انتظار تأیید").format(number=invoice.number),
                    body=_("مرحله «{tranche}»، مبلغ خالص {total} ریال.").format(
                        tranche=invoice.get_tranche_display(), total=localize_digits(f"{invoice.total:,}")))


def invoice_decided(invoice: Invoice, outcome: str) -> int:
    contract = invoice.contract
    with translation.override("fa"):
        titles = {"approve": _("صورت‌حساب {number} تأیید شد"), "pay": _("صورت‌حساب {number} پرداخت شد")}
        body = (_("شماره مرجع پرداخت: {reference}").format(reference=invoice.payment_reference)
                if outcome == "pay" else "")
        return tell(_people(contract.institute, "view", invoice), invoice, topic=f"purchase_invoice_{outcome}",
                    title=titles[outcome].format(number=invoice.number), body=body,
                    key=f"invoice:{invoice.pk}:{outcome}")
