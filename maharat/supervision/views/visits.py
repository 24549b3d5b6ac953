"""Visit pages: the list, planning a visit (a follow-up visit from the first one's page), the visit's page with
its answers, findings and their follow-up items, recording the results, adding a finding, closing and
cancelling. Reads through the permission layer (outside one's reach a visit is a 404), writes through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
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
from maharat.kit.registers import RegisterListView, scope_choices
from maharat.kit.sections import sections_for

from .. import risk, selectors
from ..forms import FindingForm, ResultsForm, VisitForm
from ..models import Area, Result, Visit, VisitKind, VisitStatus
from ..rules import SANCTION_KIND, VISIT_KIND
from ..services import visits as services

YES = [("yes", cast(str, gettext_lazy("دارد")))]


class VisitList(RegisterListView):
    model = Visit
    url_prefix = "visit"
    columns = [Column("number", link=True), Column("institute__name", cast(str, gettext_lazy("آموزشگاه"))),
               Column("kind"), Column("planned_on"), Column("status"), Column("visited_on"), Column("score")]
    filters = [("status", cast(str, gettext_lazy("وضعیت")), cast(list[tuple[str, str]], VisitStatus.choices)),
               ("kind", cast(str, gettext_lazy("نوع")), cast(list[tuple[str, str]], VisitKind.choices)),
               ("reused", cast(str, gettext_lazy("عکس تکراری")), YES)]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("institute")

    def apply_filters(self, qs: QuerySet) -> QuerySet:
        get = self.request.GET.get
        if get("status") in VisitStatus.values:
            qs = qs.filter(status=get("status"))
        if get("kind") in VisitKind.values:
            qs = qs.filter(kind=get("kind"))
        if get("reused") == "yes" and selectors.is_inspector_side(self.request.user):
            qs = selectors.with_reused_photos(qs)
        return qs

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(number__iexact=query.upper()) | Q(institute__name__icontains=query)
                         | Q(institute__code=query.upper()))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        if not selectors.is_inspector_side(self.request.user):  # an institute has no reused-photo flags to filter
            ctx["filter_controls"] = [c for c in ctx["filter_controls"] if c[0] != "reused"]
        return ctx


def _visit(user: Any, pk: int) -> Visit:
    policy.require_may(user, "view", VISIT_KIND)
    return get_object_or_404(selectors.visits(user), pk=pk)


@login_required
def visit_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    policy.require_may(user, "add", VISIT_KIND)
    first = None
    asked = request.GET.get("follow_up_of") or request.POST.get("follow_up_of")
    if asked:
        first = get_object_or_404(selectors.visits(user), pk=int(asked) if str(asked).isdigit() else 0)
    province = policy.actor_of(user).unit
    initial = {"kind": VisitKind.SCHEDULED, "institute": request.GET.get("institute", "")[:32]}
    if first is not None:
        initial.update({"institute": first.institute.code, "purpose": _(
            "بازدید پیگیری اقدام‌های اصلاحی بازدید {number}").format(number=first.number)})
    form = scope_choices(VisitForm(request.POST or None, user=user, province=province, initial=initial), user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            visit = services.plan_visit(user, institute=d["institute"], kind=d["kind"], planned_on=d["planned_on"],
                                        inspectors=list(d["inspectors"]), purpose=d.get("purpose") or "",
                                        follow_up_of=first)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("بازدید {number} برنامه‌ریزی شد.").format(number=visit.number))
            return redirect(visit.get_absolute_url())
    return render(request, "supervision/visit_form.html", {
        "form": form, "first": first, "title": _("بازدید پیگیری") if first else _("برنامه‌ریزی بازدید نظارتی")})


def _answers_by_area(visit: Visit) -> list[tuple[str, list[Any]]]:
    names = dict(Area.choices)
    grouped: dict[str, list[Any]] = {}
    for answer in visit.answers.select_related("item").order_by("item__order", "item__pk"):
        grouped.setdefault(answer.item.area, []).append(answer)
    return [(str(names[a]), grouped[a]) for a in Area.values if a in grouped]


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = _visit(user, pk)
    inspector = selectors.is_inspector_side(user)
    actions = [(n, label) for n, label in workflow.available(visit, user) if n != "complete"]
    may_record = visit.status == VisitStatus.PLANNED and workflow.acting_as(user, "change", visit) is not None
    may_add = visit.status == VisitStatus.DONE and workflow.acting_as(user, "change", visit) is not None
    findings = selectors.findings_of(visit)
    proposals = []
    if policy.may(user, "view", SANCTION_KIND):
        proposals = list(selectors.proposals(user).filter(findings__visit=visit).distinct())
    first = selectors.visits(user).filter(pk=visit.follow_up_of_id).first() if visit.follow_up_of_id else None
    ctx: dict[str, Any] = {
        "visit": visit, "title": visit.number, "inspector": inspector, "answers": _answers_by_area(visit),
        "findings": findings, "actions": actions, "may_record": may_record,
        "finding_form": FindingForm(user=user, initial={"working_days": risk.settings_now().corrective_working_days})
        if may_add else None,
        "follow_ups": selectors.visits(user).filter(follow_up_of=visit).order_by("planned_on"),
        "first": first, "first_findings": selectors.findings_of(first) if first is not None else [], "reused": selectors.reused(user, visit) if inspector else [],
        "inspectors": list(visit.inspectors.all()) if inspector else [], "proposals": proposals,
        "steps": workflow.history(visit, user), "sections": sections_for(user, visit),
        "may_follow_up": visit.held and policy.may(user, "add", VISIT_KIND),
    }
    return render(request, "supervision/visit_detail.html", ctx)


@login_required
def visit_results(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = _visit(user, pk)
    if not policy.may(user, "change", VISIT_KIND):
        raise PermissionDenied(_("شما اجازه ثبت نتیجه بازدید را ندارید."))
    if visit.status != VisitStatus.PLANNED:
        messages.error(request, _("نتیجه این بازدید پیش‌تر ثبت شده یا بازدید لغو شده است."))
        return redirect(visit.get_absolute_url())
    if workflow.acting_as(user, "change", visit) is None:
        raise PermissionDenied(_("شما اجازه ثبت نتیجه این بازدید را ندارید."))
    form = ResultsForm(request.POST or None, user=user, checklist=visit.checklist,
                       default_days=risk.settings_now().corrective_working_days)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.complete_visit(user, visit, form.results())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("نتیجه بازدید ثبت شد: امتیاز {score}، {n} یافته.").format(
                score=done.score, n=done.findings.count()))
            return redirect(done.get_absolute_url())
    return render(request, "supervision/visit_results.html", {
        "visit": visit, "form": form, "title": _("ثبت نتیجه بازدید {number}").format(number=visit.number),
        "results": Result.choices})


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    visit = _visit(user, pk)
    form = FindingForm(request.POST, user=user)
    if form.is_valid():
        try:
            finding = services.add_finding(user, visit, form.data_object())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("یافته {seq} ثبت شد و پیگیری آن به آموزشگاه سپرده شد.").format(seq=finding.seq))
            return redirect(visit.get_absolute_url())
    for line in form.error_summary():
        messages.error(request, line)
    return redirect(visit.get_absolute_url())


ACTIONS: dict[str, Callable[[Any, Visit, str], Visit]] = {"close": services.close_visit,
                                                          "cancel": services.cancel_visit}
DONE = {"close": gettext_lazy("پرونده بازدید بسته شد."), "cancel": gettext_lazy("بازدید لغو شد.")}


@login_required
@require_POST
def visit_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    visit = _visit(request.user, pk)
    try:
        ACTIONS[action](request.user, visit, request.POST.get("note", ""))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, str(DONE[action]))
    return redirect(visit.get_absolute_url())
