"""Invoices: issuing one for a tranche (from the contract's page), its page learner by learner, its
transitions (approve, pay, void) and its PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.kit import workflow
from maharat.kit.registers import RegisterDetailView

from .. import invoicing, pdf, selectors
from ..forms import PaymentForm
from ..models import TRANCHES, Invoice, InvoiceStatus, LineKind
from ..rules import CONTRACT_KIND, masked

LINES_PAGE = 100


def _visible(user: Any) -> QuerySet[Invoice]:
    return policy.scope(user, Invoice.objects.all()).select_related(
        "contract__institute", "contract__province", "issued_by", "approved_by", "paid_by")


@login_required
@require_POST
def invoice_issue(request: HttpRequest, pk: int, tranche: str) -> HttpResponse:
    policy.require_may(request.user, "issue", CONTRACT_KIND)
    if tranche not in TRANCHES:
        raise Http404
    contract = get_object_or_404(selectors.visible(request.user), pk=pk)
    try:
        invoice = invoicing.issue_invoice(request.user, contract, tranche)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect(contract.get_absolute_url())
    messages.success(request, _("صورت‌حساب {number} صادر شد.").format(number=invoice.number))
    return redirect(invoice.get_absolute_url())


class InvoiceDetail(RegisterDetailView):
    model = Invoice
    url_prefix = "purchase_invoice"
    template_name = "purchasing/invoice_detail.html"

    def get_queryset(self) -> QuerySet:
        return _visible(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        invoice: Invoice = self.object
        user = self.request.user
        show = policy.may(user, "view", "trainee")
        lines = invoice.lines.order_by("kind", "trainee_name", "pk")
        page = Paginator(lines, LINES_PAGE).get_page(self.request.GET.get("page"))
        ctx.update({
            "invoice": invoice, "contract": invoice.contract, "page_obj": page,
            "rows": [(line, line.national_code if show else masked(line.national_code)) for line in page],
            "counts": {kind: invoice.lines.filter(kind=kind).count() for kind in LineKind.values},
            "actions": workflow.available(invoice, user), "steps": workflow.history(invoice, user),
            "payment_form": PaymentForm(), "can_edit": False,
        })
        return ctx


@login_required
@require_POST
def invoice_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    policy.require_may(request.user, "view", CONTRACT_KIND)
    if action not in ("approve", "pay", "void"):
        raise Http404
    invoice = get_object_or_404(_visible(request.user), pk=pk)
    try:
        if action == "approve":
            invoicing.approve_invoice(request.user, invoice, request.POST.get("note", ""))
        elif action == "void":
            invoicing.void_invoice(request.user, invoice, request.POST.get("reason", ""))
        else:
            form = PaymentForm(request.POST)
            if not form.is_valid():
                # Permission first: who may not pay learns nothing from the form's errors.
                if workflow.acting_as(request.user, "pay", invoice) is None:
                    raise PermissionDenied(_("شما اجازه «ثبت پرداخت» را روی این رکورد ندارید."))
                for line in form.error_summary():
                    messages.error(request, line)
                return redirect(invoice.get_absolute_url())
            invoicing.pay_invoice(request.user, invoice, paid_on=form.cleaned_data["paid_on"],
                                  reference=form.cleaned_data["reference"])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        done = {"approve": _("صورت‌حساب تأیید شد."), "pay": _("پرداخت ثبت شد."), "void": _("صورت‌حساب باطل شد.")}
        messages.success(request, done[action])
    return redirect(invoice.get_absolute_url())


@login_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "view", CONTRACT_KIND)
    invoice = get_object_or_404(_visible(request.user), pk=pk)
    if invoice.status == InvoiceStatus.VOID:
        raise Http404
    from maharat.audit.services import log_read

    log_read(user=request.user, instance=invoice, unit=policy.unit_of(invoice))
    lines = list(invoice.lines.order_by("kind", "trainee_name", "pk"))
    response = HttpResponse(pdf.render(invoice, lines), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response
