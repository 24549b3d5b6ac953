from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.catalog.models import Standard
from maharat.common.fields import CodeChoiceField, CodeOrIdChoiceField, NationalCodeChoiceField
from maharat.common.forms import JalaliDateField, PlatformModelForm
from maharat.kit.lookup import code_field
from maharat.org.models import TRAINING_KINDS, Unit
from maharat.people.models import Trainer
from maharat.people.selectors import trainee_at_desk

from .models import CourseRun, Enrollment, Workshop
from .services import next_course_code

UNIT_SEARCH = ("name",)


def training_unit_field(label: str = _("واحد برگزارکننده")) -> CodeChoiceField:
    return code_field(
        "training-unit", Unit.objects.filter(kind__in=TRAINING_KINDS), to_field_name="code", upper=True, label=label,
        search=UNIT_SEARCH, not_found=_("واحد آموزشی با این کد وجود ندارد."), prefill_single=True,
        help_text=_("کد یا نام واحد را بنویسید، مثلاً IR-26-01-C01"),
    )


def standard_field() -> CodeChoiceField:
    return code_field(
        "standard", Standard.objects.filter(is_active=True), to_field_name="code", search=("title",),
        label=_("استاندارد"), not_found=_("استاندارد فعالی با این کد وجود ندارد."),
        help_text=_("کد یا عنوان استاندارد را بنویسید."), field_class=CodeOrIdChoiceField,
    )


class WorkshopForm(PlatformModelForm):
    unit = training_unit_field(_("واحد"))

    class Meta:
        model = Workshop
        fields = ["unit", "code", "name", "cluster", "seats", "is_fixed", "is_active"]


class CourseRunForm(PlatformModelForm):
    unit = training_unit_field()
    standard = standard_field()
    trainer = code_field(
        "trainer", Trainer.objects.all(), to_field_name="national_code", required=False,
        field_class=NationalCodeChoiceField,
        label=_("کد ملی مربی"), search=("first_name", "last_name"), not_found=_("مربی با این کد ملی ثبت نشده است."),
        help_text=_("کد ملی یا نام مربی را بنویسید."),
    )
    workshop = code_field(
        "workshop", Workshop.objects.all(), to_field_name="code", required=False,
        label=_("کد کارگاه"), upper=True, search=("name",), not_found=_("کارگاهی با این کد وجود ندارد."),
    )

    class Meta:
        model = CourseRun
        fields = ["code", "unit", "standard", "trainer", "workshop", "mode", "start_date", "end_date", "hours", "capacity"]
        help_texts = {"code": _("خالی بگذارید تا خودکار ساخته شود."), "hours": _("خالی بگذارید تا ساعت استاندارد ثبت شود.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["hours"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Only an empty box takes the standard's hours: 0 is refused by the model's bounds, not replaced.
        if data.get("hours") is None and "hours" not in self.errors and data.get("standard"):
            data["hours"] = data["standard"].total_hours
        if not data.get("code") and data.get("unit") and data.get("start_date"):
            data["code"] = next_course_code(data["unit"].code, data["start_date"])
        return data


class EnrollmentForm(PlatformModelForm):
    """Enrol a trainee by national code. Someone registered outside the desk's scope is found only with their
    birth date as well (people.selectors.trainee_at_desk), and gets the same answer as an unknown code
    otherwise."""

    trainee = forms.CharField(label=_("کد ملی کارآموز"), max_length=20,
                              widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}))
    birth_date = JalaliDateField(label=_("تاریخ تولد کارآموز"), required=False,
                                 help_text=_("فقط برای کارآموزی که در واحد دیگری ثبت شده است، برای تأیید هویت."))

    class Meta:
        model = Enrollment
        fields = ["trainee", "hours_attended", "status"]

    def __init__(self, *args: Any, course_run: CourseRun | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if course_run is not None:
            self.instance.course_run = course_run
        if self.instance.pk:  # the trainee of a stored enrollment does not change
            del self.fields["trainee"], self.fields["birth_date"]
        else:
            self.fields = {"trainee": self.fields["trainee"], "birth_date": self.fields["birth_date"],
                           **{k: v for k, v in self.fields.items() if k not in ("trainee", "birth_date")}}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "trainee" in self.fields and data.get("trainee"):
            try:
                found = trainee_at_desk(self.user, data["trainee"], data.get("birth_date"))
            except ValidationError as exc:
                self.add_error("trainee", exc)
                data.pop("trainee", None)
            else:
                data["trainee"] = found.trainee
                self.instance.trainee = found.trainee
                self.instance.identity_confirmed = found.identity_confirmed
        return data


class EnrollmentsFilterForm(forms.Form):
    q = forms.CharField(required=False)
