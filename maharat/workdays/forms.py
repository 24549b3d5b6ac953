"""HQ's holiday form: a Jalali date (Persian digits welcome), the titles, the kind and whether it is confirmed."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from maharat.common import jalali
from maharat.common.forms import JalaliDateField, PlatformModelForm
from maharat.common.persian import localize_digits, normalize_digits

from .models import TITLE_LENGTH, Holiday

_YEAR_PART = re.compile(r"^\s*(\d+)\s*[/\-.]")


class HolidayDateField(JalaliDateField):
    """A Jalali date where a year written out in full must be a real one: common.jalali reads a two-digit year
    as 14xx/13xx (05/01/01 is 1405/01/01), which would also take 0000/01/01 for 1400/01/01."""

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str):
            written = _YEAR_PART.match(normalize_digits(value))
            if written and len(written.group(1)) > 2 and int(written.group(1)) < jalali.YEAR_MIN:
                raise ValidationError(gettext(jalali.YEAR_RANGE_MESSAGE), code="invalid")
        return super().to_python(value)


class HolidayForm(PlatformModelForm):
    date = HolidayDateField(label=_("تاریخ"), help_text=_("سال/ماه/روز شمسی، مثلاً ۱۴۰۶/۰۱/۰۱"))

    class Meta:
        model = Holiday
        fields = ["date", "title", "title_en", "kind", "confirmed"]
        help_texts = {
            "title": _("دو مناسبت در یک روز: هر دو در همین عنوان، جدا با «؛»."),
            "title_en": _("برای صفحه‌های انگلیسی؛ اگر خالی بماند عنوان فارسی نشان داده می‌شود."),
            "confirmed": _("تاریخ با تقویم رسمی اعلام‌شده مطابقت داده شده است (تعطیلات قمری تا اعلام رؤیت هلال قطعی نیستند)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        too_long = _("حداکثر {n} نویسه.").format(n=localize_digits(TITLE_LENGTH))
        for name in ("title", "title_en"):
            self.fields[name].error_messages["max_length"] = too_long
            self.fields[name].widget.attrs["maxlength"] = str(TITLE_LENGTH)
        self.fields["title_en"].widget.attrs["dir"] = "ltr"
        self.fields["title_en"].widget.attrs["lang"] = "en"
        self.fields["date"].error_messages["required"] = _("تاریخ را بنویسید.")
        self.fields["title"].error_messages["required"] = _("عنوان تعطیل را بنویسید.")
        self.fields["kind"].error_messages["required"] = _("نوع تعطیل را انتخاب کنید.")

    def clean_title(self) -> str:
        return " ".join(str(self.cleaned_data["title"]).split())

    def clean_title_en(self) -> str:
        return " ".join(str(self.cleaned_data.get("title_en") or "").split())
