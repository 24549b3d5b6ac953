"""The kinds of data that can be imported, each declared once: its columns and how a row becomes a record."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from maharat.access import policy
from maharat.assessment.models import Candidate, TestSession
from maharat.assessment.services import decide
from maharat.catalog.models import Cluster, Standard
from maharat.common import jalali
from maharat.common.bulk import copy_rows, rows_by_key
from maharat.common.persian import normalize_digits
from maharat.common.validators import clean_mobile, clean_national_code
from maharat.org.models import PartnerType, Unit, UnitKind
from maharat.people.models import Nationality, Residence, Sex, TargetGroup, Trainee, Trainer
from maharat.plans.models import Commitment, Section
from maharat.training.models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop

from .base import Column, Importer

# ------------------------------------------------------------------------------------------------ parsers


def parse_date(text: str) -> dt.date:
    """Jalali in the common forms (1402/05/07, ۱۴۰۲/۰۵/۰۷, 1402-5-7), or a Gregorian date cell."""
    digits = normalize_digits(text).strip()
    if len(digits) == 10 and digits[4] == "-" and digits.startswith(("19", "20")):
        return dt.date.fromisoformat(digits)
    try:
        return jalali.parse(digits)
    except jalali.JalaliDateError as exc:
        raise ValidationError(str(exc)) from exc


def parse_int(low: int, high: int) -> Any:
    def parse(text: str) -> int:
        digits = normalize_digits(text).replace(",", "").replace("٬", "").strip()
        if digits.endswith(".0"):
            digits = digits[:-2]
        if not digits.lstrip("-").isdigit():
            raise ValidationError("باید عدد صحیح باشد.")
        value = int(digits)
        if not low <= value <= high:
            raise ValidationError(f"باید بین {low} و {high} باشد.")
        return value
    return parse


def parse_decimal(text: str) -> Decimal:
    try:
        value = Decimal(normalize_digits(text).replace(",", "").replace("٬", "").strip())
    except InvalidOperation as exc:
        raise ValidationError("باید عدد باشد.") from exc
    if value < 0:
        raise ValidationError("نمی‌تواند منفی باشد.")
    return value


def parse_bool(text: str) -> bool:
    value = normalize_digits(text).strip().lower()
    if value in ("1", "بله", "آری", "دارد", "true", "yes", "x", "✓"):
        return True
    if value in ("0", "خیر", "نه", "ندارد", "false", "no", "-"):
        return False
    raise ValidationError("باید «بله» یا «خیر» باشد.")


def code(text: str) -> str:
    return normalize_digits(text).strip().upper()


def choices(enum: Any) -> tuple[tuple[str, str], ...]:
    return tuple((value, str(label)) for value, label in enum.choices)


def require_unit(units: dict[str, Unit], value: str, field: str, kinds: tuple[str, ...] | None = None) -> Unit:
    unit = units.get(value)
    if unit is None or (kinds and unit.kind not in kinds):
        raise ValidationError({field: "واحدی با این کد (از نوع مناسب) وجود ندارد."})
    return unit


TRAINING_UNIT_KINDS = (UnitKind.FIXED_CENTER, UnitKind.URBAN_BRANCH, UnitKind.WORKPLACE_CENTER,
                       UnitKind.FREE_INSTITUTE, UnitKind.PARTNER)


def _validate(record: models.Model, exclude: list[str] | None = None) -> None:
    """Model validation without the per-row unique queries (uniqueness is checked in bulk by the engine)."""
    record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


# ------------------------------------------------------------------------------------------------ kinds


class TraineeImporter(Importer):
    kind, title, model = "trainees", "کارآموزان", Trainee
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

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
        groups = {}
        for g in TargetGroup.objects.all():
            groups[g.code] = g
            groups[g.name] = g
        return {"units": self.units_by_code({r.data["registered_unit"] for r in parsed}), "groups": groups, "m2m": {}}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        found = Trainee.objects.filter(national_code__in=[k[0] for k in keys]).prefetch_related("target_groups")
        out = {}
        for t in found:
            t._groups = sorted(g.pk for g in t.target_groups.all())  # type: ignore[attr-defined]
            out[(t.national_code,)] = t
        return out

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        t = copy.copy(current) if current is not None else Trainee()
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
        _validate(t)
        return t

    def differs(self, stored: models.Model, record: models.Model) -> bool:
        return super().differs(stored, record) or stored._groups != record._groups  # type: ignore[attr-defined]

    def export_queryset(self) -> Any:
        return Trainee.objects.select_related("registered_unit").prefetch_related("target_groups").order_by("pk")

    def export_cell(self, obj: models.Model, col: Column) -> Any:
        if col.key == "target_groups":
            return ", ".join(g.code for g in obj.target_groups.all())
        return super().export_cell(obj, col)

    def compare_fields(self) -> list[str]:
        return ["first_name", "last_name", "father_name", "sex", "birth_date", "residence", "nationality",
                "has_disability", "income_decile", "decile_assessed_on", "mobile", "registered_unit_id"]

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        now = timezone.now()
        for t in creates:
            t.created_at = now
        Trainee.objects.bulk_create(creates, batch_size=2000)
        if updates:
            Trainee.objects.bulk_update(updates, self.compare_fields(), batch_size=2000)
        through = Trainee.target_groups.through
        changed = creates + updates
        through.objects.filter(trainee_id__in=[t.pk for t in updates]).delete()
        through.objects.bulk_create([through(trainee_id=t.pk, targetgroup_id=g) for t in changed for g in t._groups],
                                    batch_size=5000)

    def touched(self, records: list[models.Model], ctx: dict[str, Any]) -> None:
        from maharat.monitoring import summaries
        from maharat.monitoring.signals import trainee_slices

        for t in records:
            if t.pk:
                summaries.mark(trainee_slices(t.pk))


class TrainerImporter(Importer):
    kind, title, model = "trainers", "مربیان", Trainer
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

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["home_unit"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(t.national_code,): t for t in Trainer.objects.filter(national_code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        t = copy.copy(current) if current is not None else Trainer()
        for f in ("national_code", "first_name", "last_name", "sex", "employment"):
            setattr(t, f, data[f])
        t.qualifications, t.mobile = data.get("qualifications") or "", data.get("mobile") or ""
        t.home_unit = require_unit(ctx["units"], data["home_unit"], "home_unit")
        _validate(t)
        return t

    def compare_fields(self) -> list[str]:
        return ["first_name", "last_name", "sex", "employment", "home_unit_id", "qualifications", "mobile"]


class WorkshopImporter(Importer):
    kind, title, model = "workshops", "کارگاه‌ها", Workshop
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

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["unit"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(w.code,): w for w in Workshop.objects.filter(code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        w = copy.copy(current) if current is not None else Workshop()
        w.code, w.name, w.cluster = data["code"], data["name"], data["cluster"]
        w.seats = data.get("seats") or 16
        w.is_fixed = True if data.get("is_fixed") is None else data["is_fixed"]
        w.unit = require_unit(ctx["units"], data["unit"], "unit", TRAINING_UNIT_KINDS)
        _validate(w)
        return w

    def compare_fields(self) -> list[str]:
        return ["name", "unit_id", "cluster", "seats", "is_fixed"]


class UnitImporter(Importer):
    kind, title, model = "units", "واحدها", Unit
    key_columns = ("code",)
    columns = (
        Column("code", "کد واحد", parse=code, example="IR-26-01-I0999"),
        Column("name", "نام", example="آموزشگاه آزاد نمونه قزوین"),
        Column("kind", "نوع واحد", choices=choices(UnitKind), example="آموزشگاه آزاد"),
        Column("parent", "کد واحد بالادست", parse=code, example="IR-26-01"),
        Column("cluster", "خوشه", required=False, choices=choices(Cluster), example="خدمات"),
        Column("partner_type", "نوع شریک", required=False, choices=choices(PartnerType), example=""),
        Column("address", "نشانی", required=False, example="قزوین، خیابان ..."),
        Column("phone", "تلفن", required=False, example="02833333333"),
    )

    def key(self, data: dict[str, Any]) -> tuple:
        return (data["code"],)

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["parent"] for r in parsed} | {r.data["code"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        return {(u.code,): u for u in Unit.objects.filter(code__in=[k[0] for k in keys])}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        from maharat.org.services import check_parent, derive_position

        u = copy.copy(current) if current is not None else Unit(kind=data["kind"])
        if current is not None and current.kind != data["kind"]:
            raise ValidationError({"kind": "نوع واحد موجود را نمی‌توان با ورود داده تغییر داد."})
        parent = ctx["units"].get(data["parent"])
        if parent is None:
            raise ValidationError({"parent": "واحد بالادست با این کد وجود ندارد (واحد بالادست باید پیش‌تر ثبت شده باشد)."})
        if current is not None and current.parent_id != parent.pk:
            raise ValidationError({"parent": "جابه‌جایی واحد در درخت با ورود داده ممکن نیست؛ از صفحه واحد استفاده کنید."})
        check_parent(u.kind, parent)
        u.code, u.name, u.parent = data["code"], data["name"], parent
        u.cluster, u.partner_type = data.get("cluster") or "", data.get("partner_type") or ""
        u.address, u.phone = data.get("address") or "", data.get("phone") or ""
        if u.kind == UnitKind.FREE_INSTITUTE and not u.cluster:
            raise ValidationError({"cluster": "خوشه آموزشگاه آزاد را بنویسید."})
        derive_position(u)
        _validate(u)
        return u

    def compare_fields(self) -> list[str]:
        return ["name", "cluster", "partner_type", "address", "phone"]

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        for u in sorted(creates, key=lambda x: x.depth):
            u.save()
        if updates:
            Unit.objects.bulk_update(updates, self.compare_fields(), batch_size=2000)


class CourseRunImporter(Importer):
    kind, title, model = "course_runs", "دوره‌های آموزشی", CourseRun
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

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
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
        r = copy.copy(current) if current is not None else CourseRun()
        r.code, r.mode, r.start_date, r.end_date = data["code"], data["mode"], data["start_date"], data["end_date"]
        r.unit = require_unit(ctx["units"], data["unit"], "unit", TRAINING_UNIT_KINDS)
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
        _validate(r)
        return r

    def compare_fields(self) -> list[str]:
        return ["unit_id", "standard_id", "trainer_id", "workshop_id", "mode", "start_date", "end_date", "hours", "capacity"]

    def export_queryset(self) -> Any:
        return CourseRun.objects.select_related("unit", "standard", "trainer", "workshop").order_by("pk")

    def touched(self, records: list[models.Model], ctx: dict[str, Any]) -> None:
        """A changed run moves its enrollments' figures, their test results and their trainees' attribution:
        the same keys the signals use for a page's save (monitoring.signals.run_keys), before and after."""
        from maharat.monitoring import summaries
        from maharat.monitoring.signals import run_keys

        slices, trainees = ctx.get("old_keys", (set(), set()))
        for r in records:
            if r.pk in ctx.get("updated_ids", ()):
                new_slices, new_trainees = run_keys(r.unit_id, r.end_date, r.pk)
                slices, trainees = slices | new_slices, trainees | new_trainees
        summaries.mark(slices, trainees)

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        from maharat.monitoring.signals import run_keys

        slices: set = set()
        trainees: set = set()
        for pk, unit_id, end in CourseRun.objects.filter(pk__in=[r.pk for r in updates]).values_list("pk", "unit_id", "end_date"):
            old_slices, old_trainees = run_keys(unit_id, end, pk)
            slices |= old_slices
            trainees |= old_trainees
        ctx["old_keys"], ctx["updated_ids"] = (slices, trainees), {r.pk for r in updates}
        super().write(creates, updates, ctx)


_COURSE_RUN = Enrollment._meta.get_field("course_run")  # build() relies on the field order (exchange tests)


class EnrollmentImporter(Importer):
    kind, title, model = "enrollments", "ثبت‌نام‌ها", Enrollment
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

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
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
        out = {}
        rows = Enrollment.objects.filter(course_run__in=ctx["runs"].values()).select_related("course_run", "trainee")
        wanted = set(keys)
        for e in rows:
            k = (e.course_run.code, e.trainee.national_code)
            if k in wanted:
                out[k] = e
        return out

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        run = ctx["runs"].get(data["course_run"])
        if run is None:
            raise ValidationError({"course_run": "دوره‌ای با این کد وجود ندارد."})
        trainee = ctx["trainees"].get(data["national_code"])
        if current is None:
            trainee = self.confirm_identity(trainee, data.get("birth_date"), ctx)
        trainee_id, born = trainee
        if current is not None:
            e = copy.copy(current)
        else:  # positional fields and a cached run: half the cost of Enrollment(course_run=run, ...) per row
            e = Enrollment(None, run.id, trainee_id, 0, EnrollmentStatus.ENROLLED, None)
            _COURSE_RUN.set_cached_value(e, run)
            e.identity_confirmed = True  # confirm_identity() has established that the trainee may be enrolled here
        e.hours_attended, e.status = data["hours_attended"], data["status"]
        if e.hours_attended > run.hours:
            raise ValidationError({"hours_attended": f"ساعت حضور نمی‌تواند بیش از ساعت دوره ({run.hours}) باشد."})
        if e.status == EnrollmentStatus.COMPLETED and e.hours_attended == 0:
            raise ValidationError({"hours_attended": "برای پایان دوره، ساعت حضور را وارد کنید."})
        if current is None:
            ctx["counts"][run.pk] = ctx["counts"].get(run.pk, 0) + 1
            if ctx["counts"][run.pk] > run.capacity:
                raise ValidationError({"course_run": f"ظرفیت این دوره ({run.capacity} نفر) پر است."})
            age = run.start_date.year - born.year - ((run.start_date.month, run.start_date.day) < (born.month, born.day))
            if age < Enrollment.MIN_AGE:
                raise ValidationError({"national_code": "سن کارآموز در آغاز دوره کمتر از ۱۵ سال است."})
        return e

    def confirm_identity(self, trainee: tuple | None, birth_date: dt.date | None, ctx: dict[str, Any]) -> tuple:
        """The row's trainee if reachable: inside the scope, or with the matching birth date (tries counted per
        user as at the desk). Unknown, outside and mismatched get one message."""
        from maharat.people.selectors import TOO_MANY_IDENTITY_TRIES, UNKNOWN_TRAINEE, identity_tries

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
            return obj.trainee.national_code
        return super().export_cell(obj, col)

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        # COPY on PostgreSQL, ids from the table's own sequence (safe beside other writers); the summaries
        # are told what changed by touched(), as for bulk_create, which sends no signals either.
        now = timezone.now()
        copy_rows(Enrollment, ("course_run_id", "trainee_id", "hours_attended", "status", "enrolled_at"),
                  ((e.course_run_id, e.trainee_id, e.hours_attended, e.status, now) for e in creates))
        super().write([], updates, ctx)

    def assign_created_ids(self, creates: list[models.Model], ctx: dict[str, Any]) -> None:
        if not creates:
            return
        ids = dict(((run, trainee), pk) for pk, run, trainee in Enrollment.objects.filter(
            course_run_id__in={e.course_run_id for e in creates}).values_list("id", "course_run_id", "trainee_id"))
        for e in creates:
            e.pk = ids.get((e.course_run_id, e.trainee_id))

    def touched(self, records: list[models.Model], ctx: dict[str, Any]) -> None:
        from maharat.monitoring import summaries

        of_run: dict[int, tuple[int, int, int]] = {}  # a file has many rows per course run
        trainee_years = set()
        for e in records:
            s = of_run.get(e.course_run_id)
            if s is None:
                s = of_run[e.course_run_id] = summaries.slice_of(e.course_run.unit_id, e.course_run.end_date)
            trainee_years.add((e.trainee_id, s[1]))
        summaries.mark(set(of_run.values()), trainee_years)


class CommitmentImporter(Importer):
    kind, title, model = "commitments", "تعهدات", Commitment
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

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
        return {"units": self.units_by_code({r.data["unit"] for r in parsed})}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        rows = Commitment.objects.filter(unit__code__in={k[1] for k in keys} & set(ctx["units"]),
                                         year__in={k[0] for k in keys}).select_related("unit")
        return {(c.year, c.unit.code, c.indicator, c.section): c for c in rows}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        from maharat.plans.services import check_indicator

        check_indicator(data["indicator"], data["section"])
        c = copy.copy(current) if current is not None else Commitment(year=data["year"], indicator=data["indicator"],
                                                                       section=data["section"])
        c.unit = require_unit(ctx["units"], data["unit"], "unit")
        c.target, c.reported = data["target"], data.get("reported")
        _validate(c)
        return c

    def compare_fields(self) -> list[str]:
        return ["target", "reported"]

    def check_allowed(self, user: Any, record: models.Model, stored: models.Model | None, ctx: dict[str, Any]) -> None:
        from maharat.plans.services import may_commit

        if user is not None and not may_commit(user, record.unit):
            raise ValidationError("شما اجازه ثبت تعهد برای این واحد را ندارید.")


class ResultImporter(Importer):
    kind, title, model = "assessment_results", "نتایج آزمون", Candidate
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

    def prefetch(self, parsed: list[Any]) -> dict[str, Any]:
        return {"sessions": {s.code: s for s in self.visible(TestSession.objects.filter(
            code__in={r.data["session"] for r in parsed}))}}

    def existing(self, keys: list[tuple], ctx: dict[str, Any]) -> dict[tuple, models.Model]:
        rows = Candidate.objects.filter(session__in=ctx["sessions"].values()).select_related("session", "trainee")
        return {(c.session.code, c.trainee.national_code): c for c in rows}

    def build(self, data: dict[str, Any], current: models.Model | None, ctx: dict[str, Any]) -> models.Model:
        if data["session"] not in ctx["sessions"]:
            raise ValidationError({"session": "آزمونی با این کد وجود ندارد."})
        if current is None:
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
        from maharat.access import policy

        if user is not None and not policy.can(user, "change", record):
            raise ValidationError("شما اجازه ثبت نتیجه برای این آزمون را ندارید.")

    def write(self, creates: list[models.Model], updates: list[models.Model], ctx: dict[str, Any]) -> None:
        for c in updates:  # few rows per test; save() keeps the monitoring figures in step through its signals
            c.save(update_fields=self.compare_fields())


IMPORTERS: dict[str, type[Importer]] = {
    cls.kind: cls for cls in (UnitImporter, TrainerImporter, WorkshopImporter, TraineeImporter, CourseRunImporter,
                              EnrollmentImporter, ResultImporter, CommitmentImporter)
}
