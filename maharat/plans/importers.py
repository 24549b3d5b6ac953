"""Importing annual commitments (registered with the import engine, kit/importing)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_noop

from maharat.kit.importing import Column, Importer, Row, register
from maharat.kit.importing.parsers import choices, code, parse_decimal, parse_int, require_unit, validate

from .models import Commitment, Section
from .services import check_indicator, may_commit


@register
class CommitmentImporter(Importer):
    kind, title, order, model = "commitments", gettext_noop("تعهدات"), 80, Commitment
    key_columns = ("year", "unit", "indicator", "section")
    columns = (
        Column("year", "سال", parse=parse_int(1390, 1500), example="1405"),
        Column("unit", "کد واحد", parse=code, example="IR-26-01"),
        Column("indicator", "شاخص", example="person_hours"),
        Column("section", "بخش", choices=choices(Section), example="بخش دولتی"),
        Column("target", "تعهد", parse=parse_decimal, example="250000"),
        Column("reported", "عملکرد گزارش‌شده", required=False, parse=parse_decimal, example=""),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["year"], data["unit"], data["indicator"], data["section"])

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["unit"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        stored = Commitment.objects.filter(unit__code__in={k[1] for k in keys} & set(ctx["units"]),
                                           year__in={k[0] for k in keys}).select_related("unit")
        return {(c.year, c.unit.code, c.indicator, c.section): c for c in stored}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        check_indicator(data["indicator"], data["section"])
        c = copy.copy(current) if isinstance(current, Commitment) else Commitment(
            year=data["year"], indicator=data["indicator"], section=data["section"])
        c.unit = require_unit(ctx["units"], data["unit"], "unit")
        c.target, c.reported = data["target"], data.get("reported")
        validate(c)
        return c

    def compare_fields(self) -> list[str]:
        return ["target", "reported"]

    def check_allowed(self, user: Any, record: models.Model, stored: models.Model | None, ctx: dict[str, Any]) -> None:
        # A unit's commitment is set by its parent (plans.services.may_commit), as on the commitments page.
        if user is not None and not may_commit(user, record.unit):  # type: ignore[attr-defined]
            raise ValidationError("شما اجازه ثبت تعهد برای این واحد را ندارید.")
