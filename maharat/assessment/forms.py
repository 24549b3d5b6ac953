from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.common.forms import JalaliDateField, PlatformModelForm, StyledFormMixin
from maharat.common.persian import normalize_digits, to_persian_digits
from maharat.kit.lookup import code_field
from maharat.org.models import Unit, UnitKind
from maharat.people.selectors import trainee_at_desk
from maharat.training.forms import standard_field
from maharat.training.models import CourseRun

from .models import Candidate, CertificateStatus, TestSession
from .services import next_session_code

ASSESSOR_KINDS = (UnitKind.ASSESSMENT_CENTER, UnitKind.FIXED_CENTER, UnitKind.URBAN_BRANCH, UnitKind.FREE_INSTITUTE,
                  UnitKind.WORKPLACE_CENTER)


class TestSessionForm(PlatformModelForm):
    """A test session; its code is made from the assessing unit and the Jalali year (services.next_session_code)."""

    standard = standard_field()
    assessor_unit = code_field("assessor-unit", Unit.objects.filter(kind__in=ASSESSOR_KINDS), to_field_name="code",
                               upper=True, search=("name",), label=_("کد واحد برگزارکننده آزمون"), prefill_single=True,
                               not_found=_("مرکز سنجش یا واحد آموزشی با این کد وجود ندارد."),
                               help_text=_("کد یا نام واحد را بنویسید."))

    class Meta:
        model = TestSession
        fields = ["standard", "assessor_unit", "held_on", "capacity"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.instance.code and data.get("assessor_unit") and data.get("held_on"):
            self.instance.code = next_session_code(data["assessor_unit"].code, data["held_on"])
        return data


class FromCourseRunForm(StyledFormMixin, forms.Form):
    course_run = code_field("courserun", CourseRun.objects.select_related("standard"), to_field_name="code", upper=True,
                            search=("standard__title",), label=_("کد دوره"),
                            not_found=_("دوره‌ای با این کد وجود ندارد."))


class RplForm(StyledFormMixin, forms.Form):
    """A candidate for recognition of prior learning, by national code; someone registered outside the
    desk's scope is found only with their birth date too (people.selectors.trainee_at_desk)."""

    trainee = forms.CharField(label=_("کد ملی داوطلب"), max_length=20,
                              widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "inputmode": "numeric"}))
    birth_date = JalaliDateField(label=_("تاریخ تولد داوطلب"), required=False,
                                 help_text=_("فقط برای کسی که در واحد دیگری ثبت شده است، برای تأیید هویت."))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("trainee"):
            try:
                data["found"] = trainee_at_desk(self.user, data["trainee"], data.get("birth_date"))
            except ValidationError as exc:
                self.add_error("trainee", exc)
        return data


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("وضعیت تازه"), choices=CertificateStatus.choices)
    reason = forms.CharField(label=_("دلیل"), widget=forms.Textarea(attrs={"rows": 2}))


def score_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=100,
                              widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "numeric", "class": "form-control form-control-sm score"}))


class ResultRow:
    """One candidate's line of the results table: what was typed (kept when the page is shown again) and its
    scores once read."""

    def __init__(self, number: int, candidate: Candidate, data: Any) -> None:
        self.number, self.candidate = number, candidate
        if data is None:  # the stored values, for the page as first shown
            self.theory = "" if candidate.theory_score is None else str(candidate.theory_score)
            self.practice = "" if candidate.practice_score is None else str(candidate.practice_score)
            self.absent = candidate.result == "absent"
        else:
            self.theory = data.get(f"theory-{candidate.pk}", "").strip()
            self.practice = data.get(f"practice-{candidate.pk}", "").strip()
            self.absent = data.get(f"absent-{candidate.pk}") == "on"
        self.errors: list[str] = []
        self.bad: set[str] = set()  # the boxes ("theory", "practice") whose value was refused
        self.scores: dict[str, int | None] = {}

    @property
    def touched(self) -> bool:
        return self.absent or self.scores.get("theory") is not None or self.scores.get("practice") is not None


class ResultsForm:
    """The results table of a test session, read as a whole: every row is checked, every error is reported
    at once naming its row and candidate, and the typed values stay in the table. Nothing is saved unless
    every row is valid (services.record_results writes them in one transaction)."""

    def __init__(self, candidates: list[Candidate], data: Any = None) -> None:
        self.rows = [ResultRow(i, c, data) for i, c in enumerate(candidates, start=1)]
        self.is_bound = data is not None

    def is_valid(self) -> bool:
        for row in self.rows:
            for key, label, text in (("theory", _("نمره نظری"), row.theory), ("practice", _("نمره عملی"), row.practice)):
                value = normalize_digits(text).strip()
                if value == "":
                    row.scores[key] = None
                elif value.isascii() and value.isdigit() and 0 <= int(value) <= 100:
                    row.scores[key] = int(value)
                else:
                    row.bad.add(key)
                    row.errors.append(_("{field} باید عددی بین ۰ و ۱۰۰ باشد.").format(field=label))
        return not self.errors

    def add_error(self, row: ResultRow, message: str) -> None:
        row.errors.append(message)

    @property
    def errors(self) -> list[str]:
        """'Row 2 (Maryam Bahrami): message' lines, for the top of the page."""
        return [
            _("ردیف {row} ({name}): {error}").format(row=to_persian_digits(r.number), name=r.candidate.trainee.full_name,
                                                    error=e)
            for r in self.rows for e in r.errors
        ]
