"""Assessment pages: test sessions, results, certificates, and the public verification page and API."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from maharat.access import policy
from maharat.common.pagecache import render_for_visitor
from maharat.common.persian import normalize_digits
from maharat.common.tables import Column
from maharat.kit.registers import (
    RegisterCreateView,
    RegisterDetailView,
    RegisterListView,
    RegisterUpdateView,
    scope_choices,
)
from maharat.training.models import CourseRun

from . import pdf, services, signing, verification
from .forms import FromCourseRunForm, ResultsForm, RplForm, StatusForm, TestSessionForm
from .models import Candidate, Certificate, CertificateStatus, TestSession


class SessionMixin:
    model = TestSession
    url_prefix = "testsession"


class SessionListView(SessionMixin, RegisterListView):
    columns = [Column("code", link=True), Column("standard__title", gettext_lazy("استاندارد"), link=True),
               Column("assessor_unit__name", gettext_lazy("برگزارکننده")), Column("held_on"), Column("is_closed")]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("standard", "assessor_unit")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(code__icontains=query.upper()) | Q(standard__title__icontains=query))


class SessionDetailView(SessionMixin, RegisterDetailView):
    template_name = "assessment/session_detail.html"
    fields = ["code", Column("standard__title", gettext_lazy("استاندارد")), Column("assessor_unit__name", gettext_lazy("برگزارکننده")),
              "held_on", "capacity", "is_closed"]

    results_form: ResultsForm | None = None  # the table as typed, when it was refused

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["candidates"] = _candidates(self.object)
        ctx["results"] = self.results_form or ResultsForm(ctx["candidates"])
        ctx["may_act"] = policy.can(self.request.user, "change", self.object)
        ctx["from_run_form"] = scope_choices(FromCourseRunForm(), self.request.user)  # suggests only runs in scope
        ctx["rpl_form"] = RplForm()
        ctx["certificates"] = {c.candidate_id: c for c in Certificate.objects.filter(candidate__session=self.object)}
        return ctx


class SessionCreateView(SessionMixin, RegisterCreateView):
    form_class = TestSessionForm


class SessionUpdateView(SessionMixin, RegisterUpdateView):
    form_class = TestSessionForm


def _session(request: HttpRequest, pk: int) -> TestSession:
    return get_object_or_404(policy.scope(request.user, TestSession.objects.all()), pk=pk)


def _run(fn, request: HttpRequest, ok: str) -> None:  # type: ignore[no-untyped-def]
    try:
        fn()
    except (ValidationError, PermissionDenied) as exc:
        for text in getattr(exc, "messages", [str(exc)]):
            messages.error(request, text)
    else:
        messages.success(request, ok)


@login_required
@require_POST
def session_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    session = _session(request, pk)
    user = request.user
    if action == "from_run":
        form = FromCourseRunForm(request.POST)
        if form.is_valid():
            run = get_object_or_404(policy.scope(user, CourseRun.objects.all()), pk=form.cleaned_data["course_run"].pk)
            _run(lambda: services.register_from_course_run(user=user, session=session, run=run), request, _("داوطلبان دوره ثبت شدند."))
        else:
            for line in form.error_summary():
                messages.error(request, line)
    elif action == "rpl":
        form = RplForm(request.POST, user=user)
        if form.is_valid():
            found = form.cleaned_data["found"]
            _run(lambda: services.register_candidate(user=user, session=session, trainee=found.trainee,
                                                     identity_confirmed=found.identity_confirmed),
                 request, _("داوطلب ثبت شد."))
        else:
            for line in form.error_summary():
                messages.error(request, line)
    elif action == "results":
        return _save_results(request, session)
    elif action == "issue":
        _run(lambda: services.issue_for_session(user=user, session=session), request, _("گواهینامه قبول‌شدگان صادر شد."))
    elif action == "close":
        _run(lambda: services.close_session(user=user, session=session), request, _("نتایج این آزمون نهایی شد."))
    return redirect(session.get_absolute_url())


def _candidates(session: TestSession) -> list[Candidate]:
    return list(session.candidates.select_related("trainee", "enrollment__course_run").order_by("trainee__last_name", "pk"))


def _save_results(request: HttpRequest, session: TestSession) -> HttpResponse:
    """Every row is checked and every error shown at once, by row and candidate, with the typed values kept;
    nothing is saved unless every row is valid."""
    form = ResultsForm(_candidates(session), request.POST)
    if form.is_valid():
        rows = [(r.candidate, r.scores["theory"], r.scores["practice"], r.absent) for r in form.rows if r.touched]
        try:
            refused = services.record_results(user=request.user, rows=rows)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect(session.get_absolute_url())
        for row in form.rows:
            if row.candidate.pk in refused:
                form.add_error(row, refused[row.candidate.pk])
    if not form.errors:
        messages.success(request, _("نتایج ثبت شد."))
        return redirect(session.get_absolute_url())
    view = SessionDetailView(results_form=form)
    view.setup(request, pk=session.pk)
    view.object = session
    return view.render_to_response(view.get_context_data(object=session))


@login_required
def session_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    certs = list(policy.scope(request.user, Certificate.objects.filter(candidate__session=session))
                 .select_related("trainee", "standard", "issuing_unit"))
    return _pdf_response(certs, f"certificates-{session.code}")


@login_required
def course_run_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One PDF with a page per certificate earned in a course run."""
    run = get_object_or_404(policy.scope(request.user, CourseRun.objects.all()), pk=pk)
    certs = list(policy.scope(request.user, Certificate.objects.filter(candidate__enrollment__course_run=run))
                 .select_related("trainee", "standard", "issuing_unit").order_by("trainee__last_name"))
    return _pdf_response(certs, f"certificates-{run.code}")


def _pdf_response(certs: list[Certificate], name: str) -> HttpResponse:
    if not certs:
        return HttpResponse(_("گواهینامه‌ای برای چاپ نیست."), status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf.render(certs), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


class CertificateMixin:
    model = Certificate
    url_prefix = "certificate"


class CertificateListView(CertificateMixin, RegisterListView):
    columns = [Column("serial", gettext_lazy("شماره"), link=True), Column("trainee__full_name", gettext_lazy("دارنده"), link=True),
               Column("standard__title", gettext_lazy("استاندارد")), Column("issuing_unit__name", gettext_lazy("صادرکننده")),
               Column("issued_on"), Column("status")]
    filters = [("status", gettext_lazy("وضعیت"), list(CertificateStatus.choices))]
    can_create = False

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("trainee", "standard", "issuing_unit")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        serial = signing.normalize_serial(query)
        if serial:
            return qs.filter(serial=serial)
        digits = normalize_digits(query).strip()
        if digits.isdigit():
            return qs.filter(trainee__national_code__startswith=digits.zfill(10) if len(digits) >= 8 else digits)
        return qs.filter(Q(trainee__last_name__icontains=query) | Q(standard__title__icontains=query))


class CertificateDetailView(CertificateMixin, RegisterDetailView):
    template_name = "assessment/certificate_detail.html"
    fields = ["serial", Column("trainee__full_name", gettext_lazy("دارنده")), Column("standard__title", gettext_lazy("استاندارد")),
              Column("issuing_unit__name", gettext_lazy("صادرکننده")), Column("training_unit__name", gettext_lazy("واحد آموزش‌دهنده")),
              "issued_on", "revision", "status", "status_reason", "status_changed_at"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_edit"] = False  # certificates change only through issue / revoke
        ctx["may_revoke"] = policy.may(self.request.user, "revoke", "assessment")
        ctx["status_form"] = StatusForm()
        ctx["verify_url"] = verification.verify_url(self.object.serial)
        return ctx


@login_required
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_object_or_404(policy.scope(request.user, Certificate.objects.all()), pk=pk)
    return _pdf_response([cert], cert.serial)


@login_required
@require_POST
def certificate_status(request: HttpRequest, pk: int) -> HttpResponse:
    cert = get_object_or_404(policy.scope(request.user, Certificate.objects.all()), pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        _run(lambda: services.change_status(user=request.user, certificate=cert, status=form.cleaned_data["status"],
                                            reason=form.cleaned_data["reason"]), request, _("وضعیت گواهینامه تغییر کرد."))
    else:
        for line in form.error_summary():
            messages.error(request, line)
    return redirect(cert.get_absolute_url())


# ------------------------------------------------------------------------------------------ public side
def _limited(request: HttpRequest) -> HttpResponse | None:
    if verification.rate_limited(request):
        return HttpResponse(_("درخواست‌های شما بیش از حد مجاز است؛ یک دقیقه دیگر دوباره تلاش کنید."), status=429,
                            content_type="text/plain; charset=utf-8")
    return None


@require_GET
def verify_page(request: HttpRequest, serial: str = "") -> HttpResponse:
    """Anyone may verify a certificate: type the serial or scan the QR code."""
    if limited := _limited(request):
        return limited
    query = serial or request.GET.get("serial", "")
    verdict = verification.by_serial(query) if query else None
    context = {"verdict": verdict, "query": query, "title": _("استعلام گواهینامه مهارت")}
    if verdict is None or verdict.status == "unknown":  # typos and guesses are not worth keeping
        return render(request, "assessment/verify.html", context)
    # The verdict is part of the key: a revocation shows on the very next request.
    return render_for_visitor(request, "assessment/verify.html", context, key_parts=[verdict.as_dict()])


@require_GET
def verify_api(request: HttpRequest, serial: str) -> JsonResponse:
    if verification.rate_limited(request):
        return JsonResponse({"error": {"code": "rate_limited", "message": _("درخواست‌های شما بیش از حد مجاز است.")}}, status=429)
    return JsonResponse(verification.by_serial(serial).as_dict(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # a public API without cookies: nothing here acts on a session
@require_POST
def verify_payload_api(request: HttpRequest) -> JsonResponse:
    if verification.rate_limited(request):
        return JsonResponse({"error": {"code": "rate_limited", "message": _("درخواست‌های شما بیش از حد مجاز است.")}}, status=429)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": {"code": "invalid_json", "message": _("بدنه درخواست JSON معتبر نیست.")}}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"error": {"code": "invalid_json", "message": _("بدنه درخواست باید یک شیء JSON باشد.")}}, status=400)
    return JsonResponse(verification.check_payload(body.get("payload"), body.get("signature")),
                        json_dumps_params={"ensure_ascii": False})


def public_key(request: HttpRequest) -> HttpResponse:
    return HttpResponse(signing.public_key_pem(), content_type="application/x-pem-file")


