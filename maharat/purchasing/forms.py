"""Forms: a contract's terms, a course run to list, a graduate's employment evidence, an invoice's payment.
They turn what was typed into values (Jalali dates, Persian or Latin digits, codes); the rules themselves are
the services', whose messages the views show under the field they name."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.catalog.models import Standard
from maharat.common import jalali
from maharat.common.fields import CodeChoiceField
from maharat.common.forms import JalaliDateField, StyledFormMixin
from maharat.common.persian import localize_digits, normalize_digits
from maharat.common.validators import clean_national_code
from maharat.kit.lookup import code_field
from maharat.org.models import Unit, UnitKind
from maharat.people.models import TargetGroup
from maharat.training.models import CourseRun, Enrollment, EnrollmentStatus

from . import rules
from .models import Contract

SEPARATORS = re.compile(r"[\s,،;؛]+")
SHARES = ("share_enrollment", "share_completion", "share_certification", "share_employment")
PREMIUMS = ("premium_rural", "premium_nomad", "premium_women", "premium_disability")
INTEGER_TERMS = ("trainees", "price", *SHARES, *PREMIUMS)


YEAR_PART = re.compile(r"^\s*(\d{3,4})\s*[/\-.]")


class DateField(JalaliDateField):
    """A Jalali date whose year, written with three or four digits, is a year of the calendar: "0000/01/01"
    is year 0, not the two-digit shorthand for 1400 that common.jalali.parse reads in "00/01/01"."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            year = YEAR_PART.match(normalize_digits(value))
            if year and not jalali.supported_year(int(year.group(1))):
                raise ValidationError(_(jalali.YEAR_RANGE_MESSAGE), code="invalid")
        return super().to_python(value)



def _percent(label: Any, initial: int) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=100, initial=initial)


class ContractForm(StyledFormMixin, forms.Form):
    province = CodeChoiceField(Unit.objects.filter(kind=UnitKind.PROVINCE), to_field_name="code", upper=True,
                               label=_("استان (طرف قرارداد)"), not_found=cast(str, _("استانی با این کد در حوزه شما نیست.")),
                               help_text=_("کد استان، مثلاً IR-26"))
    institute = code_field("purchase-institute", Unit.objects.filter(kind=UnitKind.FREE_INSTITUTE),
                           to_field_name="code", upper=True, search=("name",), label=_("آموزشگاه آزاد"),
                           not_found=_("آموزشگاه آزادی با این کد در حوزه شما نیست."),
                           help_text=_("کد یا نام آموزشگاه را بنویسید."))
    title = forms.CharField(label=_("موضوع"), required=False, widget=forms.TextInput(attrs={"maxlength": rules.TITLE_MAX}))
    standards = forms.CharField(label=_("کد استانداردهای آموزشی"), widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
                                help_text=_("کدها را با ویرگول، فاصله یا سطر جدا کنید."),
                                error_messages={"required": _("دست‌کم یک استاندارد آموزشی را بنویسید.")})
    target_groups = forms.ModelMultipleChoiceField(TargetGroup.objects.all(), label=_("گروه‌های هدف"), required=False,
                                                   widget=forms.CheckboxSelectMultiple,
                                                   help_text=_("اگر گروهی برگزیده شود، فقط کارآموزان همان گروه‌ها "
                                                               "شمرده می‌شوند."))
    trainees = forms.IntegerField(label=_("تعداد کارآموز"), min_value=1, max_value=rules.MAX_TRAINEES)
    price = forms.IntegerField(label=_("بهای هر کارآموز (ریال)"), min_value=1, max_value=rules.MAX_PRICE)
    start_date = DateField(label=_("تاریخ شروع"))
    end_date = DateField(label=_("تاریخ پایان"))
    share_enrollment = _percent(_("سهم ثبت‌نام (درصد)"), 30)
    share_completion = _percent(_("سهم پایان دوره (درصد)"), 30)
    share_certification = _percent(_("سهم گواهینامه (درصد)"), 20)
    share_employment = _percent(_("سهم اشتغال سه‌ماهه (درصد)"), 20)
    premium_rural = _percent(_("افزایش برای روستاییان (درصد)"), 0)
    premium_nomad = _percent(_("افزایش برای عشایر (درصد)"), 0)
    premium_women = _percent(_("افزایش برای زنان (درصد)"), 0)
    premium_disability = _percent(_("افزایش برای افراد دارای معلولیت (درصد)"), 0)
    notes = forms.CharField(label=_("توضیحات"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, user: Any = None, contract: Contract | None = None, **kwargs: Any) -> None:
        if contract is not None:
            kwargs.setdefault("initial", initial_of(contract))
        super().__init__(*args, **kwargs)
        self.user, self.contract = user, contract
        actor = policy.actor_of(user)
        if contract is not None:  # the parties of a contract are not changed (services.update_contract)
            del self.fields["province"], self.fields["institute"]
        elif not actor.national:
            del self.fields["province"]  # a province contracts for itself

    def clean_standards(self) -> list[Standard]:
        codes = [c for c in SEPARATORS.split(normalize_digits(self.cleaned_data.get("standards") or "").strip()) if c]
        if len(codes) > 50:
            raise ValidationError(_("یک قرارداد حداکثر ۵۰ استاندارد دارد."))
        found = {s.code: s for s in Standard.objects.filter(code__in=codes, is_active=True)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(_("استاندارد فعالی با این کدها نیست: {codes}").format(
                codes="، ".join(c[:30] for c in missing[:10])))
        return [found[c] for c in dict.fromkeys(codes)]

    def province_of(self) -> Unit | None:
        if self.contract is not None:
            return self.contract.province
        if "province" in self.fields:
            return self.cleaned_data.get("province")
        unit = policy.actor_of(self.user).unit
        return unit if unit is not None and unit.kind == UnitKind.PROVINCE else None

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"standards": data["standards"], "target_groups": list(data.get("target_groups") or []),
                "title": data.get("title", ""), "notes": data.get("notes", ""),
                **{name: data[name] for name in (*INTEGER_TERMS, "start_date", "end_date")}}


def initial_of(contract: Contract) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(contract, name) for name in (*INTEGER_TERMS, "start_date", "end_date",
                                                                          "title", "notes")}
    values["standards"] = " ".join(contract.standards.order_by("code").values_list("code", flat=True))
    values["target_groups"] = list(contract.target_groups.all())
    return values


class RunForm(StyledFormMixin, forms.Form):
    course_run = code_field("purchase-run", CourseRun.objects.filter(unit__kind=UnitKind.FREE_INSTITUTE)
                            .select_related("standard"), to_field_name="code", upper=True,
                            search=("standard__title",), label=_("کد دوره"),
                            not_found=_("دوره‌ای با این کد در حوزه شما نیست."))


class EvidenceForm(StyledFormMixin, forms.Form):
    national_code = forms.CharField(label=_("کد ملی دانش‌آموخته"), max_length=20,
                                    widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric",
                                                                  "autocomplete": "off"}))
    run_code = forms.CharField(label=_("کد دوره"), required=False, max_length=40,
                               widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
                               help_text=_("فقط اگر این کارآموز در دو دوره این قرارداد بوده است."))
    employer = forms.CharField(label=_("کارفرما یا محل اشتغال"), max_length=rules.EMPLOYER_MAX)
    from_date = DateField(label=_("از تاریخ"))
    to_date = DateField(label=_("تا تاریخ"), required=False, help_text=_("خالی: هنوز شاغل است."))
    notes = forms.CharField(label=_("توضیحات"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    document = forms.FileField(label=_("سند اشتغال"), help_text=_("قرارداد کار، سابقه بیمه یا گواهی کارفرما (PDF یا تصویر)."),
                               error_messages={"required": _("سند اشتغال را پیوست کنید.")})

    def __init__(self, *args: Any, contract: Contract, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contract = contract

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = data.get("national_code")
        if raw is None:
            return data
        try:
            code = clean_national_code(raw)
        except ValidationError:
            self.add_error("national_code", _("کد ملی معتبر نیست."))
            return data
        found = Enrollment.objects.filter(course_run__purchase_link__contract=self.contract,
                                          trainee__national_code=code).select_related("course_run", "trainee")
        run_code = normalize_digits(data.get("run_code") or "").strip().upper()
        if run_code:
            found = found.filter(course_run__code=run_code)
        matches = list(found[:3])
        if not matches:
            self.add_error("national_code", _("این کد ملی در دوره‌های این قرارداد ثبت‌نام ندارد."))
        elif len(matches) > 1:
            self.add_error("run_code", _("این کارآموز در چند دوره این قرارداد است؛ کد دوره را هم بنویسید."))
        elif matches[0].status != EnrollmentStatus.COMPLETED:
            self.add_error("national_code", _("این کارآموز دوره را به پایان نرسانده است."))
        else:
            data["enrollment"] = matches[0]
        return data


class PaymentForm(StyledFormMixin, forms.Form):
    paid_on = DateField(label=_("تاریخ پرداخت"))
    reference = forms.CharField(label=_("شماره مرجع پرداخت"), max_length=rules.REFERENCE_MAX)


def shares_help() -> str:
    return str(_("پیش‌فرض: {a}٪ ثبت‌نام، {b}٪ پایان دوره، {c}٪ گواهینامه، {d}٪ اشتغال سه ماه پس از پایان؛ جمع باید ۱۰۰ باشد.")
               ).format(**{k: localize_digits(v) for k, v in zip("abcd", rules.DEFAULT_SHARES.values(), strict=True)})
