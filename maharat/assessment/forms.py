from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maharat.common.fields import CodeChoiceField, NationalCodeChoiceField
from maharat.common.forms import PlatformModelForm, StyledFormMixin
from maharat.org.models import Unit, UnitKind
from maharat.people.models import Trainee
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
    trainee = NationalCodeChoiceField(Trainee.objects.all(), to_field_name="national_code", label=_("کد ملی داوطلب"),
                                      not_found=_("کارآموزی با این کد ملی ثبت نشده است؛ ابتدا او را ثبت کنید."))


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("وضعیت تازه"), choices=CertificateStatus.choices)
    reason = forms.CharField(label=_("دلیل"), widget=forms.Textarea(attrs={"rows": 2}))


def score_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=100,
                              widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "class": "form-control form-control-sm score"}))
