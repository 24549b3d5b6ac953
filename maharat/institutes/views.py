"""Staff pages of licensing: registers of licences, applications and decisions, each record's page with the
steps the user may take, and the letters as PDF. Reads go through the permission layer (a record outside
the user's reach is a 404), writes through services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.catalog.models import Cluster
from maharat.common.forms import add_errors
from maharat.common.tables import Column
from maharat.kit import workflow
from maharat.kit.registers import RegisterListView, scope_choices

from . import letters, selectors, services
from .forms import (
    AppealForm,
    ApplicationForm,
    DecisionForm,
    GrantForm,
    InspectionForm,
    NoteForm,
    RefuseForm,
    RulingForm,
)
from .models import (
    Appeal,
    AppealStatus,
    Application,
    ApplicationKind,
    ApplicationStatus,
    Decision,
    DecisionKind,
    Institute,
    Licence,
    LicenceStatus,
    LicenceType,
)
from .records import KIND


def _choices(choices: Any) -> list[tuple[str, str]]:
    return cast(list[tuple[str, str]], list(choices))


class LicenceList(RegisterListView):
    model = Licence
    url_prefix = "licence"
    can_create = False  # a licence is issued by a board's grant, never typed in
    columns = [Column("number", link=True), Column("institute__unit__name", cast(str, gettext_lazy("آموزشگاه"))),
               Column("institute__unit__county__name", cast(str, gettext_lazy("شهرستان"))), Column("licence_type"),
               Column("grade"), Column("status"), Column("expires_on")]
    filters = [("status", cast(str, gettext_lazy("وضعیت")), _choices(LicenceStatus.choices)),
               ("licence_type", cast(str, gettext_lazy("نوع")), _choices(LicenceType.choices)),
               ("fields__cluster", cast(str, gettext_lazy("رشته")), _choices(Cluster.choices))]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(is_current=True).select_related(
            "institute__unit__county").distinct()

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(number__iexact=query) | Q(institute__unit__name__icontains=query)
                         | Q(institute__unit__code=query.upper()))


class ApplicationList(RegisterListView):
    model = Application
    url_prefix = "application"
    columns = [Column("tracking_code", link=True), Column("kind"), Column("proposed_name"),
               Column("unit__name", cast(str, gettext_lazy("واحد"))), Column("submitted_on"), Column("status")]
    filters = [("status", cast(str, gettext_lazy("وضعیت")), _choices(ApplicationStatus.choices)),
               ("kind", cast(str, gettext_lazy("نوع درخواست")), _choices(ApplicationKind.choices))]

    @property
    def can_create(self) -> bool:  # type: ignore[override]
        # New founders' applications are entered by the province; an institute renews from its licence's page.
        return policy.actor_of(self.request.user).role != "institute_manager"

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(tracking_code__iexact=query) | Q(proposed_name__icontains=query)
                         | Q(founder_name__icontains=query))


class DecisionList(RegisterListView):
    model = Decision
    url_prefix = "decision"
    can_create = False
    columns = [Column("number", link=True), Column("kind"), Column("unit__name", cast(str, gettext_lazy("واحد"))),
               Column("board"), Column("decided_on"), Column("appeal_until"), Column("in_force")]
    filters = [("kind", cast(str, gettext_lazy("نوع تصمیم")), _choices(DecisionKind.choices))]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("unit", "board")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(number__iexact=query) | Q(unit__name__icontains=query) | Q(reason__icontains=query))


def _visible(user: Any, model: type[Model], **lookup: Any) -> Any:
    policy.require_may(user, "view", KIND)
    return get_object_or_404(policy.scope(user, model._default_manager.all()), **lookup)


@login_required
def licence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = _visible(request.user, Licence, pk=pk)
    user = request.user
    decisions = (licence.decisions.select_related("board", "supersedes").prefetch_related("appeals")
                 .order_by("-decided_on", "-pk"))
    may_decide = workflow.acting_as(user, "decide", licence) is not None and licence.status not in selectors.ENDED
    renewal = Application(kind=ApplicationKind.RENEWAL, unit=licence.institute.unit, institute=licence.institute)
    ctx = {
        "licence": licence, "institute": licence.institute, "decisions": decisions,
        "others": selectors.licences_of(licence.institute_id), "title": licence.number,
        "applications": policy.scope(user, licence.institute.applications.order_by("-submitted_on")),
        "decision_form": DecisionForm(user=user) if may_decide else None,
        # Offered in the last six months of the term (services.RENEWAL_WINDOW) or after it, as the service accepts.
        "may_renew": (licence.is_current and licence.expires_on - timezone.localdate() <= services.RENEWAL_WINDOW
                      and licence.status not in selectors.ENDED and policy.can(user, "add", renewal)),
        "verify_url": letters.verify_url(licence.number),
    }
    return render(request, "institutes/licence_detail.html", ctx)


@login_required
@require_POST
def licence_decide(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = _visible(request.user, Licence, pk=pk)
    form = DecisionForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            decision = services.decide(request.user, licence, form.data_object())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("تصمیم «{kind}» با نامه {number} ثبت و ابلاغ شد.").format(
                kind=decision.get_kind_display(), number=decision.number))
            return redirect(decision.get_absolute_url())
    for line in form.error_summary():
        messages.error(request, line)
    return redirect(licence.get_absolute_url())


@login_required
def licence_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    licence: Licence = _visible(request.user, Licence, pk=pk)
    return _pdf(letters.licence_pdf(licence), f"licence-{licence.number}.pdf")


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# ----------------------------------------------------------------------------------------- applications
@login_required
def application_create(request: HttpRequest) -> HttpResponse:
    policy.require_may(request.user, "add", KIND)
    form = scope_choices(ApplicationForm(request.POST or None, user=request.user), request.user)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.apply_new(request.user, county=form.cleaned_data["county"], data=form.data_object())
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("درخواست با کد رهگیری {code} ثبت شد.").format(code=app.tracking_code))
            return redirect(app.get_absolute_url())
    return render(request, "common/form.html", {"form": form, "url_prefix": "application", "title": _("درخواست تأسیس آموزشگاه آزاد")})


@login_required
def application_renew(request: HttpRequest, pk: int) -> HttpResponse:
    institute: Institute = _visible(request.user, Institute, pk=pk)
    probe = Application(kind=ApplicationKind.RENEWAL, unit=institute.unit, institute=institute)
    policy.require(request.user, "add", probe)
    initial = services.renewal_defaults(institute).__dict__
    form = ApplicationForm(request.POST or None, user=request.user, renewal=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.apply_renewal(request.user, institute=institute, data=form.data_object())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("درخواست تمدید با کد رهگیری {code} ثبت شد.").format(code=app.tracking_code))
            return redirect(app.get_absolute_url())
    return render(request, "common/form.html", {"form": form, "url_prefix": "application", "title": _("درخواست تمدید پروانه {name}").format(
        name=institute.unit.name)})


@login_required
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    app: Application = _visible(request.user, Application, pk=pk)
    policy.require(request.user, "change", app)
    if app.status != ApplicationStatus.RETURNED:
        messages.error(request, _("فقط درخواستی که برای اصلاح برگشته ویرایش می‌شود."))
        return redirect(app.get_absolute_url())
    initial = {f: getattr(app, f) for f in ("proposed_name", "founder_kind", "founder_name", "founder_code",
                                            "founder_mobile", "manager_name", "manager_national_code",
                                            "licence_type", "clusters", "address", "postal_code", "capacity")}
    form = ApplicationForm(request.POST or None, user=request.user, renewal=True, initial=initial)
    form.fields["proposed_name"].disabled = app.kind == ApplicationKind.RENEWAL
    if request.method == "POST" and form.is_valid():
        data = form.data_object()
        if app.kind == ApplicationKind.RENEWAL or not data.proposed_name:
            data.proposed_name = app.proposed_name
        try:
            services.update_application(request.user, app, data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("درخواست اصلاح شد؛ برای بررسی دوباره «ارسال دوباره» را بزنید."))
            return redirect(app.get_absolute_url())
    return render(request, "common/form.html", {"form": form, "url_prefix": "application", "title": _("اصلاح درخواست {code}").format(
        code=app.tracking_code)})


STEP_FORMS: dict[str, Callable[..., Any]] = {"record_inspection": InspectionForm}


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app: Application = _visible(request.user, Application, pk=pk)
    user = request.user
    steps = [(name, label, STEP_FORMS.get(name, NoteForm)(user=user, auto_id=f"id_{name}_%s"))
             for name, label in workflow.available(app, user) if name not in ("grant", "refuse")]
    may_decide = app.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.DOCUMENTS_OK,
                                ApplicationStatus.INSPECTED) and workflow.acting_as(user, "decide", app) is not None
    from maharat.kit.sections import sections_for

    ctx = {
        "app": app, "title": app.tracking_code, "steps": steps, "history": workflow.history(app, user),
        "grant_form": GrantForm(user=user) if may_decide and app.status == ApplicationStatus.INSPECTED else None,
        "refuse_form": RefuseForm(user=user, auto_id="id_refuse_%s") if may_decide else None,
        "may_edit": app.status == ApplicationStatus.RETURNED and policy.can(user, "change", app),
        "decisions": app.decisions.select_related("board").order_by("-pk"),
        "sections": sections_for(user, app),
    }
    return render(request, "institutes/application_detail.html", ctx)


@login_required
@require_POST
def application_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    app: Application = _visible(request.user, Application, pk=pk)
    if name not in services.STEP_NOTES:
        raise Http404
    form = STEP_FORMS.get(name, NoteForm)(request.POST, user=request.user)
    if form.is_valid():
        extra = {"day": form.cleaned_data["day"], "passed": form.cleaned_data["passed"]} if name == "record_inspection" else {}
        try:
            services.step(request.user, app, name, note=form.cleaned_data.get("note", ""), **extra)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("ثبت شد: {label}").format(label=workflow.label(app, name)))
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(app.get_absolute_url())


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int, outcome: str) -> HttpResponse:
    app: Application = _visible(request.user, Application, pk=pk)
    if outcome not in ("grant", "refuse"):
        raise Http404
    form = (GrantForm if outcome == "grant" else RefuseForm)(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if outcome == "grant":
                licence = services.grant(request.user, app, reason=d["reason"], decided_on=d.get("decided_on"),
                                         grade=d["grade"])
                messages.success(request, _("پروانه {number} صادر شد.").format(number=licence.number))
                return redirect(licence.get_absolute_url())
            services.refuse(request.user, app, reason=d["reason"], decided_on=d.get("decided_on"))
            messages.success(request, _("درخواست رد شد و نامه آن صادر شد."))
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(app.get_absolute_url())


# ----------------------------------------------------------------------------------------- decisions
@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    decision: Decision = _visible(request.user, Decision, pk=pk)
    user = request.user
    versions = _versions(decision)
    open_appeal = decision.appeals.filter(status=AppealStatus.LODGED).first()
    probe = Appeal(decision=decision)
    may_appeal = (decision.in_force and decision.kind in services.APPEALABLE and open_appeal is None
                  and policy.can(user, "appeal", probe))
    may_rule = open_appeal is not None and workflow.acting_as(user, "rule", open_appeal) is not None
    from maharat.kit.sections import sections_for

    ctx = {"decision": decision, "title": decision.number, "versions": versions,
           "appeals": Appeal.objects.filter(decision__in=versions).select_related("outcome").order_by("-pk"),
           "appeal_form": AppealForm(user=user) if may_appeal else None,
           "ruling_form": RulingForm(user=user) if may_rule else None, "open_appeal": open_appeal,
           "sections": sections_for(user, decision)}
    return render(request, "institutes/decision_detail.html", ctx)


def _versions(decision: Decision) -> list[Decision]:
    """Every version of the decision, first to last (the chain through `supersedes`)."""
    first = decision
    while first.supersedes_id is not None:
        first = Decision.objects.get(pk=first.supersedes_id)
    chain = [first]
    while True:
        later = Decision.objects.filter(supersedes=chain[-1]).first()
        if later is None:
            return chain
        chain.append(later)


@login_required
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    decision: Decision = _visible(request.user, Decision, pk=pk)
    return _pdf(letters.decision_pdf(decision), f"decision-{decision.number}.pdf")


@login_required
@require_POST
def decision_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    decision: Decision = _visible(request.user, Decision, pk=pk)
    form = AppealForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.lodge_appeal(request.user, decision, form.cleaned_data["grounds"])
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("اعتراض ثبت شد و به هیأت نظارت مرکزی رسید."))
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(decision.get_absolute_url())


@login_required
@require_POST
def appeal_rule(request: HttpRequest, pk: int) -> HttpResponse:
    appeal: Appeal = _visible(request.user, Appeal, pk=pk)
    form = RulingForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        try:
            done = services.rule_on_appeal(request.user, appeal, d["outcome"], d["ruling"], changes=form.changes())
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("رأی تجدیدنظر ثبت شد: {status}").format(status=done.get_status_display()))
            return redirect((done.outcome or done.decision).get_absolute_url())
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(appeal.decision.get_absolute_url())
