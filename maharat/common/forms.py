"""Shared form pieces: a Jalali date field with a picker, and Bootstrap styling for every form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from . import jalali


class JalaliDateInput(forms.TextInput):
    """A text box the Jalali date picker attaches to (data-jdp); shows the stored date in Jalali."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"data-jdp": "", "placeholder": "۱۴۰۳/۰۱/۱۵", "autocomplete": "off", "dir": "ltr"}
        super().__init__({**base, **(attrs or {})})

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


class PlatformModelForm(StyledFormMixin, forms.ModelForm):
    """Base for the platform's model forms: Jalali dates and consistent styling. `user` is the person
    filling it in (the register views pass it, and narrow every record picker to that user's scope)."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def _update_errors(self, errors: ValidationError) -> None:
        # A model rule about a field the form does not show (a full course run, for an enrollment form that
        # has no course-run field) is shown at the top of the form rather than failing the page.
        if hasattr(errors, "error_dict"):
            hidden = [name for name in errors.error_dict if name not in self.fields and name != forms.models.NON_FIELD_ERRORS]
            for name in hidden:
                errors.error_dict.setdefault(forms.models.NON_FIELD_ERRORS, []).extend(errors.error_dict.pop(name))
        super()._update_errors(errors)
