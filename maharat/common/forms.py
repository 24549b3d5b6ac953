"""Shared form pieces: a Jalali date field with a picker, and Bootstrap styling for every form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import jalali
from .fields import NumericInput
from .persian import localize_digits


class JalaliDateInput(forms.TextInput):
    """A text box the Jalali date picker attaches to (data-jdp); shows the stored date in Jalali."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"data-jdp": "", "placeholder": "۱۴۰۳/۰۱/۱۵", "autocomplete": "off", "dir": "ltr"}
        super().__init__({**base, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        placeholder = context["widget"]["attrs"].get("placeholder")
        if placeholder:  # the example date in the page's digits
            context["widget"]["attrs"]["placeholder"] = localize_digits(placeholder)
        return context

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return jalali.format_date(value, persian_digits=False)
        return super().format_value(value)


class JalaliDateField(forms.DateField):
    widget = JalaliDateInput

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return jalali.parse(str(value))
        except jalali.JalaliDateError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class StyledFormMixin:
    """Bootstrap classes on every widget, and errors that name the field they belong to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in list(self.fields.items()):  # type: ignore[attr-defined]
            if type(field) is forms.DateField:
                # Every date a user types is Jalali; Gregorian stays inside the database.
                self.fields[name] = field = JalaliDateField(  # type: ignore[attr-defined]
                    required=field.required, label=field.label, help_text=field.help_text, initial=field.initial,
                    disabled=field.disabled,
                )
            if isinstance(field, forms.IntegerField):
                persian_numbers(field)
            if isinstance(field, forms.ModelChoiceField):
                localized_labels(field)
            elif isinstance(field, forms.ChoiceField):
                localized_choices(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            else:
                css = "form-control"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def error_summary(self) -> list[str]:
        """'Field label: message' lines, so a message at the top of the page still says which field."""
        lines = []
        for name, errors in self.errors.items():  # type: ignore[attr-defined]
            label = self.fields[name].label if name in self.fields else None  # type: ignore[attr-defined]
            for error in errors:
                lines.append(f"{label}: {error}" if label else str(error))
        return lines


def localized_labels(field: forms.ModelChoiceField) -> None:
    """A record picker's options (a drop-down, the suggestions of a code box) in the page's digits: «کارگاه
    صنعت ۲» on a Persian page; codes inside a label stay as stored (persian.localize_digits)."""
    label = field.label_from_instance
    field.label_from_instance = lambda obj: localize_digits(label(obj))  # type: ignore[method-assign]


def localized_choices(field: forms.ChoiceField) -> None:
    """Numbered choices (income deciles 1 to 10) in the page's digits; translated labels are left as they are."""
    choices: Any = field.choices
    field.choices = [(value, localize_digits(label) if isinstance(label, str) else label) for value, label in choices]


def persian_numbers(field: forms.IntegerField) -> None:
    """A whole-number field that takes Persian, Arabic or Latin digits (a text box with a numeric keyboard:
    a browser drops Persian digits typed into type="number"), with Persian messages for its bounds."""
    if isinstance(field.widget, forms.NumberInput):
        kept = {k: v for k, v in field.widget.attrs.items() if k not in ("min", "max", "step")}
        field.widget = NumericInput(kept)
    messages: dict[str, Any] = {"invalid": _("یک عدد درست وارد کنید (با رقم فارسی یا لاتین).")}
    if field.min_value is not None:
        messages["min_value"] = _("نمی‌تواند کمتر از {n} باشد.").format(n=localize_digits(field.min_value))
    if field.max_value is not None:
        messages["max_value"] = _("نمی‌تواند بیشتر از {n} باشد.").format(n=localize_digits(field.max_value))
    field.error_messages = {**field.error_messages, **messages}


class PlatformModelForm(StyledFormMixin, forms.ModelForm):
    """Base for the platform's model forms: Jalali dates and consistent styling. `user` is the person
    filling it in (the register views pass it, and narrow every record picker to that user's scope)."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def get_initial_for_field(self, field: forms.Field, field_name: str) -> Any:
        # Asked when the form is shown, after the register views have narrowed the pickers to the user's scope:
        # where a new record needs a unit and the user has exactly one to choose, it is filled in.
        value = super().get_initial_for_field(field, field_name)
        if (value in (None, "") and getattr(field, "prefill_single", False) and self.instance.pk is None
                and isinstance(field, forms.ModelChoiceField)):
            queryset: Any = field.queryset
            only = list(queryset[:2])
            if len(only) == 1:
                return only[0]
        return value

    def _update_errors(self, errors: ValidationError) -> None:
        # A model rule about a field the form does not show (a full course run, for an enrollment form that
        # has no course-run field) is shown at the top of the form rather than failing the page.
        if hasattr(errors, "error_dict"):
            hidden = [name for name in errors.error_dict if name not in self.fields and name != forms.models.NON_FIELD_ERRORS]
            for name in hidden:
                errors.error_dict.setdefault(forms.models.NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError under the fields it names (those the form has), the rest at the top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, messages in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
