from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from maharat.common.forms import StyledFormMixin
from maharat.common.persian import localize_digits
from maharat.common.validators import clean_mobile


class ChannelForm(StyledFormMixin, forms.Form):
    """The user's own channels. The inbox is always on; e-mail goes to the account's address."""

    email = forms.BooleanField(label=_("دریافت با ایمیل"), required=False)
    sms = forms.BooleanField(label=_("دریافت با پیامک"), required=False)
    mobile = forms.CharField(
        label=_("شماره همراه"), required=False, max_length=20,
        error_messages={"max_length": _("شماره همراه بیش از حد طولانی است.")},
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("یازده رقم با ۰۹ در آغاز؛ رقم فارسی هم پذیرفته است."))

    def __init__(self, *args: Any, address: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mobile"].widget.attrs["placeholder"] = localize_digits("09121234567")
        if address:  # an address is shown as written, left to right, like every identifier
            self.fields["email"].help_text = format_html(str(_("به نشانی {address}")),
                                                         address=format_html('<bdi dir="ltr">{}</bdi>', address))
        else:  # nothing to send to: the choice is shown, off, and cannot be made here
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("حساب شما نشانی ایمیل ندارد؛ برای ثبت آن با مدیر سامانه تماس بگیرید.")

    def clean_mobile(self) -> str:
        value = self.cleaned_data.get("mobile", "").strip()
        return clean_mobile(value) if value else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("sms") and not data.get("mobile") and "mobile" not in self.errors:
            self.add_error("mobile", ValidationError(_("برای دریافت پیامک، شماره همراه را وارد کنید."),
                                                     code="required"))
        return data
