"""API representations of the core records. Input is validated here; writes go through access.writes."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from maharat.assessment.models import Candidate, Certificate, TestSession
from maharat.catalog.models import Standard
from maharat.common import jalali
from maharat.common.validators import clean_mobile, clean_national_code
from maharat.org.models import Unit
from maharat.people.models import TargetGroup, Trainee, Trainer
from maharat.plans.models import Commitment
from maharat.training.models import CourseRun, Enrollment, Workshop


class CodeRef(serializers.SlugRelatedField):
    """A record named by its code. A code with a NUL character names nothing (and PostgreSQL refuses it)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class UnitRef(CodeRef):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Unit.objects.all(), **kwargs)


class PlatformDateField(serializers.DateField):
    """An ISO date within the Jalali years the platform works in (1300 to 1500): 0206-10-02 is refused."""

    def to_internal_value(self, value: Any) -> Any:
        day = super().to_internal_value(value)
        if not jalali.supported_date(day):
            raise serializers.ValidationError(_("تاریخ باید در سال‌های ۱۳۰۰ تا ۱۵۰۰ شمسی باشد."))
        return day


class PlatformSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DateField: PlatformDateField}


class UnitSerializer(PlatformSerializer):
    parent = UnitRef(allow_null=True, required=False)
    province = CodeRef(slug_field="code", read_only=True, allow_null=True)  # none for HQ and the provinces

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_en", "kind", "parent", "province", "cluster", "partner_type",
                  "address", "phone", "established_on", "is_active"]
        read_only_fields = ["id", "province"]


class StandardSerializer(PlatformSerializer):
    total_hours = serializers.IntegerField(read_only=True)

    class Meta:
        model = Standard
        fields = ["id", "code", "title", "title_en", "cluster", "isco_code", "theory_hours", "practice_hours",
                  "total_hours", "level", "is_active"]


class PersonMixin(serializers.Serializer):
    # What people send is longer than what is stored (+98 912 ..., Persian digits): cleaned below.
    national_code = serializers.CharField(max_length=20)
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)

    def validate_national_code(self, value: str) -> str:
        return clean_national_code(value)

    def validate_mobile(self, value: str) -> str:
        return clean_mobile(value) if value else ""


class TraineeSerializer(PersonMixin, PlatformSerializer):
    registered_unit = UnitRef()
    referred_by = UnitRef(allow_null=True, required=False)
    target_groups = CodeRef(slug_field="code", many=True, queryset=TargetGroup.objects.all(),
                                                 required=False)

    class Meta:
        model = Trainee
        fields = ["id", "national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
                  "nationality", "has_disability", "income_decile", "decile_assessed_on", "target_groups", "mobile",
                  "registered_unit", "referred_by"]


class TrainerSerializer(PersonMixin, PlatformSerializer):
    home_unit = UnitRef()

    class Meta:
        model = Trainer
        fields = ["id", "national_code", "first_name", "last_name", "sex", "employment", "home_unit",
                  "qualifications", "mobile", "is_active"]


class WorkshopSerializer(PlatformSerializer):
    unit = UnitRef()

    class Meta:
        model = Workshop
        fields = ["id", "code", "name", "unit", "cluster", "seats", "is_fixed", "is_active"]


class CourseRunSerializer(PlatformSerializer):
    unit = UnitRef()
    standard = CodeRef(slug_field="code", queryset=Standard.objects.all())
    trainer = CodeRef(slug_field="national_code", queryset=Trainer.objects.all(), allow_null=True,
                                           required=False)
    workshop = CodeRef(slug_field="code", queryset=Workshop.objects.all(), allow_null=True,
                                            required=False)

    class Meta:
        model = CourseRun
        fields = ["id", "code", "unit", "standard", "trainer", "workshop", "mode", "start_date", "end_date", "hours",
                  "capacity"]
        extra_kwargs = {"hours": {"required": False}}


class EnrollmentSerializer(PlatformSerializer):
    course_run = CodeRef(slug_field="code", queryset=CourseRun.objects.all())
    trainee = CodeRef(slug_field="national_code", queryset=Trainee.objects.all())

    class Meta:
        model = Enrollment
        fields = ["id", "course_run", "trainee", "hours_attended", "status"]
        validators: list[Any] = []  # uniqueness is checked by the model (with a Persian message)


class CommitmentSerializer(PlatformSerializer):
    unit = UnitRef()

    class Meta:
        model = Commitment
        fields = ["id", "year", "unit", "indicator", "section", "target", "reported"]
        validators: list[Any] = []


class TestSessionSerializer(PlatformSerializer):
    standard = CodeRef(slug_field="code", queryset=Standard.objects.all())
    assessor_unit = UnitRef()

    class Meta:
        model = TestSession
        fields = ["id", "code", "standard", "assessor_unit", "held_on", "capacity", "is_closed"]
        read_only_fields = ["is_closed"]


class CandidateSerializer(PlatformSerializer):
    session = CodeRef(slug_field="code", read_only=True)
    trainee = CodeRef(slug_field="national_code", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "session", "trainee", "theory_score", "practice_score", "result", "attempt"]
        read_only_fields = ["result", "attempt"]


class CertificateSerializer(PlatformSerializer):
    trainee = CodeRef(slug_field="national_code", read_only=True)
    standard = CodeRef(slug_field="code", read_only=True)
    issuing_unit = CodeRef(slug_field="code", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "serial", "trainee", "standard", "issuing_unit", "issued_on", "revision", "status",
                  "status_reason", "payload", "signature"]
        read_only_fields = fields
