from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maharat.common.forms import PlatformModelForm
from maharat.kit.lookup import code_field

from .models import Unit
from .services import check_parent


class UnitForm(PlatformModelForm):
    parent = code_field(
        "unit", Unit.objects.all(), to_field_name="code", upper=True, required=False, label=_("کد واحد بالادست"),
        search=("name",), not_found=_("واحدی با این کد وجود ندارد."),
        help_text=_("کد یا نام واحد را بنویسید، مثلاً IR-26 برای استان قزوین"),
    )

    class Meta:
        model = Unit
        fields = ["kind", "name", "name_en", "code", "parent", "cluster", "partner_type", "address", "phone",
                  "established_on", "is_active"]
        help_texts = {"code": _("خالی بگذارید تا خودکار ساخته شود.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        if self.instance.pk:
            self.fields["code"].disabled = True  # codes are stable: reports and imports refer to them
            self.fields["kind"].disabled = True

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind") or self.instance.kind
        if kind:
            try:
                check_parent(kind, data.get("parent"))
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        if data.get("cluster") and kind != "free_institute":
            self.add_error("cluster", _("خوشه فقط برای آموزشگاه آزاد ثبت می‌شود."))
        if kind == "free_institute" and not data.get("cluster"):
            self.add_error("cluster", _("خوشه آموزشگاه آزاد را انتخاب کنید."))
        return data
