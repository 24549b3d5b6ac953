from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from maharat.access import records
from maharat.audit.models import AuditAction
from maharat.common.forms import JalaliDateField, StyledFormMixin

# Accounts and users (access, auth) are audited besides the records the apps declare.
ACCOUNT_APPS = ("access", "auth")


def audited_kinds() -> Any:
    """Every kind of record that has a trail: the declared records' models, and accounts."""
    labels = {model._meta.app_label for model in records.records()} | set(ACCOUNT_APPS)
    return ContentType.objects.filter(app_label__in=labels).order_by("app_label", "model")


class AuditSearchForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("کاربر"), required=False)
    unit = forms.CharField(label=_("کد واحد"), required=False)
    since = JalaliDateField(label=_("از تاریخ"), required=False)
    until = JalaliDateField(label=_("تا تاریخ"), required=False)
    kind = forms.ModelChoiceField(
        ContentType.objects.none(),
        label=_("نوع رکورد"), required=False,
    )
    action = forms.ChoiceField(label=_("عمل"), required=False, choices=[("", "—"), *AuditAction.choices])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = audited_kinds()  # type: ignore[attr-defined]
        self.fields["kind"].label_from_instance = lambda ct: str(ct.model_class()._meta.verbose_name) if ct.model_class() else ct.model  # type: ignore[attr-defined, union-attr]
