from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maharat.common.fields import CodeChoiceField, NationalCodeChoiceField
from maharat.common.forms import PlatformModelForm
from maharat.org.models import TRAINING_KINDS, Unit
from maharat.people.models import Trainee, Trainer

from .models import CourseRun, Enrollment, Workshop
from .services import next_course_code


def training_unit_field(label: str = _("واحد برگزارکننده")) -> CodeChoiceField:
    return CodeChoiceField(
        Unit.objects.filter(kind__in=TRAINING_KINDS), to_field_name="code", upper=True, label=label,
        not_found=_("واحد آموزشی با این کد وجود ندارد."), help_text=_("کد واحد، مثلاً IR-26-01-C01"),
    )


class WorkshopForm(PlatformModelForm):
    unit = training_unit_field(_("واحد"))

    class Meta:
        model = Workshop
        fields = ["unit", "code", "name", "cluster", "seats", "is_fixed", "is_active"]


class CourseRunForm(PlatformModelForm):
    unit = training_unit_field()
    trainer = NationalCodeChoiceField(
        Trainer.objects.all(), to_field_name="national_code", required=False, label=_("کد ملی مربی"),
        not_found=_("مربی با این کد ملی ثبت نشده است."),
    )
    workshop = CodeChoiceField(
        Workshop.objects.all(), to_field_name="code", required=False, label=_("کد کارگاه"), upper=True,
        not_found=_("کارگاهی با این کد وجود ندارد."),
    )

    class Meta:
        model = CourseRun
        fields = ["code", "unit", "standard", "trainer", "workshop", "mode", "start_date", "end_date", "hours", "capacity"]
        help_texts = {"code": _("خالی بگذارید تا خودکار ساخته شود."), "hours": _("خالی بگذارید تا ساعت استاندارد ثبت شود.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["hours"].required = False
        self.fields["standard"].queryset = self.fields["standard"].queryset.filter(is_active=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("hours") and data.get("standard"):
            data["hours"] = data["standard"].total_hours
        if not data.get("code") and data.get("unit") and data.get("start_date"):
            data["code"] = next_course_code(data["unit"].code, data["start_date"])
        return data


class EnrollmentForm(PlatformModelForm):
    trainee = NationalCodeChoiceField(
        Trainee.objects.all(), to_field_name="national_code", label=_("کد ملی کارآموز"),
        not_found=_("کارآموزی با این کد ملی ثبت نشده است؛ ابتدا کارآموز را ثبت کنید."),
    )

    class Meta:
        model = Enrollment
        fields = ["trainee", "hours_attended", "status"]

    def __init__(self, *args: Any, course_run: CourseRun | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if course_run is not None:
            self.instance.course_run = course_run
        if self.instance.pk:
            self.fields["trainee"].disabled = True


class EnrollmentsFilterForm(forms.Form):
    q = forms.CharField(required=False)
