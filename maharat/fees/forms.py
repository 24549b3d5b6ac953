from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maharat.catalog.models import Cluster, Standard
from maharat.common.forms import JalaliDateField, StyledFormMixin

from .rules import AMOUNT_MAX


class Form(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class CapForm(Form):
    year = forms.IntegerField(label=_("سال"), min_value=1390, max_value=1450)
    cluster = forms.ChoiceField(label=_("خوشه"), choices=Cluster.choices)
    level = forms.TypedChoiceField(label=_("سطح مهارت"), coerce=int, choices=Standard.Level.choices)
    per_hour = forms.IntegerField(label=_("حداکثر شهریه هر ساعت (ریال)"), min_value=1, max_value=AMOUNT_MAX)


class TariffForm(Form):
    year = forms.IntegerField(label=_("سال"), min_value=1390, max_value=1450)
    per_hour = forms.IntegerField(label=_("تعرفه هر ساعت (ریال)"), min_value=0, max_value=AMOUNT_MAX)
    exempt_deciles = forms.IntegerField(label=_("دهک‌های معاف (از ۱ تا)"), min_value=0, max_value=10, initial=5)


class FeeForm(Form):
    per_trainee = forms.IntegerField(label=_("شهریه هر کارآموز (ریال)"), min_value=0, max_value=AMOUNT_MAX)


class ClosureForm(Form):
    closed_on = JalaliDateField(label=_("تاریخ تعطیلی"))
    reason = forms.CharField(label=_("دلیل"), widget=forms.Textarea(attrs={"rows": 2}))
    consent_documented = forms.BooleanField(label=_("رضایت کتبی کارآموزان پیوست است"), required=False)


class RefundForm(Form):
    paid_on = JalaliDateField(label=_("تاریخ پرداخت"))
    reference = forms.CharField(label=_("شماره پیگیری پرداخت"), max_length=40)
