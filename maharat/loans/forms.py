"""Forms: a programme's terms, an application, and each step on a loan (decision, disbursement, repayment,
default, write-off). They turn what was typed into values (Jalali dates, Persian, Arabic or Latin digits,
amounts with or without thousands separators); the rules themselves are the services', whose messages the
views show under the field they name."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.access import policy
from maharat.common import jalali
from maharat.common.fields import NumericInput
from maharat.common.forms import JalaliDateField, StyledFormMixin
from maharat.common.persian import localize_digits, normalize_digits
from maharat.kit.lookup import code_field
from maharat.org.models import Unit, UnitKind

from . import rules
from .models import LoanProgramme, Purpose

YEAR_PART = re.compile(r"^\s*(\d{3,4})\s*[/\-.]")
SEPARATORS = re.compile(r"[,\u066C\u060C\s_]")  # , ٬ ، and spaces between groups of digits
AMOUNT_PATTERN = "[0-9\u06F0-\u06F9\u0660-\u0669,\u066C\u060C ]*"


class DateField(JalaliDateField):
    """A Jalali date whose year, written with three or four digits, is a year of the calendar: "0000/01/01"
    is year 0, not the two-digit shorthand for 1400 that common.jalali.parse reads in "00/01/01"."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            year = YEAR_PART.match(normalize_digits(value))
            if year and not jalali.supported_year(int(year.group(1))):
                raise ValidationError(_(jalali.YEAR_RANGE_MESSAGE), code="invalid")
        return super().to_python(value)


class RialField(forms.IntegerField):
    """An amount in Rials: Persian or Latin digits, with or without thousands separators (۱۲٬۵۰۰٬۰۰۰)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", NumericInput({"pattern": AMOUNT_PATTERN}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = SEPARATORS.sub("", normalize_digits(value))
        return super().to_python(value)


class RateField(forms.DecimalField):
    """A percentage with up to two decimals: ۴, 4.5, ۴٫۵ or 4/5 (the Persian decimal sign, or a slash)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput({"inputmode": "decimal", "dir": "ltr", "autocomplete": "off"}))
        super().__init__(max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=rules.MAX_RATE, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = normalize_digits(value).strip().replace("\u066B", ".").replace("/", ".")
            try:
                Decimal(value or "0")
            except InvalidOperation:
                raise ValidationError(_("یک عدد وارد کنید، مثلاً ۴ یا ۴٫۵."), code="invalid") from None
        return super().to_python(value)



class ProgrammeForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("سال"), min_value=jalali.YEAR_MIN, max_value=jalali.YEAR_MAX)
    title = forms.CharField(label=_("عنوان برنامه"), widget=forms.TextInput(attrs={"maxlength": rules.TITLE_MAX}))
    budget = RialField(label=_("اعتبار کل (ریال)"), min_value=1, max_value=rules.MAX_BUDGET)
    interest_rate = RateField(label=_("نرخ سود سالانه (درصد)"))
    max_amount = RialField(label=_("سقف هر تسهیلات (ریال)"), min_value=1, max_value=rules.MAX_AMOUNT)
    max_term_months = forms.IntegerField(label=_("حداکثر مدت (ماه، با دوران تنفس)"), min_value=1,
                                         max_value=rules.MAX_TERM)
    grace_months = forms.IntegerField(label=_("دوران تنفس (ماه)"), min_value=0, max_value=rules.MAX_GRACE, initial=0,
                                      help_text=_("در ماه‌های تنفس فقط سود ماه پرداخت می‌شود؛ بازپرداخت اصل پس از آن."))
    hq_threshold = RialField(label=_("سقف تصویب در استان (ریال)"), min_value=0, max_value=rules.MAX_AMOUNT,
                             help_text=_("درخواست تا این مبلغ را مدیر کل استان تصویب یا رد می‌کند و بیشتر از آن را "
                                         "برنامه‌ریز ستاد؛ صفر: همه با ستاد."))
    is_open = forms.BooleanField(label=_("در حال پذیرش درخواست"), required=False, initial=True)
    notes = forms.CharField(label=_("توضیحات"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, programme: LoanProgramme | None = None, **kwargs: Any) -> None:
        if programme is not None:
            kwargs.setdefault("initial", {name: getattr(programme, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        self.fields["interest_rate"].error_messages["invalid"] = _("یک عدد وارد کنید، مثلاً ۴ یا ۴٫۵.")

    def terms(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in self.fields}


def institute_field() -> Any:
    return code_field("loan-institute", Unit.objects.filter(kind=UnitKind.FREE_INSTITUTE), to_field_name="code",
                      upper=True, search=("name",), label=_("آموزشگاه آزاد"), prefill_single=True,
                      not_found=_("آموزشگاه آزادی با این کد در حوزه شما نیست."),
                      help_text=_("کد یا نام آموزشگاه را بنویسید."))


class LoanForm(StyledFormMixin, forms.Form):
    programme = forms.ModelChoiceField(LoanProgramme.objects.filter(is_open=True), label=_("برنامه تسهیلات"),
                                       empty_label=None,
                                       error_messages={"invalid_choice": _("این برنامه درخواست تازه نمی‌پذیرد.")})
    institute = institute_field()
    purpose = forms.ChoiceField(label=_("موضوع مصرف"), choices=Purpose.choices)
    description = forms.CharField(label=_("شرح طرح"), widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("چه خریده یا ساخته می‌شود، برای کدام کارگاه و رشته، و پیش‌فاکتورها."))
    amount = RialField(label=_("مبلغ درخواستی (ریال)"), min_value=rules.MIN_AMOUNT, max_value=rules.MAX_AMOUNT)
    term_months = forms.IntegerField(label=_("مدت (ماه، با دوران تنفس)"), min_value=1, max_value=rules.MAX_TERM)
    received_on = DateField(label=_("تاریخ درخواست"), required=False,
                            help_text=_("روز دریافت درخواست کاغذی؛ خالی: امروز."))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Each programme's terms on its option, so who applies sees the rate, ceiling and term at once.
        field: Any = self.fields["programme"]
        field.label_from_instance = _programme_label
        if policy.actor_of(user).role == "institute_manager":
            del self.fields["received_on"]  # an institute applies today


def _programme_label(p: LoanProgramme) -> str:
    return localize_digits(str(_("{title} ({year}) — سود {rate}٪، سقف {max}، حداکثر {term} ماه، تنفس {grace} ماه"))
                           .format(title=p.title, year=p.year, rate=rules.percent(p.interest_rate),
                                   max=rules.rials(p.max_amount), term=p.max_term_months, grace=p.grace_months))


class ApproveForm(StyledFormMixin, forms.Form):
    amount = RialField(label=_("مبلغ مصوب (ریال)"), required=False, min_value=1, max_value=rules.MAX_AMOUNT,
                       help_text=_("خالی: همان مبلغ درخواستی. کمتر از آن، با دلیل."))
    note = forms.CharField(label=_("دلیل کاهش مبلغ"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = DateField(label=_("تاریخ تصمیم"), required=False, help_text=_("خالی: امروز."))


class ReasonForm(StyledFormMixin, forms.Form):
    """Rejection, default and write-off: a reason, and the day (today by default)."""

    reason = forms.CharField(label=_("دلیل"), widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("دلیل را بنویسید.")})
    on = DateField(label=_("تاریخ"), required=False, help_text=_("خالی: امروز."))


class DisburseForm(StyledFormMixin, forms.Form):
    on = DateField(label=_("تاریخ پرداخت"))
    reference = forms.CharField(label=_("شماره مرجع پرداخت"),
                                widget=forms.TextInput(attrs={"dir": "ltr", "maxlength": rules.REFERENCE_MAX}))


class RepaymentForm(StyledFormMixin, forms.Form):
    on = DateField(label=_("تاریخ پرداخت"))
    amount = RialField(label=_("مبلغ (ریال)"), min_value=1, max_value=rules.MAX_AMOUNT)
    reference = forms.CharField(label=_("شماره مرجع"),
                                widget=forms.TextInput(attrs={"dir": "ltr", "maxlength": rules.REFERENCE_MAX}))
