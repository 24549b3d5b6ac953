"""The form that raises an item: owner unit by code, owner person among that unit's people, deadline in
working days (a transition's note or reason is one text box on the item's page). The rules themselves are
the service's (services.clean_terms, rules.clean_text): the form shows their messages under the field they
name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.access.records import allowed
from maharat.access.roles import Role
from maharat.common.forms import JalaliDateField, PlatformModelForm, add_errors
from maharat.common.persian import normalize_digits
from maharat.kit.lookup import code_field
from maharat.org.models import Unit

from . import rules, services
from .models import FollowUp

TERMS = ("title", "description", "start", "working_days")


def owner_unit_field() -> Any:
    # Every kind of unit that may owe an item; HQ, counties and partners are not among them (rules.answering_kinds).
    # The register views narrow it to the user's scope, as every picker is.
    return code_field(
        "followup-owner", Unit.objects.filter(kind__in=sorted(rules.answering_kinds())), to_field_name="code",
        upper=True, search=("name",), label=_("واحد مسئول"),
        not_found=_("واحدی با این کد در حوزه شما نیست که بتواند مسئول پیگیری باشد."),
        help_text=_("کد یا نام واحد را بنویسید؛ پیگیری به واحدهای زیرمجموعه شما سپرده می‌شود."))


def people_at(unit: Unit | None) -> Any:
    """Who may be named the owner person: active accounts at the unit itself whose role answers items."""
    users = get_user_model().objects.filter(is_active=True)
    if unit is None:
        return users.none()
    roles = [role for role in Role if allowed(role, rules.KIND, "respond")]
    return users.filter(account__unit=unit, account__role__in=roles).select_related("account").order_by(
        "last_name", "first_name", "username")


class FollowUpForm(PlatformModelForm):
    owner_unit = owner_unit_field()
    owner_person = forms.ModelChoiceField(
        label=_("مسئول"), required=False, queryset=get_user_model().objects.none(), empty_label=_("همه کاربران واحد"),
        help_text=_("اگر کسی انتخاب نشود، یادآوری‌ها به همه کاربران واحد که پیگیری را پاسخ می‌دهند می‌رسد."))
    title = forms.CharField(label=_("عنوان"), error_messages={"required": _("«عنوان» را بنویسید.")},
                            widget=forms.TextInput(attrs={"maxlength": rules.TITLE_MAX}))
    description = forms.CharField(label=_("شرح"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    start = JalaliDateField(label=_("تاریخ شروع"), required=False,
                            help_text=_("روزی که مهلت از آن شمرده می‌شود، مثلاً تاریخ بازدید؛ خالی: امروز."))
    working_days = forms.IntegerField(label=_("مهلت (روز کاری)"), min_value=1, max_value=rules.WORKING_DAYS_MAX,
                                      help_text=_("جمعه‌ها و تعطیلات رسمی شمرده نمی‌شوند."))

    class Meta:
        model = FollowUp
        fields = ["owner_unit", "owner_person", "title", "description", "start", "working_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_box = self.fields["owner_unit"].widget
        # The people of the unit typed are fetched when the box is left (htmx); without JavaScript the list is
        # filled when the form comes back with the unit in it.
        unit_box.attrs.update({"hx-get": reverse("followup_people"), "hx-trigger": "change",
                               "hx-target": "#id_owner_person", "hx-swap": "outerHTML"})
        person: Any = self.fields["owner_person"]
        person.queryset = people_at(self._unit_typed())
        person.label_from_instance = _person_label

    def _unit_typed(self) -> Unit | None:
        raw = self.data.get("owner_unit") if self.is_bound else self.initial.get("owner_unit")
        if isinstance(raw, Unit):
            return raw
        code = normalize_digits(str(raw or "")).strip().upper()
        if not code:
            return None
        found = Unit.objects.filter(code=code, kind__in=rules.answering_kinds())
        return policy.scope(self.user, found).first() if self.user is not None else None

    def clean_owner_unit(self) -> Unit:
        unit: Unit = self.cleaned_data["owner_unit"]
        actor = policy.actor_of(self.user)
        if actor.unit is not None and unit.pk == actor.unit.pk:
            raise ValidationError(_("پیگیری به واحدهای زیرمجموعه شما سپرده می‌شود، نه به واحد خودتان."))
        return unit

    def clean_title(self) -> str:
        try:
            return rules.clean_text(self.cleaned_data.get("title"), field="title", label=str(_("عنوان")),
                                    limit=rules.TITLE_MAX, required=True)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["title"]) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "start" not in self.errors:
            data["start"] = data.get("start") or timezone.localdate()
        if not any(name in self.errors for name in TERMS):
            try:
                data["title"], data["description"], _due = services.clean_terms(
                    title=data.get("title"), description=data.get("description"),
                    start=data["start"], working_days=data.get("working_days"))
            except ValidationError as exc:
                add_errors(self, exc)
        return data


def _person_label(user: Any) -> str:
    account = getattr(user, "account", None)
    role = account.get_role_display() if account is not None else ""
    name = user.get_full_name() or user.get_username()
    return f"{name} — {role}" if role else name


