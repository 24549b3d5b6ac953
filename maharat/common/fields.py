"""Form fields that pick a record by its code: the registers are far too long for a drop-down."""

from __future__ import annotations

from typing import Any

from django import forms

from .persian import normalize_digits
from .validators import clean_national_code


class CodeChoiceField(forms.ModelChoiceField):
    """A text box holding a record's code (unit code, national code, ...) with a Persian error if unknown."""

    def __init__(self, queryset: Any, *, to_field_name: str, not_found: str, upper: bool = False, **kwargs: Any) -> None:
        self.upper = upper
        kwargs.setdefault("widget", forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}))
        super().__init__(queryset, to_field_name=to_field_name, **kwargs)
        self.error_messages = {**self.error_messages, "invalid_choice": not_found}

    def prepare_value(self, value: Any) -> Any:
        if hasattr(value, "_meta"):
            return getattr(value, self.to_field_name)
        if isinstance(value, int) and self.to_field_name != "pk":
            obj = self.queryset.filter(pk=value).first()
            return getattr(obj, self.to_field_name) if obj else value
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            # A disabled field is cleaned from its initial value, which Django gives as the primary key.
            found = self.queryset.filter(pk=value).first()
            if found is not None:
                return found
        if isinstance(value, str):
            value = normalize_digits(value).strip()
            if self.upper:
                value = value.upper()
        return super().to_python(value)


class NationalCodeChoiceField(CodeChoiceField):
    """Picks a person by national code, restoring leading zeros a spreadsheet dropped."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not isinstance(value, int):
            try:
                value = clean_national_code(value)
            except forms.ValidationError:
                pass  # fall through to "not found" with the value as typed
        return super().to_python(value)
