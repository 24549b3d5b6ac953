"""Contracts: the list, the form that drafts or edits one, its page (tranches, learners, runs, invoices,
evidence, the actions the user may take), its transitions and its course runs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.common.forms import add_errors
from maharat.common.tables import Column
from maharat.kit import workflow
from maharat.kit.registers import RegisterDetailView, RegisterListView, scope_choices
from maharat.org.models import Unit, UnitKind
from maharat.training.models import EnrollmentStatus

from .. import invoicing, selectors, services
from ..forms import ContractForm, EvidenceForm, RunForm, shares_help
from ..models import TRANCHES, Contract, ContractRun, ContractStatus, EmploymentEvidence, Tranche
from ..rules import CONTRACT_KIND, EVIDENCE_KIND, masked

LEARNERS_PAGE = 50


class ContractList(RegisterListView):
    model = Contract
    url_prefix = "purchase_contract"
    template_name = "purchasing/contract_list.html"
    columns = [Column("number", link=True), Column("institute"), Column("province"), Column("status"),
               Column("trainees"), Column("price"), Column("start_date"), Column("end_date")]

    @property
    def filters(self) -> list[tuple[str, str, list[tuple[str, str]]]]:  # type: ignore[override]
        provinces = policy.scope(self.request.user, Unit.objects.filter(kind=UnitKind.PROVINCE)).order_by("code")
        return [("status", cast(str, gettext_lazy("وضعیت")), cast(list[tuple[str, str]], ContractStatus.choices)),
                ("province", cast(str, gettext_lazy("استان")), [(p.code, str(p)) for p in provinces])]

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        get = self.request.GET.get
        if get("status") in ContractStatus.values:
            qs = qs.filter(status=get("status"))
        province = (get("province") or "")[:32]
        if province:
            qs = qs.filter(province__code=province.upper())
        return qs.select_related(*selectors.RELATED)

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        query = query[:100]
        return qs.filter(Q(number__icontains=query) | Q(institute__name__icontains=query)
                         | Q(institute__code=query.upper()) | Q(title__icontains=query))

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:  # type: ignore[attr-defined]
            return ["purchasing/partials/contract_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("قراردادهای خرید خدمات آموزشی")
        return ctx


def _form_page(request: HttpRequest, form: ContractForm, contract: Contract | None) -> HttpResponse:
    title = _("ویرایش قرارداد {number}").format(number=contract.number) if contract else _("قرارداد خرید خدمات جدید")
    return render(request, "purchasing/contract_form.html", {
        "form": form, "title": title, "contract": contract, "shares_help": shares_help()})


@login_required
def contract_create(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "add", CONTRACT_KIND)
    form = scope_choices(ContractForm(request.POST or None, user=request.user), request.user)
    if request.method == "POST" and form.is_valid():
        province = form.province_of()
        if province is None:
            form.add_error(None, _("حساب شما به اداره کل استانی وابسته نیست؛ استان طرف قرارداد را بنویسید."))
        else:
            try:
                contract = services.create_contract(request.user, province=province,
                                                    institute=form.cleaned_data["institute"], **form.terms())
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("پیش‌نویس قرارداد {number} ثبت شد.").format(number=contract.number))
                return redirect(contract.get_absolute_url())
    return _form_page(request, form, None)


@login_required
def contract_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "change", CONTRACT_KIND)
    contract = get_object_or_404(selectors.visible(request.user), pk=pk)
    policy.require(request.user, "change", contract)
    if contract.status != ContractStatus.DRAFT:
        messages.error(request, _("قرارداد امضاشده ویرایش نمی‌شود؛ شرایط آن همان است که امضا شد."))
        return redirect(contract.get_absolute_url())
    form = ContractForm(request.POST or None, user=request.user, contract=contract)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_contract(request.user, contract, **form.terms())
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("قرارداد {number} ذخیره شد.").format(number=contract.number))
            return redirect(contract.get_absolute_url())
    return _form_page(request, form, contract)


class ContractDetail(RegisterDetailView):
    model = Contract
    url_prefix = "purchase_contract"
    template_name = "purchasing/contract_detail.html"

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related(*selectors.RELATED, "created_by", "signed_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        contract: Contract = self.object
        user = self.request.user
        found = selectors.learners_of(contract)
        figures = selectors.contract_figures(contract)
        pending = {t: invoicing.pending_total(contract, t, found) for t in TRANCHES}
        page = Paginator(found, LEARNERS_PAGE).get_page(self.request.GET.get("page"))
        may_issue = invoicing.open_for_invoicing(contract) and workflow.acting_as(user, "issue", contract) is not None
        may_change = contract.status in services.RUNS_OPEN and policy.can(user, "change", contract)
        ctx.update({
            "contract": contract, "figures": figures, "totals": totals_of(figures), "tranches": selectors.tranche_rows(figures, contract.shares()),
            "pending": pending, "page_obj": page, "learner_rows": learner_rows(page, policy.may(user, "view", "trainee")),
            "tranche_keys": TRANCHES,
            "runs": contract.runs.select_related("course_run__standard").order_by("course_run__start_date", "pk"),
            "invoices": selectors.invoices_of(user, contract),
            "evidence": policy.scope(user, EmploymentEvidence.objects.filter(
                enrollment__course_run__purchase_link__contract=contract).select_related("enrollment__trainee",
                                                                                         "enrollment__course_run")),
            "actions": workflow.available(contract, user), "steps": workflow.history(contract, user),
            "may_issue": may_issue, "may_change_runs": may_change,
            "may_edit": contract.status == ContractStatus.DRAFT and policy.can(user, "change", contract),
            "may_add_evidence": policy.may(user, "add", EVIDENCE_KIND) and contract.status != ContractStatus.DRAFT,
            "run_form": RunForm(), "tranche_labels": dict(Tranche.choices), "preview": contract.status == ContractStatus.DRAFT,
            "can_edit": False,
        })
        return ctx


CATEGORY_LABELS = {"rural": gettext_lazy("روستایی"), "nomad": gettext_lazy("عشایری"), "woman": gettext_lazy("زن"),
                   "disabled": gettext_lazy("دارای معلولیت")}


def learner_rows(page: Any, show_codes: bool) -> list[tuple[Any, str, str, str]]:
    """(learner, national code as the viewer may see it, status label, premium categories) for a page."""
    statuses = dict(EnrollmentStatus.choices)
    return [(x, masked_or_full(x.national_code, show_codes), str(statuses.get(x.status, x.status)),
             "، ".join(str(CATEGORY_LABELS[c]) for c in x.categories)) for x in page]


def totals_of(figures: selectors.Figures) -> dict[str, int]:
    return {name: figures.total(name) for name in ("earned", "invoiced", "clawed_back", "paid", "to_invoice")}


def masked_or_full(code: str, show: bool) -> str:
    return code if show else masked(code)


ACTIONS: dict[str, Callable[[Any, Contract, str], Contract]] = {
    "sign": services.sign, "close": services.close, "cancel": services.cancel}
DONE = {"sign": gettext_lazy("قرارداد امضا شد."), "close": gettext_lazy("قرارداد بسته شد."),
        "cancel": gettext_lazy("قرارداد لغو شد.")}


@login_required
@require_POST
def contract_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    policy.require_may(request.user, "view", CONTRACT_KIND)
    if action not in ACTIONS:
        raise Http404
    # Outside the user's reach the contract does not exist for them; inside it, an action they may not take is 403.
    contract = get_object_or_404(selectors.visible(request.user), pk=pk)
    try:
        ACTIONS[action](request.user, contract, request.POST.get("reason", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, str(DONE[action]))
    return redirect(contract.get_absolute_url())


@login_required
@require_POST
def run_add(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "change", CONTRACT_KIND)
    contract = get_object_or_404(selectors.visible(request.user), pk=pk)
    policy.require(request.user, "change", contract)
    form = scope_choices(RunForm(request.POST), request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(contract.get_absolute_url())
    try:
        link = services.add_run(request.user, contract, form.cleaned_data["course_run"])
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("دوره {code} به قرارداد افزوده شد.").format(code=link.course_run.code))
    return redirect(contract.get_absolute_url())


@login_required
@require_POST
def run_remove(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    policy.require_may(request.user, "change", CONTRACT_KIND)
    contract = get_object_or_404(selectors.visible(request.user), pk=pk)
    found = get_object_or_404(ContractRun.objects.select_related("course_run"), pk=link, contract=contract)
    try:
        services.remove_run(request.user, found)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("دوره {code} از قرارداد برداشته شد.").format(code=found.course_run.code))
    return redirect(contract.get_absolute_url())


@login_required
def evidence_create(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_may(request.user, "add", EVIDENCE_KIND)
    contract = get_object_or_404(selectors.visible(request.user), pk=pk)
    form = EvidenceForm(request.POST or None, request.FILES or None, contract=contract)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence = services.add_evidence(request.user, enrollment=data["enrollment"], employer=data["employer"],
                                             from_date=data["from_date"], to_date=data.get("to_date"),
                                             notes=data.get("notes", ""), document=data["document"])
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("سابقه اشتغال ثبت شد."))
            return redirect(evidence.get_absolute_url())
    return render(request, "purchasing/evidence_form.html", {
        "form": form, "contract": contract, "title": _("ثبت سابقه اشتغال — قرارداد {number}").format(
            number=contract.number)})
