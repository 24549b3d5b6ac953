"""Licensing's forms. They gather and parse what is typed (Jalali dates, Persian digits); the rules are the
services' (services.clean_application, _check_terms), whose messages are shown under the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maharat.catalog.models import Cluster
from maharat.common.forms import JalaliDateField, StyledFormMixin
from maharat.kit.lookup import code_field
from maharat.org.models import Unit, UnitKind

from .models import AppealStatus, DecisionKind, FounderKind, Grade, LicenceType
from .services import DECIDABLE, MAX_CAPACITY, ApplicationData, DecisionData


class Form(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user



class ApplicationForm(Form):
    county = code_field("licensing-county", Unit.objects.filter(kind=UnitKind.COUNTY), to_field_name="code", upper=True,
                        search=("name",), label=_("شهرستان محل آموزشگاه"),
                        not_found=_("شهرستانی با این کد در حوزه شما نیست."),
                        help_text=_("کد یا نام شهرستان را بنویسید."))
    proposed_name = forms.CharField(label=_("نام پیشنهادی آموزشگاه"), max_length=200)
    founder_kind = forms.ChoiceField(label=_("نوع مؤسس"), choices=FounderKind.choices, initial=FounderKind.NATURAL)
    founder_name = forms.CharField(label=_("نام مؤسس"), max_length=200)
    founder_code = forms.CharField(label=_("کد ملی / شناسه ملی مؤسس"), max_length=20,
                                   help_text=_("کد ملی ۱۰ رقمی برای شخص حقیقی، شناسه ملی ۱۱ رقمی برای شخص حقوقی."))
    founder_mobile = forms.CharField(label=_("تلفن همراه مؤسس"), max_length=20, required=False)
    manager_name = forms.CharField(label=_("نام مدیر آموزشگاه"), max_length=200)
    manager_national_code = forms.CharField(label=_("کد ملی مدیر"), max_length=20)
    licence_type = forms.ChoiceField(label=_("نوع آموزشگاه"), choices=[("", "—"), *LicenceType.choices])
    clusters = forms.MultipleChoiceField(label=_("رشته‌ها (خوشه‌ها)"), choices=Cluster.choices,
                                         widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label=_("نشانی"), max_length=300)
    postal_code = forms.CharField(label=_("کد پستی"), max_length=20, required=False)
    capacity = forms.IntegerField(label=_("ظرفیت آموزشی هم‌زمان (نفر)"), min_value=1, max_value=MAX_CAPACITY)

    def __init__(self, *args: Any, renewal: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if renewal:
            del self.fields["county"]
            self.fields["proposed_name"].disabled = True
            self.fields["proposed_name"].required = False

    def data_object(self) -> ApplicationData:
        d = self.cleaned_data
        return ApplicationData(**{name: d.get(name) for name in ApplicationData.__dataclass_fields__})


class NoteForm(Form):
    note = forms.CharField(label=_("توضیح"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionForm(Form):
    day = JalaliDateField(label=_("تاریخ بازدید"))
    passed = forms.TypedChoiceField(label=_("نتیجه"), coerce=lambda v: v == "yes", choices=[
        ("yes", _("فضا و تجهیزات مورد تأیید است")), ("no", _("فضا یا تجهیزات کافی نیست"))])
    note = forms.CharField(label=_("گزارش بازدید"), widget=forms.Textarea(attrs={"rows": 3}))


class GrantForm(Form):
    decided_on = JalaliDateField(label=_("تاریخ جلسه هیأت"), required=False, help_text=_("خالی: امروز."))
    grade = forms.TypedChoiceField(label=_("درجه"), coerce=int, choices=Grade.choices, initial=Grade.TWO)
    reason = forms.CharField(label=_("دلیل و مستند"), widget=forms.Textarea(attrs={"rows": 3}))


class RefuseForm(Form):
    decided_on = JalaliDateField(label=_("تاریخ جلسه هیأت"), required=False, help_text=_("خالی: امروز."))
    reason = forms.CharField(label=_("دلیل رد"), widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(Form):
    kind = forms.ChoiceField(label=_("نوع تصمیم"), choices=[(k.value, k.label) for k in DecisionKind
                                                          if k in DECIDABLE])
    reason = forms.CharField(label=_("دلیل و مستند"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("تخلف، ماده آیین‌نامه و سوابق؛ در نامه ابلاغ می‌آید."))
    decided_on = JalaliDateField(label=_("تاریخ جلسه هیأت"), required=False, help_text=_("خالی: امروز."))
    effective_from = JalaliDateField(label=_("تاریخ اجرا"), required=False, help_text=_("خالی: تاریخ تصمیم."))
    effective_until = JalaliDateField(label=_("پایان اثر"), required=False,
                                      help_text=_("برای تعلیق و منع ثبت‌نام لازم است."))
    conditions = forms.CharField(label=_("شرایط"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_expiry = JalaliDateField(label=_("تاریخ انقضای جدید"), required=False,
                                 help_text=_("فقط برای کاهش مدت اعتبار."))
    source_label = forms.CharField(label=_("مبدأ (مثلاً بازدید نظارتی)"), required=False, max_length=200)

    def data_object(self) -> DecisionData:
        d = self.cleaned_data
        return DecisionData(**{name: d.get(name) for name in DecisionData.__dataclass_fields__})


class AppealForm(Form):
    grounds = forms.CharField(label=_("دلایل اعتراض"), widget=forms.Textarea(attrs={"rows": 4}))


class RulingForm(Form):
    outcome = forms.ChoiceField(label=_("نتیجه رسیدگی"), choices=[
        (s.value, s.label) for s in AppealStatus if s != AppealStatus.LODGED])
    ruling = forms.CharField(label=_("رأی تجدیدنظر"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("نوع تصمیم اصلاح‌شده"), required=False,
                             choices=[("", "—"), *[(k.value, k.label) for k in DecisionKind if k in DECIDABLE]])
    effective_until = JalaliDateField(label=_("پایان اثر اصلاح‌شده"), required=False)
    new_expiry = JalaliDateField(label=_("تاریخ انقضای اصلاح‌شده"), required=False)
    conditions = forms.CharField(label=_("شرایط اصلاح‌شده"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def changes(self) -> DecisionData:
        d = self.cleaned_data
        return DecisionData(kind=d.get("kind") or None, reason=d.get("ruling"), effective_until=d.get("effective_until"),
                            new_expiry=d.get("new_expiry"), conditions=d.get("conditions") or "")
