"""Writes on loan programmes (HQ's planner): a new funding line, and changes to one.

Once a programme has a loan, what that loan was promised stays: its year, rate and grace are fixed (each loan
keeps the rate and grace it was applied for anyway), and its budget does not fall below what it has approved.
Its ceilings, threshold, openness and notes may change: they rule only requests not yet decided.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maharat.access import policy, writes
from maharat.common import jalali
from maharat.common.persian import normalize

from . import rules
from .eligibility import committed_elsewhere
from .models import LoanProgramme

TERMS = ("year", "title", "budget", "interest_rate", "max_amount", "max_term_months", "grace_months",
         "hq_threshold", "is_open", "notes")
FIXED_ONCE_USED = ("year", "interest_rate", "grace_months")


def _collect(errors: dict[str, list[str]], check: Callable[[], Any]) -> Any:
    try:
        return check()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return None


def _year(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not jalali.supported_year(value):
        raise ValidationError({"year": _(jalali.YEAR_RANGE_MESSAGE)})
    return value


def clean_terms(terms: dict[str, Any], programme: LoanProgramme | None = None) -> dict[str, Any]:
    """Every term checked, or one ValidationError naming each field at fault."""
    unknown = set(terms) - set(TERMS)
    if unknown:
        raise TypeError(f"unknown programme terms: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    get = terms.get
    clean: dict[str, Any] = {
        "year": _collect(errors, lambda: _year(get("year"))),
        "title": _collect(errors, lambda: rules.clean_text(get("title"), field="title", label=_("عنوان برنامه"),
                                                           limit=rules.TITLE_MAX, required=True, formula_ok=False)),
        "budget": _collect(errors, lambda: rules.whole(get("budget"), field="budget", label=_("اعتبار کل (ریال)"),
                                                       low=1, high=rules.MAX_BUDGET)),
        "interest_rate": _collect(errors, lambda: rules.rate(get("interest_rate"))),
        "max_amount": _collect(errors, lambda: rules.whole(get("max_amount"), field="max_amount",
                                                           label=_("سقف هر تسهیلات (ریال)"), low=1,
                                                           high=rules.MAX_AMOUNT)),
        "max_term_months": _collect(errors, lambda: rules.whole(get("max_term_months"), field="max_term_months",
                                                                label=_("حداکثر مدت (ماه)"), low=1,
                                                                high=rules.MAX_TERM)),
        "grace_months": _collect(errors, lambda: rules.whole(get("grace_months", 0), field="grace_months",
                                                             label=_("دوران تنفس (ماه)"), low=0, high=rules.MAX_GRACE)),
        "hq_threshold": _collect(errors, lambda: rules.whole(get("hq_threshold"), field="hq_threshold",
                                                             label=_("سقف تصویب در استان (ریال)"), low=0,
                                                             high=rules.MAX_AMOUNT)),
        "is_open": bool(get("is_open", True)),
        "notes": _collect(errors, lambda: rules.clean_text(get("notes"), field="notes", label=_("توضیحات"),
                                                           limit=rules.NOTE_MAX, multiline=True)) or "",
    }
    budget, ceiling = clean["budget"], clean["max_amount"]
    if budget is not None and ceiling is not None and ceiling > budget:
        errors.setdefault("max_amount", []).append(_("سقف هر تسهیلات نمی‌تواند از اعتبار کل برنامه بیشتر باشد."))
    term, grace = clean["max_term_months"], clean["grace_months"]
    if term is not None and grace is not None and grace >= term:
        errors.setdefault("grace_months", []).append(_("دوران تنفس باید کوتاه‌تر از حداکثر مدت باشد تا ماهی برای "
                                                       "بازپرداخت بماند."))
    if programme is not None and programme.pk is not None and programme.loans.exists():
        for name in FIXED_ONCE_USED:
            value = clean[name]
            if value is not None and Decimal(value) != Decimal(getattr(programme, name)):
                errors.setdefault(name, []).append(_("این برنامه تسهیلات ثبت‌شده دارد و این شرط آن تغییر نمی‌کند."))
        used = committed_elsewhere(programme)
        if budget is not None and budget < used:
            errors.setdefault("budget", []).append(_("اعتبار کل نمی‌تواند کمتر از مبلغ تصویب‌شده تاکنون ({used}) باشد.")
                                                   .format(used=rules.rials(used)))
    if errors:
        raise ValidationError(errors)
    return clean


def _save(programme: LoanProgramme) -> LoanProgramme:
    programme.save()
    return programme


def create(user: Any, **terms: Any) -> LoanProgramme:
    programme = LoanProgramme(created_by=user if getattr(user, "pk", None) else None)
    # Permission before anything else: who may not set programmes learns nothing of their rules.
    policy.require(user, "add", programme)
    for name, value in clean_terms(terms).items():
        setattr(programme, name, value)
    _unique(programme)
    with transaction.atomic():
        return writes.save_record(user=user, instance=programme, persist=lambda: _save(programme))


@transaction.atomic
def update(user: Any, programme: LoanProgramme, **terms: Any) -> LoanProgramme:
    current = LoanProgramme.objects.select_for_update().get(pk=programme.pk)
    policy.require(user, "change", current)
    for name, value in clean_terms(terms, current).items():
        setattr(current, name, value)
    _unique(current)
    return writes.save_record(user=user, instance=current, persist=lambda: _save(current))


def _unique(programme: LoanProgramme) -> None:
    twin = LoanProgramme.objects.filter(year=programme.year, title=normalize(programme.title)).exclude(pk=programme.pk)
    if twin.exists():
        raise ValidationError({"title": _("برنامه‌ای با همین عنوان در همین سال هست.")})
