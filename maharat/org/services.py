"""Writes to the organisation tree. Paths, depth, province and county are derived here and nowhere else."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from .models import ALLOWED_PARENTS, Unit, UnitKind
from .signals import unit_moved

CODE_PREFIX = {
    UnitKind.COUNTY: "",
    UnitKind.FIXED_CENTER: "C",
    UnitKind.URBAN_BRANCH: "B",
    UnitKind.WORKPLACE_CENTER: "W",
    UnitKind.FREE_INSTITUTE: "I",
    UnitKind.PARTNER: "P",
    UnitKind.ASSESSMENT_CENTER: "S",
}


def check_parent(kind: str, parent: Unit | None) -> None:
    """Raise a Persian, field-named error when `kind` may not sit under `parent`."""
    allowed = ALLOWED_PARENTS[UnitKind(kind)]
    if not allowed:
        if parent is not None:
            raise ValidationError({"parent": _("ستاد سازمان واحد بالادست ندارد.")})
        return
    if parent is None:
        raise ValidationError({"parent": _("واحد بالادست را انتخاب کنید.")})
    if parent.kind not in allowed:
        names = "، ".join(str(UnitKind(k).label) for k in allowed)
        raise ValidationError(
            {"parent": _("«{kind}» باید زیر یکی از این واحدها باشد: {names}.").format(kind=UnitKind(kind).label, names=names)}
        )


def derive_position(unit: Unit) -> None:
    """Fill path, depth, province and county from the parent."""
    parent = unit.parent
    unit.path = (parent.path if parent else "") + unit.code + "/"
    unit.depth = parent.depth + 1 if parent else 0
    if unit.kind == UnitKind.PROVINCE:
        unit.province, unit.county = None, None
    elif parent is None:
        unit.province = unit.county = None
    else:
        unit.province = parent if parent.kind == UnitKind.PROVINCE else parent.province
        unit.county = parent if parent.kind == UnitKind.COUNTY else parent.county


def next_code(parent: Unit, kind: str) -> str:
    """Stable codes: IR-26 (province), IR-26-03 (county), IR-26-03-C02 (a center in it), ..."""
    prefix = f"{parent.code}-{CODE_PREFIX[UnitKind(kind)]}"
    taken = set(Unit.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    width = 2 if kind in (UnitKind.COUNTY, UnitKind.FIXED_CENTER, UnitKind.URBAN_BRANCH) else 4
    n = 1
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"


@transaction.atomic
def unit_create(*, kind: str, name: str, parent: Unit | None, code: str = "", **fields: Any) -> Unit:
    check_parent(kind, parent)
    unit = Unit(kind=kind, name=name, parent=parent, code=(code or "").upper(), **fields)
    if not unit.code:
        if parent is None:
            raise ValidationError({"code": _("کد واحد را وارد کنید.")})
        unit.code = next_code(parent, kind)
    derive_position(unit)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, unit: Unit, **fields: Any) -> Unit:
    """Change a unit's own fields; a new parent moves the whole subtree with it."""
    new_parent = fields.pop("parent", unit.parent)
    for key, value in fields.items():
        setattr(unit, key, value)
    old_parent_id = Unit.objects.values_list("parent_id", flat=True).get(pk=unit.pk)
    if (new_parent.pk if new_parent else None) != old_parent_id:
        return unit_move(unit=unit, new_parent=new_parent, save_fields=True)
    unit.full_clean()
    unit.save()
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit, save_fields: bool = False) -> Unit:
    check_parent(unit.kind, new_parent)
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("واحد را نمی‌توان زیر خودش یا زیرمجموعه‌اش منتقل کرد.")})
    old_path = Unit.objects.values_list("path", flat=True).get(pk=unit.pk)
    unit.parent = new_parent
    derive_position(unit)
    unit.full_clean()
    unit.save()
    # Rewrite every descendant's path in one statement, then re-derive province/county level by level.
    Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
        path=Concat(Value(unit.path), Substr(F("path"), len(old_path) + 1))
    )
    for child in Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).order_by("depth"):
        child.depth = child.path.count("/") - 1
        parent = Unit.objects.get(pk=child.parent_id)
        child.province = parent if parent.kind == UnitKind.PROVINCE else parent.province
        child.county = parent if parent.kind == UnitKind.COUNTY else parent.county
        child.save(update_fields=["depth", "province", "county"])
    unit_moved.send(sender=Unit, unit=unit, old_path=old_path)
    return unit
