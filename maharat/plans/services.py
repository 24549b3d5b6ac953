"""Writing commitments and evaluation remarks (spreading a commitment over the units below: spread.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.audit.services import log_write, snapshot
from maharat.org.models import Unit

from .indicators import INDICATORS
from .models import EXEC_INDICATORS, Commitment, EvaluationRemark, Section


def may_commit(user: Any, unit: Unit) -> bool:
    """May the user set commitments of this unit? For pages and the API to offer the form; the write itself
    asks the permission layer about the actual record (set_commitment). HQ sets the provinces' commitments and
    a province distributes its own among the units below it: a commitment belongs to its unit's parent."""
    return policy.can(user, "change", Commitment(unit=unit))


def check_indicator(indicator: str, section: str) -> None:
    if section == Section.EXEC_RESEARCH:
        if indicator not in EXEC_INDICATORS:
            raise ValidationError({"indicator": _("این شاخص در تعهدات اجرایی و پژوهشی تعریف نشده است.")})
    elif indicator not in INDICATORS or not INDICATORS[indicator].committable:
        raise ValidationError({"indicator": _("برای این شاخص نمی‌توان تعهد ثبت کرد.")})


@transaction.atomic
def set_commitment(*, user: Any, unit: Unit, year: int, indicator: str, section: str, target: Decimal | float | None,
                   reported: Decimal | float | None = None) -> Commitment | None:
    """Create, change or (with target None) remove one commitment; checked by the permission layer, audited."""
    existing = Commitment.objects.filter(year=year, unit=unit, indicator=indicator, section=section).first()
    commitment = existing or Commitment(year=year, unit=unit, indicator=indicator, section=section)
    action = "add" if existing is None else ("delete" if target is None else "change")
    try:
        policy.require(user, action, commitment)
    except PermissionDenied:
        # The pages, the API and imports show this message: it names what was refused.
        raise PermissionDenied(_("شما اجازه ثبت تعهد برای این واحد را ندارید.")) from None
    check_indicator(indicator, section)
    old = snapshot(existing) if existing else None
    if target is None:
        if existing:
            log_write(instance=existing, old=old, unit=unit, user=user, deleted=True)
            existing.delete()
        return None
    commitment.target = Decimal(str(target))
    declared = INDICATORS.get(indicator)
    if declared is not None and declared.percent and not 0 <= commitment.target <= 100:
        raise ValidationError({"target": _("هدف این شاخص درصد است و باید بین ۰ و ۱۰۰ باشد.")})
    if reported is not None:
        commitment.reported = Decimal(str(reported))
    commitment.full_clean()
    commitment.save()
    if old != snapshot(commitment):
        log_write(instance=commitment, old=old, unit=unit, user=user)
    return commitment


@transaction.atomic
def set_remark(*, user: Any, unit: Unit, year: int, text: str) -> EvaluationRemark | None:
    """The evaluation meeting's remark on a unit for a year (empty text removes it), audited like any write."""
    text = text.strip()
    existing = EvaluationRemark.objects.filter(year=year, unit=unit).first()
    old = snapshot(existing) if existing else None
    if not text:
        if existing:
            log_write(instance=existing, old=old, unit=unit, user=user, deleted=True)
            existing.delete()
        return None
    remark = existing or EvaluationRemark(year=year, unit=unit)
    remark.text = text
    remark.full_clean()
    remark.save()
    if old != snapshot(remark):
        log_write(instance=remark, old=old, unit=unit, user=user)
    return remark
