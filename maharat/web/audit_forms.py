from __future__ import annotations

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from maharat.audit.models import AuditAction
from maharat.common.forms import JalaliDateField, StyledFormMixin

AUDITED_APPS = ("org", "catalog", "people", "training", "approval", "access", "auth")


class AuditSearchForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("کاربر"), required=False)
    unit = forms.CharField(label=_("کد واحد"), required=False)
    since = JalaliDateField(label=_("از تاریخ"), required=False)
    until = JalaliDateField(label=_("تا تاریخ"), required=False)
    kind = forms.ModelChoiceField(
        ContentType.objects.filter(app_label__in=AUDITED_APPS).order_by("app_label", "model"),
        label=_("نوع رکورد"), required=False,
    )
    action = forms.ChoiceField(label=_("عمل"), required=False, choices=[("", "—"), *AuditAction.choices])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].label_from_instance = lambda ct: str(ct.model_class()._meta.verbose_name) if ct.model_class() else ct.model  # type: ignore[attr-defined, union-attr]
