"""Loans from a spreadsheet: the engine gives scope, the period-free write, the bulk write and the audit."""

from __future__ import annotations

import copy
from typing import Any

from django.db import models

from maharat.kit.importing import Column, Importer, Row, register
from maharat.kit.importing.parsers import code, parse_int, require_unit, validate

from .models import EquipmentLoan


@register
class LoanImporter(Importer):
    kind, title, order, model = "equipment_loans", "امانت تجهیزات", 100, EquipmentLoan
    key_columns = ("code",)
    columns = (
        Column("code", "کد امانت", parse=code, example="L-1"),
        Column("item", "تجهیزات", example="دستگاه جوش"),
        Column("quantity", "تعداد", parse=parse_int(1, 1000), example="2"),
        Column("unit", "کد واحد امانت‌دهنده", parse=code, example="IR-26-01-C01"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["code"],)

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["unit"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(loan.code,): loan for loan in EquipmentLoan.objects.filter(code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        loan = copy.copy(current) if isinstance(current, EquipmentLoan) else EquipmentLoan()
        loan.code, loan.item, loan.quantity = data["code"], data["item"], data["quantity"]
        loan.unit = require_unit(ctx["units"], data["unit"], "unit")
        validate(loan)
        return loan

    def compare_fields(self) -> list[str]:
        return ["item", "quantity", "unit_id"]
