from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.common.forms import StyledFormMixin

from .content.types import ACCEPT_ATTRIBUTE
from .services import DESCRIPTION_MAX, TITLE_MAX, clean_text


class UploadForm(StyledFormMixin, forms.Form):
    """The file and what to call it. The file itself is judged by content.inspect_file (in services.attach):
    an empty file reaches it too, so that every refusal of a file reads the same and names it."""

    prefix = "attachment"

    file = forms.FileField(label=_("فایل"), allow_empty_file=True,
                           error_messages={"required": _("فایلی برای پیوست انتخاب نشده است."),
                                           "invalid": _("فایل ارسالی خوانده نشد.")},
                           widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
    title = forms.CharField(label=_("عنوان"), required=False, max_length=TITLE_MAX)
    description = forms.CharField(label=_("توضیح"), required=False, max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def _text(self, field: str, limit: int, multiline: bool = False) -> str:
        try:
            return clean_text(self.cleaned_data.get(field, ""), field=field, label=str(self.fields[field].label),
                              limit=limit, multiline=multiline)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict[field]) from None

    def clean_title(self) -> str:
        return self._text("title", TITLE_MAX)

    def clean_description(self) -> str:
        return self._text("description", DESCRIPTION_MAX, multiline=True)

    def error_messages(self) -> list[str]:
        """Each error with the field it belongs to (shown as messages above the record's page)."""
        out: list[Any] = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            out += [f"{label}: {e}" if label else str(e) for e in errors]
        return out
