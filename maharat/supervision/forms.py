"""Supervision's forms. They gather and parse what is typed (Jalali dates, Persian digits); the rules are the
services', whose messages are shown under the fields they name (add_errors)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.access.roles import Role
from maharat.common.forms import JalaliDateField, StyledFormMixin, persian_numbers
from maharat.common.persian import normalize_digits
from maharat.kit.lookup import code_field
from maharat.org.models import Unit, UnitKind

from . import rules
from .models import (
    EDITABLE,
    Area,
    Category,
    ChecklistVersion,
    ComplainantKind,
    Result,
    RiskSettings,
    Severity,
    VisitKind,
)
from .services.findings import FindingData

RESULT_CHOICES = [(r.value, r.label) for r in Result]
SEVERITY_CHOICES = [("", "—"), *[(s.value, s.label) for s in Severity]]
AREA_CHOICES = [("", "—"), *[(a.value, a.label) for a in Area]]


class Form(StyledFormMixin, forms.Form):
    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user



def styled(field: forms.Field) -> forms.Field:
    """What StyledFormMixin gives the fields a form declares, for those it adds as it is built (one per item):
    Persian digits in number boxes, Bootstrap classes."""
    if isinstance(field, forms.IntegerField):
        persian_numbers(field)
    widget = field.widget
    css = ("form-check-input" if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)) else
           "form-select" if isinstance(widget, forms.Select) else "form-control")
    widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    return field


def _days_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("مهلت (روز کاری)"), required=False, min_value=1, max_value=rules.WORKING_DAYS_MAX)


def inspectors_at(province: Unit | None) -> Any:
    users = get_user_model().objects.filter(is_active=True)
    if province is None:
        return users.none()
    return users.filter(account__unit=province, account__role__in=[Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_EXPERT]
                        ).order_by("last_name", "first_name", "username")


class VisitForm(Form):
    institute = code_field("supervision-institute", Unit.objects.filter(kind=UnitKind.FREE_INSTITUTE),
                           to_field_name="code", upper=True, search=("name",), label=_("آموزشگاه"),
                           not_found=_("آموزشگاهی با این کد در حوزه شما نیست."),
                           help_text=_("کد یا نام آموزشگاه را بنویسید."))
    kind = forms.ChoiceField(label=_("نوع بازدید"), choices=VisitKind.choices, initial=VisitKind.SCHEDULED,
                             help_text=_("بازدید سرزده تا انجام نشده، به آموزشگاه نشان داده نمی‌شود."))
    planned_on = JalaliDateField(label=_("تاریخ برنامه"))
    inspectors = forms.ModelMultipleChoiceField(label=_("بازرسان"), required=False,
                                                queryset=get_user_model().objects.none(),
                                                widget=forms.CheckboxSelectMultiple)
    purpose = forms.CharField(label=_("هدف بازدید"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, province: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["inspectors"]
        field.queryset = inspectors_at(province)
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ResultsForm(Form):
    """One row per checklist item (result, note, and for a failed item its corrective action), blank rows for
    findings outside the checklist, the report and the inspectors' internal note."""

    visited_on = JalaliDateField(label=_("تاریخ انجام بازدید"))
    summary = forms.CharField(label=_("گزارش بازدید (برای آموزشگاه)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    internal_note = forms.CharField(label=_("یادداشت داخلی بازرسان (به آموزشگاه نشان داده نمی‌شود)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, checklist: ChecklistVersion, default_days: int = 10, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(checklist.items.order_by("order", "pk"))
        for item in self.items:
            self.fields[f"result_{item.pk}"] = styled(forms.ChoiceField(
                label=item.text, choices=RESULT_CHOICES, required=False, widget=forms.RadioSelect))
            self.fields[f"note_{item.pk}"] = styled(forms.CharField(label=_("توضیح"), required=False))
            self.fields[f"action_{item.pk}"] = styled(forms.CharField(
                label=_("اقدام اصلاحی (اگر نامنطبق است)"), required=False, widget=forms.Textarea(attrs={"rows": 2})))
            self.fields[f"days_{item.pk}"] = styled(_days_field())
            self.fields[f"severity_{item.pk}"] = styled(forms.ChoiceField(label=_("شدت"), choices=SEVERITY_CHOICES,
                                                                          required=False))
            self.initial.setdefault(f"days_{item.pk}", default_days)
            self.initial.setdefault(f"severity_{item.pk}", item.severity)
        for i in range(1, rules.FREE_FINDINGS + 1):
            self.fields[f"free_title_{i}"] = styled(forms.CharField(label=_("یافته خارج از چک‌لیست"), required=False))
            self.fields[f"free_article_{i}"] = styled(forms.CharField(label=_("مستند"), required=False))
            self.fields[f"free_area_{i}"] = styled(forms.ChoiceField(label=_("حوزه"), choices=AREA_CHOICES,
                                                                     required=False))
            self.fields[f"free_severity_{i}"] = styled(forms.ChoiceField(label=_("شدت"), choices=SEVERITY_CHOICES,
                                                                         required=False))
            self.fields[f"free_action_{i}"] = styled(forms.CharField(label=_("اقدام اصلاحی"), required=False,
                                                                     widget=forms.Textarea(attrs={"rows": 2})))
            self.fields[f"free_days_{i}"] = styled(_days_field())
            self.initial.setdefault(f"free_days_{i}", default_days)

    def rows(self) -> list[tuple[Any, dict[str, Any]]]:
        return [(item, {part: self[f"{part}_{item.pk}"] for part in ("result", "note", "action", "days", "severity")})
                for item in self.items]

    def free_rows(self) -> list[dict[str, Any]]:
        return [{part: self[f"free_{part}_{i}"] for part in ("title", "article", "area", "severity", "action", "days")}
                for i in range(1, rules.FREE_FINDINGS + 1)]

    def results(self) -> Any:
        from .services.visits import AnswerData, Results

        d = self.cleaned_data
        answers = {item.pk: AnswerData(result=d.get(f"result_{item.pk}") or "", note=d.get(f"note_{item.pk}") or "",
                                       fix=FindingData(action_plan=d.get(f"action_{item.pk}") or "",
                                                       working_days=d.get(f"days_{item.pk}"),
                                                       severity=d.get(f"severity_{item.pk}") or ""))
                   for item in self.items}
        free = [FindingData(title=d.get(f"free_title_{i}") or "", article=d.get(f"free_article_{i}") or "",
                            area=d.get(f"free_area_{i}") or "", severity=d.get(f"free_severity_{i}") or "",
                            action_plan=d.get(f"free_action_{i}") or "", working_days=d.get(f"free_days_{i}"))
                for i in range(1, rules.FREE_FINDINGS + 1)]
        return Results(visited_on=d.get("visited_on"), answers=answers, free=free, summary=d.get("summary") or "",
                       internal_note=d.get("internal_note") or "")


class FindingForm(Form):
    title = forms.CharField(label=_("یافته"), required=False)
    article = forms.CharField(label=_("مستند"), required=False)
    area = forms.ChoiceField(label=_("حوزه"), choices=AREA_CHOICES, required=False)
    severity = forms.ChoiceField(label=_("شدت"), choices=SEVERITY_CHOICES, required=False)
    action_plan = forms.CharField(label=_("اقدام اصلاحی"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    working_days = _days_field()

    def data_object(self) -> FindingData:
        d = self.cleaned_data
        return FindingData(**{name: d.get(name) if d.get(name) is not None else "" for name in (
            "title", "article", "area", "severity", "action_plan")}, working_days=d.get("working_days"))


class ItemForm(Form):
    area = forms.ChoiceField(label=_("حوزه"), choices=AREA_CHOICES, required=False)
    text = forms.CharField(label=_("بند"), required=False)
    article = forms.CharField(label=_("مستند (ماده آیین‌نامه)"), required=False,
                              help_text=_("مثلاً «ماده ۳۴ آیین‌نامه»"))
    weight = forms.IntegerField(label=_("وزن در امتیاز بازدید"), required=False, min_value=1, max_value=rules.WEIGHT_MAX)
    severity = forms.ChoiceField(label=_("شدت تخلف در صورت نامنطبق"), choices=SEVERITY_CHOICES, required=False)
    order = forms.IntegerField(label=_("ترتیب"), required=False, min_value=0, max_value=32000)


class PersianDecimalField(forms.DecimalField):
    """A decimal number typed with Persian, Arabic or Latin digits, and «٫» or «.» as its decimal point."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "dir": "ltr", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # no min/max/step: a text box, so that Persian digits and «٫» reach the server

    # The stubs derive DecimalField from IntegerField, whose to_python gives an int.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = normalize_digits(value).replace("٫", ".").replace("/", ".").strip()
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(_("یک عدد درست وارد کنید (مثلاً ۰٫۵)."), code="invalid") from None


class SettingsForm(Form):
    def __init__(self, *args: Any, instance: RiskSettings, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(instance, name) for name in EDITABLE})
        super().__init__(*args, **kwargs)
        for name in EDITABLE:
            model_field: Any = RiskSettings._meta.get_field(name)
            if model_field.get_internal_type() == "DecimalField":
                self.fields[name] = styled(PersianDecimalField(label=model_field.verbose_name, max_digits=8,
                                                               decimal_places=2))
            else:
                self.fields[name] = styled(forms.IntegerField(label=model_field.verbose_name, min_value=1,
                                                              max_value=1000))


class PublicComplaintForm(StyledFormMixin, forms.Form):
    """The public form: no sign-in. The institute is picked among the licensed institutes of a province."""

    province = forms.ChoiceField(label=_("استان"), required=False)
    institute = forms.ChoiceField(label=_("آموزشگاه"), required=False)
    complainant_kind = forms.ChoiceField(label=_("نسبت شما با آموزشگاه"),
                                         choices=[("", "—"), *ComplainantKind.choices], required=False)
    category = forms.ChoiceField(label=_("موضوع شکایت"), choices=[("", "—"), *Category.choices], required=False)
    description = forms.CharField(label=_("شرح شکایت"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5, "maxlength": rules.COMPLAINT_MAX}))
    name = forms.CharField(label=_("نام و نام خانوادگی (اختیاری)"), required=False,
                           widget=forms.TextInput(attrs={"maxlength": rules.NAME_MAX, "autocomplete": "name"}))
    mobile = forms.CharField(label=_("تلفن همراه (اختیاری)"), required=False,
                             widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel", "autocomplete": "tel"}))
    sms_consent = forms.BooleanField(label=_("نتیجه رسیدگی با پیامک به من خبر داده شود"), required=False)

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], institutes: list[tuple[str, str]],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province: Any = self.fields["province"]
        province.choices = [("", "—"), *provinces]
        institute: Any = self.fields["institute"]
        institute.choices = [("", "—"), *institutes]

    def clean_province(self) -> str:
        return str(self.cleaned_data.get("province") or "")

