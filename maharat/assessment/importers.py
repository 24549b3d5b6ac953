"""Importing test results for registered candidates (registered with the import engine, kit/importing)."""

from __future__ import annotations

import copy
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_noop

from maharat.access import policy
from maharat.common.validators import clean_national_code
from maharat.kit.importing import Column, Importer, Row, register
from maharat.kit.importing.parsers import code, parse_bool, parse_int

from .models import Candidate, TestSession
from .services import decide


@register
class ResultImporter(Importer):
    kind, title, order, model = "assessment_results", gettext_noop("نتایج آزمون"), 70, Candidate
    import_action = "change"  # results are entered for candidates registered beforehand
    key_columns = ("session", "national_code")
    columns = (
        Column("session", "کد آزمون", parse=code, example="T-IR-26-01-C01-1405-0001"),
        Column("national_code", "کد ملی داوطلب", parse=clean_national_code, example="0499370899"),
        Column("theory_score", "نمره نظری", required=False, parse=parse_int(0, 100), example="75"),
        Column("practice_score", "نمره عملی", required=False, parse=parse_int(0, 100), example="88"),
        Column("absent", "غایب", required=False, parse=parse_bool, example="خیر"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["session"], data["national_code"])

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        return {"sessions": {s.code: s for s in self.visible(TestSession.objects.filter(
            code__in={r.data["session"] for r in parsed}))}}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        stored = Candidate.objects.filter(session__in=ctx["sessions"].values()).select_related("session", "trainee")
        return {(c.session.code, c.trainee.national_code): c for c in stored}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        if data["session"] not in ctx["sessions"]:
            raise ValidationError({"session": "آزمونی با این کد وجود ندارد."})
        if not isinstance(current, Candidate):
            raise ValidationError({"national_code": "این داوطلب در این آزمون ثبت نشده است؛ ابتدا داوطلبان را ثبت کنید."})
        if current.session.is_closed:
            raise ValidationError({"session": "نتایج این آزمون نهایی شده است."})
        c = copy.copy(current)
        if data.get("absent"):
            c.theory_score, c.practice_score, c.result = None, None, "absent"
        else:
            c.theory_score, c.practice_score = data.get("theory_score"), data.get("practice_score")
            c.result = decide(c)
        return c

    def compare_fields(self) -> list[str]:
        return ["theory_score", "practice_score", "result"]

    def check_allowed(self, user: Any, record: models.Model, stored: models.Model | None, ctx: dict[str, Any]) -> None:
        if user is not None and not policy.can(user, "change", record):
            raise ValidationError("شما اجازه ثبت نتیجه برای این آزمون را ندارید.")

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        for c in updates:  # few rows per test; save() keeps the monitoring figures in step through its signals
            c.save(update_fields=self.compare_fields())
