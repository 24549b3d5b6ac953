"""Importing trainees and trainers (registered with the import engine, kit/importing)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from maharat.common.validators import clean_mobile, clean_national_code
from maharat.kit.importing import Column, Importer, Row, register
from maharat.kit.importing.parsers import (
    choices,
    code,
    parse_bool,
    parse_date,
    parse_int,
    require_unit,
    validate,
)

from .models import Nationality, Residence, Sex, TargetGroup, Trainee, Trainer


@register
class TrainerImporter(Importer):
    kind, title, order, model = "trainers", gettext_noop("مربیان"), 20, Trainer
    key_columns = ("national_code",)
    columns = (
        Column("national_code", "کد ملی", parse=clean_national_code, example="0084575948"),
        Column("first_name", "نام", example="کاظم"),
        Column("last_name", "نام خانوادگی", example="مربی"),
        Column("sex", "جنسیت", choices=choices(Sex), example="مرد"),
        Column("employment", "نوع استخدام", choices=choices(Trainer.Employment), example="رسمی"),
        Column("home_unit", "کد واحد محل خدمت", parse=code, example="IR-26-01-C01"),
        Column("qualifications", "مدارک و صلاحیت‌ها", required=False, example="کارشناسی"),
        Column("mobile", "تلفن همراه", required=False, parse=clean_mobile, example="09121234567"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["national_code"],)

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["home_unit"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(t.national_code,): t for t in Trainer.objects.filter(national_code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        t = copy.copy(current) if isinstance(current, Trainer) else Trainer()
        for f in ("national_code", "first_name", "last_name", "sex", "employment"):
            setattr(t, f, data[f])
        t.qualifications, t.mobile = data.get("qualifications") or "", data.get("mobile") or ""
        t.home_unit = require_unit(ctx["units"], data["home_unit"], "home_unit")
        validate(t)
        return t

    def compare_fields(self) -> list[str]:
        return ["first_name", "last_name", "sex", "employment", "home_unit_id", "qualifications", "mobile"]


@register
class TraineeImporter(Importer):
    kind, title, order, model = "trainees", gettext_noop("کارآموزان"), 40, Trainee
    key_columns = ("national_code",)
    columns = (
        Column("national_code", "کد ملی", parse=clean_national_code, example="0499370899"),
        Column("first_name", "نام", example="زهرا"),
        Column("last_name", "نام خانوادگی", example="احمدی"),
        Column("father_name", "نام پدر", required=False, example="علی"),
        Column("sex", "جنسیت", choices=choices(Sex), example="زن"),
        Column("birth_date", "تاریخ تولد", parse=parse_date, example="1380/06/31"),
        Column("residence", "محل سکونت", choices=choices(Residence), example="روستایی"),
        Column("nationality", "تابعیت", required=False, choices=choices(Nationality), example="ایرانی"),
        Column("has_disability", "دارای معلولیت", required=False, parse=parse_bool, example="خیر"),
        Column("income_decile", "دهک درآمدی", required=False, parse=parse_int(1, 10), example="2"),
        Column("decile_assessed_on", "تاریخ تعیین دهک", required=False, parse=parse_date, example="1402/01/20"),
        Column("mobile", "تلفن همراه", required=False, parse=clean_mobile, example="09121234567"),
        Column("registered_unit", "کد واحد ثبت‌کننده", parse=code, example="IR-26-01-C01"),
        Column("target_groups", "گروه‌های هدف", required=False, example="villagers",
               help="کد یا نام گروه‌ها، جدا با ویرگول"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["national_code"],)

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        groups = {}
        for g in TargetGroup.objects.all():
            groups[g.code] = g
            groups[g.name] = g
        return {"units": self.units_by_code({r.data["registered_unit"] for r in parsed}), "groups": groups}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        found = Trainee.objects.filter(national_code__in=[k[0] for k in keys]).prefetch_related("target_groups")
        out: dict[tuple, models.Model] = {}
        for t in found:
            t._groups = sorted(g.pk for g in t.target_groups.all())  # type: ignore[attr-defined]
            out[(t.national_code,)] = t
        return out

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        t = copy.copy(current) if isinstance(current, Trainee) else Trainee()
        for f in ("national_code", "first_name", "last_name", "sex", "birth_date", "residence"):
            setattr(t, f, data[f])
        t.father_name = data.get("father_name") or ""
        t.nationality = data.get("nationality") or Nationality.IRANIAN
        t.has_disability = bool(data.get("has_disability"))
        t.income_decile = data.get("income_decile")
        t.decile_assessed_on = data.get("decile_assessed_on")
        t.mobile = data.get("mobile") or ""
        t.registered_unit = require_unit(ctx["units"], data["registered_unit"], "registered_unit")
        names = [n.strip() for n in (data.get("target_groups") or "").replace("،", ",").split(",") if n.strip()]
        unknown = [n for n in names if n not in ctx["groups"]]
        if unknown:
            raise ValidationError({"target_groups": f"گروه هدف ناشناخته: {'، '.join(unknown)}"})
        t._groups = sorted({ctx["groups"][n].pk for n in names})  # type: ignore[attr-defined]
        validate(t)
        return t

    def differs(self, stored: models.Model, record: models.Model) -> bool:
        return super().differs(stored, record) or stored._groups != record._groups  # type: ignore[attr-defined]

    def export_queryset(self) -> Any:
        return Trainee.objects.select_related("registered_unit").prefetch_related("target_groups").order_by("pk")

    def export_cell(self, obj: models.Model, col: Column) -> Any:
        if col.key == "target_groups":
            return ", ".join(g.code for g in obj.target_groups.all())  # type: ignore[attr-defined]
        return super().export_cell(obj, col)

    def compare_fields(self) -> list[str]:
        return ["first_name", "last_name", "father_name", "sex", "birth_date", "residence", "nationality",
                "has_disability", "income_decile", "decile_assessed_on", "mobile", "registered_unit_id"]

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        # bulk_create sends no signals: the summaries hear of it through the engine's after_write
        # (monitoring/importers.py), the groups are written through their table in bulk too.
        now = timezone.now()
        for t in creates:
            t.created_at = now  # type: ignore[attr-defined]
        Trainee.objects.bulk_create(creates, batch_size=2000)  # type: ignore[arg-type]
        if updates:
            Trainee.objects.bulk_update(updates, self.compare_fields(), batch_size=2000)  # type: ignore[arg-type]
        through = Trainee.target_groups.through
        changed = creates + updates
        through.objects.filter(trainee_id__in=[t.pk for t in updates]).delete()
        through.objects.bulk_create([through(trainee_id=t.pk, targetgroup_id=g) for t in changed
                                     for g in t._groups], batch_size=5000)  # type: ignore[attr-defined]
