from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maharat.common.forms import JalaliDateField, StyledFormMixin


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("دلیل برگشت"), widget=forms.Textarea(attrs={"rows": 2}))


class ExceptionForm(StyledFormMixin, forms.Form):
    until = JalaliDateField(label=_("مهلت تا پایان روز"))
    reason = forms.CharField(label=_("دلیل"), widget=forms.Textarea(attrs={"rows": 2}))

    def until_moment(self) -> dt.datetime:
        day = self.cleaned_data["until"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class CloseForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("سال"), min_value=1390, max_value=1500)
    month = forms.IntegerField(label=_("ماه"), min_value=1, max_value=12)
