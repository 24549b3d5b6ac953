from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
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


class BulkForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("دلیل برگشت"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class DelegationForm(StyledFormMixin, forms.Form):
    delegate = forms.ModelChoiceField(label=_("جانشین"), queryset=get_user_model().objects.none())
    starts = JalaliDateField(label=_("از تاریخ"))
    ends = JalaliDateField(label=_("تا تاریخ"))
    reason = forms.CharField(label=_("دلیل"), max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from maharat.access.delegation import colleagues

        field = self.fields["delegate"]
        field.queryset = colleagues(user)  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: f"{u.get_full_name() or u.get_username()} — {u.account.get_role_display()}"  # type: ignore[attr-defined]
