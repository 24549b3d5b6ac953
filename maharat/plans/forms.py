from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maharat.common.forms import StyledFormMixin
from maharat.common.persian import localize_digits

from .indicators import INDICATORS
from .models import EXEC_INDICATORS, Section


def committable_choices() -> list[tuple[str, str]]:
    return [(k, str(i.label)) for k, i in INDICATORS.items() if i.committable]


class CommitmentForm(StyledFormMixin, forms.Form):
    indicator = forms.ChoiceField(label=_("شاخص"))
    section = forms.ChoiceField(label=_("بخش"), choices=Section.choices)
    target = forms.DecimalField(label=_("تعهد"), min_value=Decimal(0), max_digits=16, decimal_places=2)
    reported = forms.DecimalField(label=_("عملکرد گزارش‌شده (فقط اجرایی و پژوهشی)"), required=False, min_value=Decimal(0),
                                  max_digits=16, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = committable_choices() + [(k, str(v)) for k, v in EXEC_INDICATORS.items()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        indicator, section = data.get("indicator"), data.get("section")
        if indicator and section:
            if (section == Section.EXEC_RESEARCH) != (indicator in EXEC_INDICATORS):
                self.add_error("indicator", _("این شاخص با این بخش سازگار نیست: شاخص‌های اجرایی و پژوهشی فقط در همان بخش می‌آیند."))
        return data


class AllocationForm(StyledFormMixin, forms.Form):
    """One number per child unit; the fields are added for the children being allocated to."""

    def __init__(self, *args: Any, children: list[Any], initial_values: dict[int, Decimal | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for child in children:
            value = initial_values.get(child.pk)
            self.fields[f"u{child.pk}"] = forms.DecimalField(
                label=localize_digits(str(child)), required=False, min_value=Decimal(0), max_digits=16, decimal_places=2,
                # 716957, not "716957.00", in the page's digits (the server reads Persian digits back).
                initial=localize_digits(value.to_integral() if value == value.to_integral() else value)
                if value is not None else None,
                widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "decimal", "class": "form-control",
                                              "data-share": "1"}),
            )


