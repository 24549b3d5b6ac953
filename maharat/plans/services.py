"""Writing commitments: set them, and spread a parent's commitment over its children by last year's share."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
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
    """HQ sets the provinces' commitments; a province distributes its own among the units below it
    (the permission layer's rule for records owned by the parent unit)."""
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
    """Create, change or (with target None) remove one commitment; audited."""
    if not may_commit(user, unit):
        raise PermissionDenied(_("شما اجازه ثبت تعهد برای این واحد را ندارید."))
    check_indicator(indicator, section)
    existing = Commitment.objects.filter(year=year, unit=unit, indicator=indicator, section=section).first()
    old = snapshot(existing) if existing else None
    if target is None:
        if existing:
            log_write(instance=existing, old=old, unit=unit, user=user, deleted=True)
            existing.delete()
        return None
    commitment = existing or Commitment(year=year, unit=unit, indicator=indicator, section=section)
    commitment.target = Decimal(str(target))
    if reported is not None:
        commitment.reported = Decimal(str(reported))
    commitment.full_clean()
    commitment.save()
    if old != snapshot(commitment):
        log_write(instance=commitment, old=old, unit=unit, user=user)
    return commitment


def split(total: Decimal, shares: dict[int, float]) -> dict[int, Decimal]:
    """Whole-number parts in proportion to shares that add up exactly to the total (largest remainders)."""
    whole = int(total.to_integral_value(rounding=ROUND_HALF_UP))
    raw = {pk: whole * share for pk, share in shares.items()}
    parts = {pk: int(v) for pk, v in raw.items()}
    left = whole - sum(parts.values())
    for pk in sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)[:left]:
        parts[pk] += 1
    return {pk: Decimal(v) for pk, v in parts.items()}


def section_applies(unit: Unit, section: str) -> bool:
    """Private commitments go to counties and free institutes, public ones to everything else."""
    from maharat.org.models import UnitKind

    if unit.kind in (UnitKind.COUNTY, UnitKind.PROVINCE):
        return True
    if section == Section.PRIVATE:
        return unit.kind == UnitKind.FREE_INSTITUTE
    return unit.kind != UnitKind.FREE_INSTITUTE


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
