"""Importing workshops, course runs and enrollments (registered with the import engine, kit/importing).

Each row goes through the record's own rules (the model's clean(), or for enrollments `enrollment_errors`,
which Enrollment.clean asks too), so a file gets the messages a page would give, with the row number.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from maharat.access import policy
from maharat.catalog.models import Cluster, Standard
from maharat.common.bulk import copy_rows, rows_by_key
from maharat.common.validators import clean_national_code
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
from maharat.org.models import TRAINING_KINDS
from maharat.people.models import Trainee, Trainer
from maharat.people.selectors import TOO_MANY_IDENTITY_TRIES, UNKNOWN_TRAINEE, identity_tries

from .models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop, enrollment_errors


@register
class WorkshopImporter(Importer):
    kind, title, order, model = "workshops", gettext_noop("کارگاه‌ها"), 30, Workshop
    key_columns = ("code",)
    columns = (
        Column("code", "کد کارگاه", parse=code, example="IR-26-01-C01-K09"),
        Column("name", "نام کارگاه", example="کارگاه جوشکاری"),
        Column("unit", "کد واحد", parse=code, example="IR-26-01-C01"),
        Column("cluster", "خوشه", choices=choices(Cluster), example="صنعت"),
        Column("seats", "ظرفیت (نفر)", required=False, parse=parse_int(1, 500), example="16"),
        Column("is_fixed", "کارگاه ثابت", required=False, parse=parse_bool, example="بله"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["code"],)

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["unit"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(w.code,): w for w in Workshop.objects.filter(code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        w = copy.copy(current) if isinstance(current, Workshop) else Workshop()
        w.code, w.name, w.cluster = data["code"], data["name"], data["cluster"]
        w.seats = data.get("seats") or 16
        w.is_fixed = True if data.get("is_fixed") is None else data["is_fixed"]
        w.unit = require_unit(ctx["units"], data["unit"], "unit", TRAINING_KINDS)
        validate(w)
        return w

    def compare_fields(self) -> list[str]:
        return ["name", "unit_id", "cluster", "seats", "is_fixed"]


@register
class CourseRunImporter(Importer):
    """A changed run moves its enrollments' figures: monitoring hears of it through the engine's signals."""

    kind, title, order, model = "course_runs", gettext_noop("دوره‌های آموزشی"), 50, CourseRun
    key_columns = ("code",)
    columns = (
        Column("code", "کد دوره", parse=code, example="IR-26-01-C01-1405-0999"),
        Column("unit", "کد واحد برگزارکننده", parse=code, example="IR-26-01-C01"),
        Column("standard", "کد استاندارد", parse=code, example="7212-53-001-1"),
        Column("mode", "شیوه اجرا", choices=choices(DeliveryMode), example="مرکز ثابت"),
        Column("start_date", "تاریخ شروع", parse=parse_date, example="1405/07/01"),
        Column("end_date", "تاریخ پایان", parse=parse_date, example="1405/08/20"),
        Column("hours", "ساعت دوره", required=False, parse=parse_int(1, 3000), example="300"),
        Column("capacity", "ظرفیت", required=False, parse=parse_int(1, 500), example="20"),
        Column("trainer", "کد ملی مربی", required=False, parse=clean_national_code, example=""),
        Column("workshop", "کد کارگاه", required=False, parse=code, example=""),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["code"],)

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        ds = [r.data for r in parsed]
        return {
            "units": self.units_by_code({d["unit"] for d in ds}),
            "standards": {s.code: s for s in Standard.objects.filter(code__in={d["standard"] for d in ds})},
            "trainers": {t.national_code: t for t in self.visible(Trainer.objects.filter(
                national_code__in={d["trainer"] for d in ds if d.get("trainer")}))},
            "workshops": {w.code: w for w in self.visible(Workshop.objects.filter(
                code__in={d["workshop"] for d in ds if d.get("workshop")}))},
        }

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(r.code,): r for r in CourseRun.objects.filter(code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        r = copy.copy(current) if isinstance(current, CourseRun) else CourseRun()
        r.code, r.mode, r.start_date, r.end_date = data["code"], data["mode"], data["start_date"], data["end_date"]
        r.unit = require_unit(ctx["units"], data["unit"], "unit", TRAINING_KINDS)
        standard = ctx["standards"].get(data["standard"])
        if standard is None:
            raise ValidationError({"standard": "استانداردی با این کد وجود ندارد."})
        r.standard = standard
        r.hours = data.get("hours") or standard.total_hours
        r.capacity = data.get("capacity") or 20
        r.trainer = ctx["trainers"].get(data["trainer"]) if data.get("trainer") else None
        if data.get("trainer") and r.trainer is None:
            raise ValidationError({"trainer": "مربی با این کد ملی ثبت نشده است."})
        r.workshop = ctx["workshops"].get(data["workshop"]) if data.get("workshop") else None
        if data.get("workshop") and r.workshop is None:
            raise ValidationError({"workshop": "کارگاهی با این کد وجود ندارد."})
        validate(r)
        return r

    def compare_fields(self) -> list[str]:
        return ["unit_id", "standard_id", "trainer_id", "workshop_id", "mode", "start_date", "end_date", "hours",
                "capacity"]

    def export_queryset(self) -> Any:
        return CourseRun.objects.select_related("unit", "standard", "trainer", "workshop").order_by("pk")


_COURSE_RUN = Enrollment._meta.get_field("course_run")  # build() relies on the field order (exchange tests)
# enrollment_errors names the trainee by the record's field; the file names them by their national code.
_COLUMN_OF_FIELD = {"trainee": "national_code"}


@register
class EnrollmentImporter(Importer):
    kind, title, order, model = "enrollments", gettext_noop("ثبت‌نام‌ها"), 60, Enrollment
    key_columns = ("course_run", "national_code")
    columns = (
        Column("course_run", "کد دوره", parse=code, example="IR-26-01-C01-1405-0999"),
        Column("national_code", "کد ملی کارآموز", parse=clean_national_code, example="0499370899"),
        Column("hours_attended", "ساعت حضور", parse=parse_int(0, 3000), example="300"),
        Column("status", "وضعیت", choices=choices(EnrollmentStatus), example="پایان دوره"),
        Column("birth_date", "تاریخ تولد کارآموز", required=False, parse=parse_date, example="",
               help="فقط برای کارآموزی که در واحد دیگری ثبت شده است، برای تأیید هویت"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["course_run"], data["national_code"])

    def prefetch(self, parsed: list[Row]) -> dict[str, Any]:
        runs = {r.code: r for r in self.visible(CourseRun.objects.select_related("unit").filter(
            code__in={p.data["course_run"] for p in parsed}))}
        # (id, birth date) only: a file of 100,000 rows would otherwise build 100,000 Trainee objects.
        trainees = rows_by_key(Trainee, "national_code", (p.data["national_code"] for p in parsed), ("id", "birth_date"))
        counts = dict(Enrollment.objects.filter(course_run__in=runs.values()).values_list("course_run_id")
                      .annotate(n=models.Count("id")).values_list("course_run_id", "n"))
        return {"runs": runs, "trainees": trainees, "counts": counts, "reachable": self.reachable_trainees(trainees)}

    def reachable_trainees(self, trainees: dict[object, tuple]) -> set[int] | None:
        """Ids of the file's trainees inside the importer's scope (None: all of them, for national roles).
        Anyone else is enrolled only with their birth date in the row (people.selectors.trainee_at_desk)."""
        if self.user is None or policy.actor_of(self.user).national:
            return None
        ids = [t[0] for t in trainees.values()]
        out: set[int] = set()
        for start in range(0, len(ids), 5000):
            part = ids[start:start + 5000]
            out.update(self.visible(Trainee.objects.filter(id__in=part)).values_list("id", flat=True))
        return out

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        out: dict[tuple, models.Model] = {}
        stored = Enrollment.objects.filter(course_run__in=ctx["runs"].values()).select_related("course_run", "trainee")
        wanted = set(keys)
        for e in stored:
            k = (e.course_run.code, e.trainee.national_code)
            if k in wanted:
                out[k] = e
        return out

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        run = ctx["runs"].get(data["course_run"])
        if run is None:
            raise ValidationError({"course_run": "دوره‌ای با این کد وجود ندارد."})
        if isinstance(current, Enrollment):
            e = copy.copy(current)
            born = current.trainee.birth_date
        else:  # positional fields and a cached run: half the cost of Enrollment(course_run=run, ...) per row
            trainee_id, born = self.confirm_identity(ctx["trainees"].get(data["national_code"]), data.get("birth_date"),
                                                     ctx)
            e = Enrollment(None, run.id, trainee_id, 0, EnrollmentStatus.ENROLLED, None)  # type: ignore[misc]
            _COURSE_RUN.set_cached_value(e, run)
            e.identity_confirmed = True  # type: ignore[attr-defined]  # confirm_identity() established it
        e.hours_attended, e.status = data["hours_attended"], data["status"]
        # The model's own rules and messages (Enrollment.clean asks the same function); the run's head count
        # is the stored one plus the file's rows accepted so far.
        taken = None if current is not None else ctx["counts"].get(run.pk, 0)
        errors = enrollment_errors(run, hours_attended=e.hours_attended, status=e.status, birth_date=born, taken=taken)
        if errors:
            raise ValidationError({_COLUMN_OF_FIELD.get(f, f): m for f, m in errors.items()})
        if current is None:
            ctx["counts"][run.pk] = taken + 1  # type: ignore[operator]
        return e

    def confirm_identity(self, trainee: tuple | None, birth_date: dt.date | None, ctx: dict[str, Any]) -> tuple:
        """The row's trainee if reachable: inside the scope, or with the matching birth date (tries counted per
        user as at the desk). Unknown, outside and mismatched get one message."""
        reachable = ctx["reachable"]
        if trainee is not None and (reachable is None or trainee[0] in reachable):
            return trainee
        if birth_date is None:
            raise ValidationError({"national_code": UNKNOWN_TRAINEE})
        tries = identity_tries(self.user)
        if tries.exhausted():
            raise ValidationError({"national_code": TOO_MANY_IDENTITY_TRIES})
        if trainee is None or trainee[1] != birth_date:
            tries.fail()
            raise ValidationError({"national_code": UNKNOWN_TRAINEE})
        return trainee

    def compare_fields(self) -> list[str]:
        return ["hours_attended", "status"]

    def export_queryset(self) -> Any:
        return Enrollment.objects.select_related("course_run", "trainee").order_by("pk")

    def export_cell(self, obj: models.Model, col: Column) -> Any:
        if col.key == "national_code":
            return obj.trainee.national_code  # type: ignore[attr-defined]
        return super().export_cell(obj, col)

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        # COPY on PostgreSQL, ids from the table's own sequence (safe beside other writers); the summaries
        # hear of it through the engine's after_write (monitoring/importers.py), as bulk writes send no signals.
        now = timezone.now()
        copy_rows(Enrollment, ("course_run_id", "trainee_id", "hours_attended", "status", "enrolled_at"),
                  ((e.course_run_id, e.trainee_id, e.hours_attended, e.status, now)  # type: ignore[attr-defined]
                   for e in creates))
        super().write([], updates, ctx)

    def assign_created_ids(self, creates: list[models.Model], ctx: dict[str, Any]) -> None:
        if not creates:
            return
        ids = {(run, trainee): pk for pk, run, trainee in Enrollment.objects.filter(
            course_run_id__in={e.course_run_id for e in creates}).values_list(  # type: ignore[attr-defined]
            "id", "course_run_id", "trainee_id")}
        for e in creates:
            e.pk = ids.get((e.course_run_id, e.trainee_id))  # type: ignore[attr-defined]
