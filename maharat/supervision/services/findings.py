"""A finding's terms checked (shared by the results form and the later "add a finding"), and the follow-up
item each finding raises for its institute (followup.services.raise_item, `source` = the finding)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.common.persian import localize_digits
from maharat.followup import services as followups
from maharat.workdays.selectors import OutOfCalendar, add_working_days

from .. import rules
from ..models import Area, Finding, Severity


@dataclass
class FindingData:
    title: Any = ""
    action_plan: Any = ""
    working_days: Any = None
    severity: Any = ""
    article: Any = ""
    area: Any = ""


@dataclass(frozen=True)
class Keys:
    """The form fields a finding's parts are reported under (a failed item's row, a free row, the add form)."""

    title: str = "title"
    action_plan: str = "action_plan"
    working_days: str = "working_days"
    severity: str = "severity"
    article: str = "article"
    area: str = "area"

    @classmethod
    def prefixed(cls, prefix: str, suffix: str) -> Keys:
        return cls(*(f"{prefix}{name}{suffix}" for name in ("title", "action", "days", "severity", "article", "area")))


def _days(value: Any, key: str, start: dt.date) -> tuple[int, dt.date]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= rules.WORKING_DAYS_MAX:
        raise ValidationError({key: _("مهلت اقدام اصلاحی باید بین ۱ و {high} روز کاری باشد.").format(
            high=localize_digits(rules.WORKING_DAYS_MAX))})
    try:
        due = add_working_days(start, value)
    except OutOfCalendar:
        raise ValidationError({key: _("مهلت از سال‌هایی که سامانه می‌شناسد بیرون می‌افتد.")}) from None
    if due < timezone.localdate():
        raise ValidationError({key: _("با تاریخ بازدید، این مهلت پیش از امروز به پایان رسیده است.")})
    return value, due


def check(data: FindingData, keys: Keys, start: dt.date, errors: dict[str, list[str]]) -> dict[str, Any] | None:
    """The finding's cleaned terms, or None with every fault added to `errors` under its field."""
    out: dict[str, Any] = {}
    steps = {
        "title": lambda: rules.clean_public(data.title, field=keys.title, label=_("یافته"), limit=rules.TITLE_MAX,
                                            required=True),
        "action_plan": lambda: rules.clean_public(data.action_plan, field=keys.action_plan, label=_("اقدام اصلاحی"),
                                                  limit=rules.ACTION_MAX, required=True, multiline=True),
        "working_days": lambda: _days(data.working_days, keys.working_days, start)[0],
        "article": lambda: rules.clean_public(data.article, field=keys.article, label=_("مستند"),
                                              limit=rules.ARTICLE_MAX),
    }
    before = sum(len(v) for v in errors.values())
    for name, step in steps.items():
        try:
            out[name] = step()
        except ValidationError as exc:
            rules.collect(errors, exc)
    if data.severity not in Severity.values:
        errors.setdefault(keys.severity, []).append(_("شدت یافته را انتخاب کنید."))
    if data.area not in ("", None, *Area.values):
        errors.setdefault(keys.area, []).append(_("حوزه انتخاب‌شده معتبر نیست."))
    out["severity"], out["area"] = data.severity, data.area or ""
    return out if sum(len(v) for v in errors.values()) == before else None


def raise_followup(user: Any, finding: Finding, start: dt.date) -> Finding:
    """The finding's corrective action, owed by its institute, due `working_days` working days after `start`."""
    description = finding.action_plan
    if finding.article:
        description = f"{description}\n{_('مستند')}: {finding.article}"
    item = followups.raise_item(user, owner_unit=finding.visit.institute, title=finding.title,
                                description=description, working_days=finding.working_days, source=finding,
                                source_label=finding.label, start=start)
    finding.followup = item
    finding.save(update_fields=["followup"])
    return finding
