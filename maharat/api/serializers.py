"""API representations of the core records. Input is validated here; writes go through access.writes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from maharat.assessment.models import Candidate, Certificate, TestSession
from maharat.catalog.models import Standard
from maharat.common.validators import clean_mobile, clean_national_code
from maharat.org.models import Unit
from maharat.people.models import TargetGroup, Trainee, Trainer
from maharat.plans.models import Commitment
from maharat.training.models import CourseRun, Enrollment, Workshop


class UnitRef(serializers.SlugRelatedField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", queryset=Unit.objects.all(), **kwargs)


class UnitSerializer(serializers.ModelSerializer):
    parent = UnitRef(allow_null=True, required=False)
    province = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "name_en", "kind", "parent", "province", "cluster", "partner_type",
                  "address", "phone", "established_on", "is_active"]
        read_only_fields = ["id", "province"]


class StandardSerializer(serializers.ModelSerializer):
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


class TraineeSerializer(PersonMixin, serializers.ModelSerializer):
    registered_unit = UnitRef()
    referred_by = UnitRef(allow_null=True, required=False)
    target_groups = serializers.SlugRelatedField(slug_field="code", many=True, queryset=TargetGroup.objects.all(),
                                                 required=False)

    class Meta:
        model = Trainee
        fields = ["id", "national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
                  "nationality", "has_disability", "income_decile", "decile_assessed_on", "target_groups", "mobile",
                  "registered_unit", "referred_by"]


class TrainerSerializer(PersonMixin, serializers.ModelSerializer):
    home_unit = UnitRef()

    class Meta:
        model = Trainer
        fields = ["id", "national_code", "first_name", "last_name", "sex", "employment", "home_unit",
                  "qualifications", "mobile", "is_active"]


class WorkshopSerializer(serializers.ModelSerializer):
    unit = UnitRef()

    class Meta:
        model = Workshop
        fields = ["id", "code", "name", "unit", "cluster", "seats", "is_fixed", "is_active"]


class CourseRunSerializer(serializers.ModelSerializer):
    unit = UnitRef()
    standard = serializers.SlugRelatedField(slug_field="code", queryset=Standard.objects.all())
    trainer = serializers.SlugRelatedField(slug_field="national_code", queryset=Trainer.objects.all(), allow_null=True,
                                           required=False)
    workshop = serializers.SlugRelatedField(slug_field="code", queryset=Workshop.objects.all(), allow_null=True,
                                            required=False)

    class Meta:
        model = CourseRun
        fields = ["id", "code", "unit", "standard", "trainer", "workshop", "mode", "start_date", "end_date", "hours",
                  "capacity"]
        extra_kwargs = {"hours": {"required": False}}


class EnrollmentSerializer(serializers.ModelSerializer):
    course_run = serializers.SlugRelatedField(slug_field="code", queryset=CourseRun.objects.all())
    trainee = serializers.SlugRelatedField(slug_field="national_code", queryset=Trainee.objects.all())

    class Meta:
        model = Enrollment
        fields = ["id", "course_run", "trainee", "hours_attended", "status"]
        validators: list[Any] = []  # uniqueness is checked by the model (with a Persian message)


class CommitmentSerializer(serializers.ModelSerializer):
    unit = UnitRef()

    class Meta:
        model = Commitment
        fields = ["id", "year", "unit", "indicator", "section", "target", "reported"]
        validators: list[Any] = []


class TestSessionSerializer(serializers.ModelSerializer):
    standard = serializers.SlugRelatedField(slug_field="code", queryset=Standard.objects.all())
    assessor_unit = UnitRef()

    class Meta:
        model = TestSession
        fields = ["id", "code", "standard", "assessor_unit", "held_on", "capacity", "is_closed"]
        read_only_fields = ["is_closed"]


class CandidateSerializer(serializers.ModelSerializer):
    session = serializers.SlugRelatedField(slug_field="code", read_only=True)
    trainee = serializers.SlugRelatedField(slug_field="national_code", read_only=True)

    class Meta:
        model = Candidate
        fields = ["id", "session", "trainee", "theory_score", "practice_score", "result", "attempt"]
        read_only_fields = ["result", "attempt"]


class CertificateSerializer(serializers.ModelSerializer):
    trainee = serializers.SlugRelatedField(slug_field="national_code", read_only=True)
    standard = serializers.SlugRelatedField(slug_field="code", read_only=True)
    issuing_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Certificate
        fields = ["id", "serial", "trainee", "standard", "issuing_unit", "issued_on", "revision", "status",
                  "status_reason", "payload", "signature"]
        read_only_fields = fields
