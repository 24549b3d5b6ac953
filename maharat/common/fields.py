"""Form fields that pick a record by its code: the registers are far too long for a drop-down. A code box
may offer suggestions (LookupInput): a <datalist> of the first records the user may pick, which
static/js/maharat.js refreshes from the kind's lookup URL as the user types (kit/lookup.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from .persian import localize_digits, normalize_digits
from .validators import clean_national_code

# Digits of any of the three scripts people type (Latin, Persian, Arabic-Indic): the `pattern` of a number box.
DIGITS_PATTERN = "[0-9\u06F0-\u06F9\u0660-\u0669]*"


class NumericInput(forms.TextInput):
    """A number box that keeps Persian digits. Browsers drop what they do not read as a number from an
    <input type="number"> before the form is sent, and they do not read ۱۲ as one; a text box with a numeric
    keyboard sends what was typed, and the digits are made Latin here."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {"inputmode": "numeric", "pattern": DIGITS_PATTERN, "dir": "ltr", "autocomplete": "off"}
        super().__init__({**base, **(attrs or {})})

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return normalize_digits(value).strip() if isinstance(value, str) else value

    def format_value(self, value: Any) -> str | None:
        """The number shown in the page's digits (۲۰ on a Persian page, 20 on an English one); what is sent back
        is made Latin again by value_from_datadict."""
        text = super().format_value(value)
        return localize_digits(text) if text else text


class LookupInput(forms.TextInput):
    """A code box with suggestions. The first SUGGESTIONS records the field may pick (its queryset, which the
    register views narrow to the user's scope) are written into a <datalist>, so suggestions work without
    JavaScript; with it, static/js/maharat.js asks `data-lookup` (the kind's URL in kit/lookup.py) as the user
    types. Typing the code itself always works."""

    SUGGESTIONS = 20

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"dir": "ltr", "autocomplete": "off", **(attrs or {})})
        self.kind = kind
        self.choices: Any = ()  # set by ModelChoiceField whenever its queryset is (re)set

    def lookup_url(self) -> str | None:
        try:
            return reverse("lookup", args=[self.kind])
        except NoReverseMatch:
            return None

    def suggestions(self) -> list[tuple[str, str]]:
        field = getattr(self.choices, "field", None)
        queryset = getattr(self.choices, "queryset", None)
        if field is None or queryset is None:
            return []
        return [(str(field.prepare_value(obj)), field.label_from_instance(obj)) for obj in queryset[: self.SUGGESTIONS]]

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> Any:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}-options"
        attrs["list"] = list_id
        url = self.lookup_url()
        if url:
            attrs["data-lookup"] = url
        box = super().render(name, value, attrs, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', self.suggestions())
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


class CodeChoiceField(forms.ModelChoiceField):
    """A text box holding a record's code (unit code, national code, ...) with a Persian error if unknown."""

    def __init__(self, queryset: Any, *, to_field_name: str, not_found: str, upper: bool = False,
                 prefill_single: bool = False, **kwargs: Any) -> None:
        self.upper = upper
        # A new record's form fills in the one record the user may pick (a unit head's own unit).
        self.prefill_single = prefill_single
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


class CodeOrIdChoiceField(CodeChoiceField):
    """A code box for records whose codes are never bare numbers (standards: 7231-53-001-1): a bare number is
    the record's id, as the drop-down this box replaced sent it, so links and scripts made for it still work."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            digits = normalize_digits(value).strip()
            queryset: Any = self.queryset
            if digits.isascii() and digits.isdigit() and not queryset.filter(**{str(self.to_field_name): digits}).exists():
                value = int(digits)
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
