"""API representations of the core records. Input is validated here; writes go through access.writes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from maharat.access import policy
from maharat.assessment.models import Candidate, Certificate, TestSession
from maharat.catalog.models import Standard
from maharat.common import jalali
from maharat.common.validators import clean_mobile, clean_national_code
from maharat.org.models import Unit
from maharat.people.models import TargetGroup, Trainee, Trainer
from maharat.people.selectors import UNKNOWN_TRAINEE, trainee_at_desk
from maharat.plans.models import Commitment
from maharat.training.models import CourseRun, Enrollment, Workshop


class CodeRef(serializers.SlugRelatedField):
    """A record named by its code. A code with a NUL character names nothing (and PostgreSQL refuses it).
    Codes resolve only inside the requesting user's scope: one from elsewhere is answered like an unknown
    one, and never attaches someone else's record (a trainer, a workshop, a unit) to the user's own."""

    default_error_messages = {
        "does_not_exist": _("رکوردی با کد «{value}» پیدا نشد."),
        "invalid": _("کد نامعتبر است."),
    }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        request = self.context.get("request")
        if request is not None and policy.governed(qs.model):
            qs = policy.scope(request.user, qs)
        return qs


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


@extend_schema_field(OpenApiTypes.STR)
class TraineeAtDesk(serializers.Field):
    """The trainee by national code; resolved with the optional birth date in EnrollmentSerializer.validate."""

    def to_representation(self, value: Any) -> str:
        return value.national_code

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str) or "\x00" in data or len(data) > 20:
            raise serializers.ValidationError(UNKNOWN_TRAINEE)
        return data


class EnrollmentSerializer(PlatformSerializer):
    course_run = CodeRef(slug_field="code", queryset=CourseRun.objects.all())
    trainee = TraineeAtDesk(help_text="کد ملی کارآموز")
    birth_date = PlatformDateField(write_only=True, required=False,
                                   help_text="تاریخ تولد کارآموز؛ فقط برای کارآموزی که در واحد دیگری ثبت شده است")

    class Meta:
        model = Enrollment
        fields = ["id", "course_run", "trainee", "birth_date", "hours_attended", "status"]
        validators: list[Any] = []  # uniqueness is checked by the model (with a Persian message)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Someone registered outside the user's scope only with their birth date, and the same answer as an
        unknown code otherwise (people.selectors.trainee_at_desk, as on the page and in imports)."""
        born = attrs.pop("birth_date", None)
        self.identity_confirmed = False
        if "trainee" in attrs:
            try:
                found = trainee_at_desk(self.context["request"].user, attrs["trainee"], born)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"trainee": exc.messages}) from None
            attrs["trainee"], self.identity_confirmed = found.trainee, found.identity_confirmed
        return attrs


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
        read_only_fields = ["code", "is_closed"]


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
