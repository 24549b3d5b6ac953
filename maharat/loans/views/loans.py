"""Loans: the list, the application form, a loan's page (its terms, eligibility, schedule, repayments and the
steps the user may take) and the steps themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maharat.access import policy
from maharat.common.forms import add_errors
from maharat.common.persian import localize_digits, normalize_digits
from maharat.common.tables import Column
from maharat.kit import workflow
from maharat.kit.registers import RegisterDetailView, RegisterListView, scope_choices
from maharat.org.models import Unit, UnitKind

from .. import eligibility, selectors, services
from ..forms import ApproveForm, DisburseForm, LoanForm, ReasonForm, RepaymentForm
from ..models import REPAYABLE, Loan, LoanStatus, Purpose
from ..repayments import owed
from ..rules import LOAN_KIND
from ..steps import allowed

# Transitions the services run themselves (the first repayment, the last one): never a button.
AUTOMATIC = ("start_repaying", "settle")
CHECKED = (LoanStatus.SUBMITTED, LoanStatus.APPROVED)  # the eligibility is shown while a decision or money waits


class LoanList(RegisterListView):
    model = Loan
    url_prefix = "loan"
    template_name = "loans/list.html"
    columns = [Column("number", link=True), Column("institute"), Column("province"), Column("programme"),
               Column("purpose"), Column("requested_amount"), Column("approved_amount"), Column("status"),
               Column("received_on")]

    @property
    def filters(self) -> list[tuple[str, str, list[tuple[str, str]]]]:  # type: ignore[override]
        user = self.request.user
        provinces = policy.scope(user, Unit.objects.filter(kind=UnitKind.PROVINCE)).order_by("code")
        lines = selectors.programmes(user).order_by("-year", "title")
        return [("status", cast(str, gettext_lazy("وضعیت")), cast(list[tuple[str, str]], LoanStatus.choices)),
                ("programme", cast(str, gettext_lazy("برنامه")), [(str(p.pk), localize_digits(str(p))) for p in lines]),
                ("province", cast(str, gettext_lazy("استان")), [(p.code, str(p)) for p in provinces]),
                ("purpose", cast(str, gettext_lazy("موضوع مصرف")), cast(list[tuple[str, str]], Purpose.choices))]

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        get = self.request.GET.get
        if get("status") in LoanStatus.values:
            qs = qs.filter(status=get("status"))
        if get("purpose") in Purpose.values:
            qs = qs.filter(purpose=get("purpose"))
        programme = normalize_digits(get("programme") or "")[:12]
        if programme.isdigit():
            qs = qs.filter(programme_id=int(programme))
        province = (get("province") or "")[:32]
        if province:
            qs = qs.filter(province__code=province.upper())
        return qs.select_related(*selectors.RELATED)

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        query = query[:100]
        return qs.filter(Q(number__icontains=query) | Q(institute__name__icontains=query)
                         | Q(institute__code=query.upper()))

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:  # type: ignore[attr-defined]
            return ["loans/partials/loan_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("تسهیلات آموزشگاه‌ها")
        return ctx


@login_required
def loan_create(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "add", LOAN_KIND)
    form = scope_choices(LoanForm(request.POST or None, user=request.user,
                                  initial={"programme": request.GET.get("programme", "")[:12]}), request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            loan = services.apply(request.user, programme=data["programme"], institute=data["institute"],
                                  purpose=data["purpose"], description=data["description"], amount=data["amount"],
                                  term_months=data["term_months"], received_on=data.get("received_on"))
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("درخواست تسهیلات {number} ثبت شد و برای تصمیم فرستاده شد.").format(
                number=loan.number))
            return redirect(loan.get_absolute_url())
    return render(request, "loans/loan_form.html", {"form": form, "title": _("درخواست تسهیلات")})


class LoanDetail(RegisterDetailView):
    model = Loan
    url_prefix = "loan"
    template_name = "loans/detail.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related(*selectors.RELATED)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        loan: Loan = self.object
        user = self.request.user
        today = timezone.localdate()
        instalments = selectors.instalments_of(loan)
        checks = eligibility.checks(institute=loan.institute, programme=loan.programme, amount=loan.amount,
                                    day=today, loan=loan) if loan.status in CHECKED else []
        steps = [(name, label, FORMS[name](auto_id=f"{name}-%s")) for name, label in workflow.available(loan, user)
                 if name not in AUTOMATIC and name in FORMS]
        ctx.update({
            "loan": loan, "checks": checks, "instalments": instalments, "repayments": selectors.repayments_of(loan),
            "figures": selectors.loan_figures(loan, today), "owed": owed(loan), "today": today,
            "scheduled": {"principal": sum(i.principal for i in instalments),
                          "interest": sum(i.interest for i in instalments),
                          "amount": sum(i.amount for i in instalments), "paid": sum(i.paid for i in instalments)},
            "actions": steps, "history_steps": workflow.history(loan, user),
            "repayment_form": RepaymentForm() if loan.status in REPAYABLE and allowed(user, loan, "start_repaying")
            else None, "can_edit": False,
        })
        return ctx


FORMS: dict[str, type[BaseForm]] = {"approve": ApproveForm, "reject": ReasonForm, "disburse": DisburseForm,
                                    "declare_default": ReasonForm, "write_off": ReasonForm, "repayment": RepaymentForm}


def _run(name: str, user: Any, loan: Loan, data: dict[str, Any]) -> Any:
    calls: dict[str, Callable[[], Any]] = {
        "approve": lambda: services.approve(user, loan, amount=data.get("amount"), note=data.get("note", ""),
                                            on=data.get("on")),
        "reject": lambda: services.reject(user, loan, reason=data["reason"], on=data.get("on")),
        "disburse": lambda: services.disburse(user, loan, on=data["on"], reference=data["reference"]),
        "declare_default": lambda: services.declare_default(user, loan, reason=data["reason"], on=data.get("on")),
        "write_off": lambda: services.write_off(user, loan, reason=data["reason"], on=data.get("on")),
        "repayment": lambda: services.record_repayment(user, loan, on=data["on"], amount=data["amount"],
                                                       reference=data["reference"]),
    }
    return calls[name]()


DONE = {"approve": gettext_lazy("درخواست تصویب شد."), "reject": gettext_lazy("درخواست رد شد."),
        "disburse": gettext_lazy("پرداخت تسهیلات ثبت شد و جدول بازپرداخت ساخته شد."),
        "declare_default": gettext_lazy("نکول تسهیلات اعلام شد."), "write_off": gettext_lazy("مطالبات تسهیلات سوخت شد."),
        "repayment": gettext_lazy("بازپرداخت ثبت شد.")}


@login_required
def loan_step(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """A step on the loan (POST). Outside the user's reach the loan does not exist for them (404); inside it, a
    step they may not take is 403; a wrong value or state comes back as messages on the loan's page."""
    policy.require_may(request.user, "view", LOAN_KIND)
    if action not in FORMS:
        raise Http404
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    loan = get_object_or_404(selectors.visible(request.user), pk=pk)
    form = FORMS[action](request.POST)
    name = "start_repaying" if action == "repayment" else action
    if not allowed(request.user, loan, name):
        raise PermissionDenied(_("شما اجازه این کار را روی این رکورد ندارید."))
    if not form.is_valid():
        for line in form.error_summary():  # type: ignore[attr-defined]
            messages.error(request, line)
        return redirect(loan.get_absolute_url())
    try:
        _run(action, request.user, loan, form.cleaned_data)
    except ValidationError as exc:
        labels = {n: f.label for n, f in form.fields.items()}
        for field, texts in (exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]):
            for text in texts:
                messages.error(request, f"{labels[field]}: {text}" if field in labels else text)
    else:
        messages.success(request, str(DONE[action]))
    return redirect(loan.get_absolute_url())
