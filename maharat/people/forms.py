from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maharat.common.fields import CodeChoiceField
from maharat.common.forms import PlatformModelForm
from maharat.common.validators import clean_mobile, clean_national_code
from maharat.kit.lookup import code_field
from maharat.org.models import TRAINING_KINDS, Unit, UnitKind

from .models import Trainee, Trainer


def unit_code_field(label: str, kinds: tuple[str, ...]) -> CodeChoiceField:
    return code_field(
        "person-unit", Unit.objects.filter(kind__in=kinds), to_field_name="code", upper=True, label=label,
        search=("name",), not_found=_("واحد آموزشی با این کد وجود ندارد."), prefill_single=True,
        help_text=_("کد یا نام واحد را بنویسید، مثلاً IR-26-01-C01"),
    )


class PersonFormMixin:
    """National code and mobile are stored in one canonical form whatever was typed."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        # What people type is longer than what is stored (+98 912 123 4567): length is checked after cleaning.
        for name in ("national_code", "mobile"):
            field = self.fields[name]  # type: ignore[attr-defined]
            field.max_length = None
            field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
            field.widget.attrs.pop("maxlength", None)

    def clean_national_code(self) -> str:
        return clean_national_code(self.cleaned_data["national_code"])  # type: ignore[attr-defined]

    def clean_mobile(self) -> str:
        value = self.cleaned_data.get("mobile")  # type: ignore[attr-defined]
        return clean_mobile(value) if value else ""


class TraineeForm(PersonFormMixin, PlatformModelForm):
    registered_unit = unit_code_field(_("واحد ثبت‌کننده"), (*TRAINING_KINDS, UnitKind.COUNTY, UnitKind.PROVINCE))

    class Meta:
        model = Trainee
        fields = ["national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
                  "nationality", "has_disability", "income_decile", "decile_assessed_on", "target_groups",
                  "mobile", "sms_consent", "registered_unit"]
        widgets = {"target_groups": forms.CheckboxSelectMultiple, "national_code": forms.TextInput(attrs={"dir": "ltr"}),
                   "mobile": forms.TextInput(attrs={"dir": "ltr"})}


class TrainerForm(PersonFormMixin, PlatformModelForm):
    home_unit = unit_code_field(_("واحد محل خدمت"), (*TRAINING_KINDS, UnitKind.COUNTY, UnitKind.PROVINCE))

    class Meta:
        model = Trainer
        fields = ["national_code", "first_name", "last_name", "sex", "employment", "home_unit", "qualifications",
                  "standards", "mobile", "is_active"]
        widgets = {"national_code": forms.TextInput(attrs={"dir": "ltr"}), "mobile": forms.TextInput(attrs={"dir": "ltr"}),
                   "standards": forms.SelectMultiple(attrs={"size": 8})}
