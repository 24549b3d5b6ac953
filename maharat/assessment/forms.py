from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.common.fields import CodeChoiceField
from maharat.common.forms import JalaliDateField, PlatformModelForm, StyledFormMixin
from maharat.org.models import Unit, UnitKind
from maharat.people.selectors import trainee_at_desk
from maharat.training.models import CourseRun

from .models import CertificateStatus, TestSession

ASSESSOR_KINDS = (UnitKind.ASSESSMENT_CENTER, UnitKind.FIXED_CENTER, UnitKind.URBAN_BRANCH, UnitKind.FREE_INSTITUTE,
                  UnitKind.WORKPLACE_CENTER)


class TestSessionForm(PlatformModelForm):
    assessor_unit = CodeChoiceField(Unit.objects.filter(kind__in=ASSESSOR_KINDS), to_field_name="code", upper=True,
                                    label=_("کد واحد برگزارکننده آزمون"), not_found=_("مرکز سنجش یا واحد آموزشی با این کد وجود ندارد."))

    class Meta:
        model = TestSession
        fields = ["code", "standard", "assessor_unit", "held_on", "capacity"]


class FromCourseRunForm(StyledFormMixin, forms.Form):
    course_run = CodeChoiceField(CourseRun.objects.all(), to_field_name="code", upper=True, label=_("کد دوره"),
                                 not_found=_("دوره‌ای با این کد وجود ندارد."))


class RplForm(StyledFormMixin, forms.Form):
    """A candidate for recognition of prior learning, by national code; someone registered outside the
    desk's scope is found only with their birth date too (people.selectors.trainee_at_desk)."""

    trainee = forms.CharField(label=_("کد ملی داوطلب"), max_length=20,
                              widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}))
    birth_date = JalaliDateField(label=_("تاریخ تولد داوطلب"), required=False,
                                 help_text=_("فقط برای کسی که در واحد دیگری ثبت شده است، برای تأیید هویت."))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("trainee"):
            try:
                data["found"] = trainee_at_desk(self.user, data["trainee"], data.get("birth_date"))
            except ValidationError as exc:
                self.add_error("trainee", exc)
        return data


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("وضعیت تازه"), choices=CertificateStatus.choices)
    reason = forms.CharField(label=_("دلیل"), widget=forms.Textarea(attrs={"rows": 2}))


def score_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=100,
                              widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "class": "form-control form-control-sm score"}))
