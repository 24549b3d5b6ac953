"""The REST API (/api/v1/): the same permission layer and write path as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from maharat.access import policy, writes
from maharat.assessment import services as assessment_services
from maharat.assessment.models import Candidate, Certificate, TestSession
from maharat.common import jalali
from maharat.common.params import BadParameter, parse_year
from maharat.kit.api import (
    SEARCH_PARAM,
    UNIT_PARAM,
    YEAR_FIELD,
    YEAR_PARAM,
    PolicyPermission,
    RecordViewSet,
    listed_with,
)
from maharat.monitoring.selectors import period_text, scorecard
from maharat.org import services as org_services
from maharat.org.models import Unit
from maharat.people.models import Trainee, Trainer
from maharat.people.selectors import person_search
from maharat.plans import services as plan_services
from maharat.plans.indicators import INDICATORS
from maharat.plans.models import SCORECARD_SECTIONS, Commitment
from maharat.training.models import CourseRun, Enrollment, Workshop

from . import serializers as s


@listed_with(UNIT_PARAM, SEARCH_PARAM)
class UnitViewSet(RecordViewSet):
    serializer_class, record = s.UnitSerializer, "unit"

    def base_queryset(self) -> QuerySet:
        return Unit.objects.select_related("parent", "province")

    def search(self, qs: QuerySet, q: str) -> QuerySet:
        return qs.filter(Q(name__icontains=q) | Q(code__icontains=q.upper()))

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        data = {"parent": None, **serializer.validated_data}  # no parent: a Persian "choose the parent" (400)
        instance = Unit(**data)
        serializer.instance = writes.save_record(user=self.request.user, instance=instance,
                                                 persist=lambda: org_services.unit_create(**data))

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("code", "kind")}
        instance = self._validated_instance(serializer, serializer.instance)
        writes.save_record(user=self.request.user, instance=instance,
                           persist=lambda: org_services.unit_update(unit=serializer.instance, **data))


@listed_with(SEARCH_PARAM)
class StandardViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.StandardSerializer, "standard", None

    def search(self, qs: QuerySet, q: str) -> QuerySet:
        return qs.filter(Q(title__icontains=q) | Q(code__icontains=q))


@listed_with(UNIT_PARAM, SEARCH_PARAM)
class TraineeViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.TraineeSerializer, "trainee", "registered_unit__"

    def base_queryset(self) -> QuerySet:
        return Trainee.objects.select_related("registered_unit", "referred_by").prefetch_related("target_groups")

    def search(self, qs: QuerySet, q: str) -> QuerySet:
        return person_search(qs, q)


@listed_with(UNIT_PARAM, SEARCH_PARAM)
class TrainerViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.TrainerSerializer, "trainer", "home_unit__"

    def base_queryset(self) -> QuerySet:
        return Trainer.objects.select_related("home_unit")

    def search(self, qs: QuerySet, q: str) -> QuerySet:
        return person_search(qs, q)


@listed_with(UNIT_PARAM)
class WorkshopViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.WorkshopSerializer, "workshop", "unit__"

    def base_queryset(self) -> QuerySet:
        return Workshop.objects.select_related("unit")


@listed_with(UNIT_PARAM, YEAR_PARAM)
class CourseRunViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.CourseRunSerializer, "courserun", "unit__"

    def base_queryset(self) -> QuerySet:
        return CourseRun.objects.select_related("unit", "standard", "trainer", "workshop")

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        year = parse_year(self.request.query_params.get("year"))
        if year is not None:
            qs = qs.filter(end_date__range=jalali.year_bounds(year))
        return qs

    def _validated_instance(self, serializer: serializers.ModelSerializer, base: Model | None) -> Model:
        data = serializer.validated_data
        if data.get("hours") is None and data.get("standard"):  # 0 is refused by the model's bounds, not replaced
            data["hours"] = data["standard"].total_hours
        return super()._validated_instance(serializer, base)


@listed_with(UNIT_PARAM, OpenApiParameter("course_run", str))
class EnrollmentViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.EnrollmentSerializer, "enrollment", "course_run__unit__"

    def base_queryset(self) -> QuerySet:
        return Enrollment.objects.select_related("course_run", "trainee")

    def _validated_instance(self, serializer: serializers.ModelSerializer, base: Model | None) -> Model:
        instance = super()._validated_instance(serializer, base)
        instance.identity_confirmed = getattr(serializer, "identity_confirmed", False)  # type: ignore[attr-defined]
        return instance

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        if self.request.query_params.get("course_run"):
            qs = qs.filter(course_run__code=self.request.query_params["course_run"].upper())
        return qs


@listed_with(YEAR_PARAM)
class CommitmentViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.CommitmentSerializer, "commitment", "unit__"

    def base_queryset(self) -> QuerySet:
        return Commitment.objects.select_related("unit")

    def get_queryset(self) -> QuerySet:
        qs = super().get_queryset()
        year = parse_year(self.request.query_params.get("year"))
        return qs.filter(year=year) if year is not None else qs

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        d = serializer.validated_data
        serializer.instance = plan_services.set_commitment(user=self.request.user, unit=d["unit"], year=d["year"],
                                                           indicator=d["indicator"], section=d["section"],
                                                           target=d["target"], reported=d.get("reported"))

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        c, d = serializer.instance, serializer.validated_data
        serializer.instance = plan_services.set_commitment(
            user=self.request.user, unit=d.get("unit", c.unit), year=d.get("year", c.year),
            indicator=d.get("indicator", c.indicator), section=d.get("section", c.section),
            target=d.get("target", c.target), reported=d.get("reported", c.reported))

    def perform_destroy(self, instance: Model) -> None:
        plan_services.set_commitment(user=self.request.user, unit=instance.unit, year=instance.year,
                                     indicator=instance.indicator, section=instance.section, target=None)


@listed_with(UNIT_PARAM)
class TestSessionViewSet(RecordViewSet):
    serializer_class, record, unit_prefix = s.TestSessionSerializer, "assessment", "assessor_unit__"

    def base_queryset(self) -> QuerySet:
        return TestSession.objects.select_related("standard", "assessor_unit")

    def _validated_instance(self, serializer: serializers.ModelSerializer, base: Model | None) -> Model:
        # A test session's code is made from its unit and year (assessment.services.next_session_code), never sent.
        data = serializer.validated_data
        if base is None and data.get("assessor_unit") and data.get("held_on"):
            data["code"] = assessment_services.next_session_code(data["assessor_unit"].code, data["held_on"])
        return super()._validated_instance(serializer, base)


@listed_with(OpenApiParameter("session", str))
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Test results: read, and record theory and practice scores (the pass rule decides the result)."""

    serializer_class = s.CandidateSerializer
    permission_classes = [PolicyPermission]
    record = "assessment"

    def get_queryset(self) -> QuerySet:
        qs = policy.scope(self.request.user, Candidate.objects.select_related("session", "trainee"))
        if self.request.query_params.get("session"):
            qs = qs.filter(session__code=self.request.query_params["session"].upper())
        return qs.order_by("pk")

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        d = serializer.validated_data
        c = serializer.instance
        serializer.instance = assessment_services.record_result(
            user=self.request.user, candidate=c, theory=d.get("theory_score", c.theory_score),
            practice=d.get("practice_score", c.practice_score))


class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CertificateSerializer
    permission_classes = [PolicyPermission]
    record = "assessment"

    def get_queryset(self) -> QuerySet:
        return policy.scope(self.request.user, Certificate.objects.select_related("trainee", "standard", "issuing_unit")).order_by("pk")


class ScorecardView(APIView):
    """The scorecard of a unit's children for a year: commitment, achieved, %, expected by today, projection."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[
        OpenApiParameter("year", YEAR_FIELD, required=True), OpenApiParameter("unit", str, description="e.g. IR or IR-26"),
        OpenApiParameter("indicator", str, enum=list(INDICATORS)), OpenApiParameter("section", str, enum=list(SCORECARD_SECTIONS)),
    ], responses={200: dict})
    def get(self, request: Request) -> Response:
        policy.require_may(request.user, "view", "monitoring")
        params = request.query_params
        year = parse_year(params.get("year"))
        if year is None:
            raise BadParameter("year", _("سال را بنویسید، مثلاً ۱۴۰۳."))
        indicator, section = params.get("indicator", "person_hours"), params.get("section", "total")
        if indicator not in INDICATORS:
            raise ValidationError({"indicator": [_("شاخص ناشناخته است.")]})
        if section not in SCORECARD_SECTIONS:
            raise ValidationError({"section": [_("بخش باید total، public یا private باشد.")]})
        own = policy.actor_of(request.user).unit
        code = params.get("unit") or (own.code if own else "")
        unit = policy.scope(request.user, Unit.objects.filter(code=code.upper())).first() if code else None
        if unit is None:
            raise Http404
        card = scorecard(unit, year, indicator, section)

        def row(r: Any) -> dict[str, Any]:
            return {"unit": r.unit.code, "name": r.unit.name, "commitment": r.commitment, "achieved": r.achieved,
                    "percent": r.percent, "expected": r.expected, "pace": r.pace, "projection": r.projection,
                    "light": r.light, "rank": r.rank}

        return Response({"unit": unit.code, "year": card.year, "indicator": indicator, "section": section,
                         "year_fraction": card.progress.fraction, "until_month": card.progress.until_month,
                         "period": period_text(card.progress, unit, section), "rows": [row(r) for r in card.rows],
                         "total": row(card.total) if card.total else None})


