from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maharat.access import policy, writes
from maharat.common.persian import normalize_digits
from maharat.common.tables import Column
from maharat.kit.registers import RegisterCreateView, RegisterDetailView, RegisterListView, RegisterUpdateView

from .figures import person_hours
from .forms import CourseRunForm, EnrollmentForm, WorkshopForm
from .models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop


class LockedNoticeMixin:
    """An edit page of a record whose month is locked (approved, closed by HQ, past its deadline) says so when
    it is opened, with the lock's own message, and shows the form disabled; saving is refused by the write path
    as before (access.writes.check_locks, inside the write's transaction)."""

    def lock_message(self) -> str | None:
        try:
            writes.check_locks(self.object)  # type: ignore[attr-defined]
        except ValidationError as exc:
            return " ".join(exc.messages)
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)  # type: ignore[misc]
        message = self.lock_message()
        if message:
            ctx["locked"] = message
            for field in ctx["form"].fields.values():
                field.disabled = True
        return ctx


class WorkshopMixin:
    model = Workshop
    url_prefix = "workshop"


class WorkshopListView(WorkshopMixin, RegisterListView):
    columns = [Column("code", link=True), Column("name", link=True), Column("unit__name", _("واحد")), Column("cluster"),
               Column("seats"), Column("is_fixed")]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("unit")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(name__icontains=query) | Q(code__icontains=query.upper()) | Q(unit__name__icontains=query))


class WorkshopDetailView(WorkshopMixin, RegisterDetailView):
    fields = ["code", "name", Column("unit__name", _("واحد")), "cluster", "seats", "is_fixed", "is_active"]


class WorkshopCreateView(WorkshopMixin, RegisterCreateView):
    form_class = WorkshopForm


class WorkshopUpdateView(WorkshopMixin, RegisterUpdateView):
    form_class = WorkshopForm


class CourseRunMixin:
    model = CourseRun
    url_prefix = "courserun"


class CourseRunListView(CourseRunMixin, RegisterListView):
    columns = [Column("code", link=True), Column("standard__title", _("استاندارد"), link=True), Column("unit__name", _("واحد")),
               Column("mode"), Column("start_date"), Column("end_date"), Column("hours"), Column("capacity")]
    filters = [("mode", _("شیوه اجرا"), list(DeliveryMode.choices))]

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("standard", "unit")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(code__icontains=query.upper()) | Q(standard__title__icontains=query) | Q(unit__name__icontains=query))


class CourseRunDetailView(CourseRunMixin, RegisterDetailView):
    template_name = "training/courserun_detail.html"
    fields = ["code", Column("unit__name", _("واحد برگزارکننده")), Column("standard__title", _("استاندارد")),
              Column("standard__code", _("کد استاندارد")), Column("trainer__full_name", _("مربی")), Column("workshop__name", _("کارگاه")), "mode",
              "start_date", "end_date", "hours", "capacity"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        enrollments = policy.scope(self.request.user, self.object.enrollments.select_related("trainee"))
        ctx["enrollments"] = enrollments
        ctx["person_hours"] = person_hours(enrollments.all())
        ctx["enroll_form"] = EnrollmentForm(course_run=self.object)
        ctx["may_enroll"] = policy.can(self.request.user, "add", Enrollment(course_run=self.object))
        return ctx


class CourseRunCreateView(CourseRunMixin, RegisterCreateView):
    form_class = CourseRunForm


class CourseRunUpdateView(CourseRunMixin, LockedNoticeMixin, RegisterUpdateView):
    form_class = CourseRunForm


class EnrollmentMixin:
    model = Enrollment
    url_prefix = "enrollment"


class EnrollmentListView(EnrollmentMixin, RegisterListView):
    columns = [Column("trainee__national_code", _("کد ملی"), link=True), Column("trainee__full_name", _("کارآموز"), link=True),
               Column("course_run__code", _("کد دوره")), Column("course_run__standard__title", _("استاندارد")),
               Column("hours_attended"), Column("status")]
    filters = [("status", _("وضعیت"), list(EnrollmentStatus.choices))]
    can_create = False  # enrollments are added from their course run's page

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().select_related("trainee", "course_run__standard")

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        digits = normalize_digits(query)
        if digits.isdigit():
            return qs.filter(trainee__national_code__startswith=digits)
        return qs.filter(Q(course_run__code__icontains=query.upper()) | Q(trainee__last_name__icontains=query))


class EnrollmentDetailView(EnrollmentMixin, RegisterDetailView):
    fields = [Column("trainee__full_name", _("کارآموز")), Column("trainee__national_code", _("کد ملی")), Column("course_run__code", _("کد دوره")),
              Column("course_run__standard__title", _("استاندارد")), Column("course_run__unit__name", _("واحد")), "hours_attended", "status",
              Column("enrolled_at", _("زمان ثبت‌نام"))]


class EnrollmentCreateView(EnrollmentMixin, RegisterCreateView):
    form_class = EnrollmentForm

    def get_run(self) -> CourseRun:
        return get_object_or_404(policy.scope(self.request.user, CourseRun.objects.all()), pk=self.kwargs["run"])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "course_run": self.get_run()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = _("ثبت‌نام در دوره {run}").format(run=self.get_run())
        return ctx

    def get_success_url(self) -> str:
        return reverse("courserun_detail", args=[self.kwargs["run"]])


class EnrollmentUpdateView(EnrollmentMixin, LockedNoticeMixin, RegisterUpdateView):
    form_class = EnrollmentForm

    def save(self, form: EnrollmentForm) -> Model:
        return form.save()
