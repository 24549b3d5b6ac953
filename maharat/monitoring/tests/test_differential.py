"""Differential test: random sequences of writes through every path keep the figures exact.

Hypothesis drives a state machine over a small tree (maharat.factories): page forms through the Django
test client, the REST API (session auth), imports (exchange.services.start_import), catalogue edits, unit
moves, trainee edits, deletions, test results and certificates. After every step:

1. every summary table equals a recomputation from the raw records (monitoring/verify.py: 0 differences);
2. the national scorecard, the provinces' rows and the cluster and target-group breakdowns equal a plain
   aggregation of the raw records written here, without the summary code or its SQL;
3. every trainee's name is stored in normal form (Persian ی and ک), whichever channel wrote it.

Budgets: HYPOTHESIS_PROFILE=ci (default, `make test`: fixed and derandomised) or long (many more, random).
A path known to be broken can be left out with KNOWN_STALE_PATHS (see below) until it is fixed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import time
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from maharat.approval.locks import Period, lock_reason
from maharat.assessment import services as assessment
from maharat.assessment.models import Candidate, Certificate, Result
from maharat.assessment.models import TestSession as Sitting
from maharat.catalog.models import Cluster, Standard
from maharat.common import jalali
from maharat.common.persian import normalize
from maharat.exchange.services import start_import
from maharat.factories import (
    TODAY,
    CourseRunFactory,
    EnrollmentFactory,
    StandardFactory,
    TraineeFactory,
    WorkshopFactory,
    make_unit,
    national_code,
)
from maharat.monitoring import verify
from maharat.monitoring.breakdowns import breakdown
from maharat.monitoring.selectors import node_measures, scorecard
from maharat.org.models import Unit, UnitKind
from maharat.org.services import unit_move
from maharat.people.models import TargetGroup, Trainee
from maharat.plans.indicators import INDICATORS, compute
from maharat.training.models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop

pytestmark = pytest.mark.django_db

# Paths known to leave the figures wrong, kept out of the random writes until fixed (then remove the name).
# The names the rules understand (each found by this test at c478f58, fixed in 3e16247, so none is listed):
# - "standard_cluster": a standard's cluster changed on its edit page (the Fact breakdown by cluster);
# - "run_import_move": the course-run import moving a run to another unit or Jalali year;
# - "api_text": Arabic ي and ك sent through the API (stored as sent instead of normalised);
# - "admin_unit_kind": a unit's kind changed in the admin, public ↔ private (found by this test: every summary
#   row of the unit kept the old sector; the admin now shows kind and code read-only, as pages and imports do).
KNOWN_STALE_PATHS: frozenset[str] = frozenset()
# DIFFERENTIAL_SKIP=name,name adds to them for one run: Hypothesis reports one failure per assertion, so a
# second bug behind the same invariant shows only once the first is set aside.
KNOWN_STALE_PATHS |= frozenset(name for name in os.environ.get("DIFFERENTIAL_SKIP", "").split(",") if name)

# CI's fixed budget (about 50 s on PostgreSQL; every path is also taken once by the test below it): 8 runs of
# 15 steps, the same 8 each time. `make differential-long`: 200 random runs of 40.
settings.register_profile("ci", max_examples=8, stateful_step_count=15, deadline=None, derandomize=True,
                          database=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=200, stateful_step_count=40, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))


def profile() -> settings:
    name = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    return settings.get_profile(name if name in ("ci", "long") else "ci")


# Today is maharat.factories.TODAY: conftest.py sets the clock to it. Days from today a course may end on: this
# month, the next ones, across Nowruz, next year. Never in the past, so that the period is still open to pages,
# the API and imports (approval.locks).
OFFSETS = (0, 12, 35, 70, 110, 150, 250, 400)
TRAINING_UNITS = ("A", "A1", "B", "C", "I", "W")  # see the world fixture
MOVABLE = ("A", "B", "I", "W")  # centers (A with its branch A1) and institutes that may change county
COUNTIES = ("c1", "c2", "c3")
STANDARDS = ("S1", "S2", "S3")
MODES = (DeliveryMode.FIXED_CENTER, DeliveryMode.WORKPLACE, DeliveryMode.RURAL_MOBILE, DeliveryMode.FREE_INSTITUTE)
STATUSES = tuple(EnrollmentStatus.values)
ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})

# Writes that were accepted, per path, over all examples: a path never taken would prove nothing. And the
# seconds spent in each invariant (printed with DIFFERENTIAL_VERBOSE=1).
TAKEN: Counter[str] = Counter()
SPENT: Counter[str] = Counter()


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def jdate(value: dt.date | None) -> str:
    return jalali.format_date(value, persian_digits=False) if value else ""


def csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode()


# ----------------------------------------------------------------------------------------- the world
@pytest.fixture
def world(db, user) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return build_world(user)


def build_world(user: Any, *, check: bool = True) -> dict[str, int]:
    """Two provinces, three counties, five training units (a center with a branch, a center in each other
    county, a free institute, a workplace-adjacent center), three standards, ten trainees, six course runs
    (one in a closed past month) with enrollments, a test with a certificate. Names → ids.

    Also built inside the national dataset by bench/run.py (the long differential at volume, issue 13), where
    `check=False` leaves out the full check of the summaries (minutes there; the bench checks the touched
    slices after the writes)."""
    qazvin, east_az = Unit.objects.get(code="IR-26"), Unit.objects.get(code="IR-03")
    c1 = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان یک")
    c2 = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان دو")
    c3 = make_unit(UnitKind.COUNTY, parent=east_az, name="شهرستان سه")
    a = make_unit(UnitKind.FIXED_CENTER, parent=c1, name="مرکز الف")
    units = {
        "c1": c1, "c2": c2, "c3": c3, "A": a,
        "A1": make_unit(UnitKind.URBAN_BRANCH, parent=a, name="شعبه الف"),
        "B": make_unit(UnitKind.FIXED_CENTER, parent=c2, name="مرکز ب"),
        "C": make_unit(UnitKind.FIXED_CENTER, parent=c3, name="مرکز ج"),
        "I": make_unit(UnitKind.FREE_INSTITUTE, parent=c1, name="آموزشگاه د"),
        "W": make_unit(UnitKind.WORKPLACE_CENTER, parent=c3, name="مرکز جوار کارگاهی"),
    }
    for code in ("A", "C", "I"):
        WorkshopFactory(unit=units[code], code=f"K-{units[code].code}")
    standards = {
        "S1": StandardFactory(cluster=Cluster.INDUSTRY, theory_hours=40, practice_hours=80),
        "S2": StandardFactory(cluster=Cluster.SERVICES, theory_hours=30, practice_hours=30),
        "S3": StandardFactory(cluster=Cluster.ICT, theory_hours=20, practice_hours=60),
    }
    groups = list(TargetGroup.objects.order_by("pk")[:4])
    trainees = []
    for i in range(10):
        t = TraineeFactory(registered_unit=a, national_code=national_code(900 + i), sex="FM"[i % 2],
                           residence=("urban", "rural", "nomad")[i % 3], income_decile=(None, 2, 6, 9)[i % 4],
                           decile_assessed_on=None if i % 4 == 0 else dt.date(2024, 1, 1))
        t.target_groups.set(groups[i % 3: i % 3 + i % 2 + 1])
        trainees.append(t)
    plan = [("A", "S1", 5, DeliveryMode.FIXED_CENTER, True), ("B", "S2", 40, DeliveryMode.FIXED_CENTER, False),
            ("C", "S3", 110, DeliveryMode.WORKPLACE, True), ("I", "S2", 12, DeliveryMode.FREE_INSTITUTE, True),
            ("A", "S1", -400, DeliveryMode.FIXED_CENTER, False), ("W", "S3", 400, DeliveryMode.WORKPLACE, False)]
    runs = []
    for n, (unit, standard, offset, mode, workshop) in enumerate(plan):
        run = CourseRunFactory(unit=units[unit], standard=standards[standard], mode=mode,
                               start_date=day(offset - 30), end_date=day(offset), hours=standards[standard].total_hours,
                               workshop=Workshop.objects.get(unit=units[unit]) if workshop else None)
        for i in range(4):
            t = trainees[(n * 3 + i) % 10]
            status = STATUSES[(n + i) % 3]
            EnrollmentFactory(course_run=run, trainee=t, status=status,
                              hours_attended=run.hours if status == "completed" else (run.hours // 3) * (i % 2))
        runs.append(run)
    session = Sitting.objects.create(code="TS-BASE", standard=standards["S1"], assessor_unit=units["A"], held_on=day(15))
    for candidate in assessment.register_from_course_run(user=user, session=session, run=runs[0]):
        assessment.record_result(user=user, candidate=candidate, theory=80, practice=90)
        assessment.issue(user=user, candidate=candidate, on=day(20))
    type(user).objects.create_superuser("differential-root", "root@example.org", "a-long-test-password")
    ids = {name: u.pk for name, u in units.items()} | {name: s.pk for name, s in standards.items()}
    if check:
        assert verify.check().ok, "the world starts exact"
    return ids


# ------------------------------------------------------------------------- an independent computation
def raw_figures(year: int, nodes: list[Unit]) -> dict[str, dict[str, float]]:
    """Per node (by code): every scorecard figure for the Jalali year, from the raw rows, with plain Python
    over one ORM query per record kind. A node holds what its path prefixes."""
    first, last = jalali.year_bounds(year)
    rows = list(Enrollment.objects.filter(course_run__end_date__range=(first, last)).values_list(
        "trainee_id", "status", "hours_attended", "trainee__sex", "trainee__residence", "trainee__income_decile",
        "course_run__mode", "course_run__unit__kind", "course_run__unit__path", "course_run__end_date", "course_run_id"))
    first_run: dict[int, tuple] = {}
    for r in rows:  # who is counted where: the course that ends first for them in the year (ties by run id)
        if r[0] not in first_run or (r[9], r[10]) < first_run[r[0]][0]:
            first_run[r[0]] = ((r[9], r[10]), r[8])
    certificates = list(Certificate.objects.filter(issued_on__range=(first, last)).values_list("training_unit__path", flat=True))
    results = [(res, run_path or assessor_path) for res, run_path, assessor_path in Candidate.objects.filter(
        session__held_on__range=(first, last)).values_list(
        "result", "enrollment__course_run__unit__path", "session__assessor_unit__path")]

    def share(part: float, whole: float) -> float:
        return part / whole * 100 if whole else 0.0

    out = {}
    for node in nodes:
        mine = [r for r in rows if r[8].startswith(node.path)]
        n, ph = len(mine), sum(r[2] for r in mine)
        assessed = [res for res, path in results if path.startswith(node.path) and res in ("pass", "fail")]
        out[node.code] = {
            "person_hours": ph, "enrollments": n, "completed": sum(r[1] == "completed" for r in mine),
            "trainees": sum(path.startswith(node.path) for _, path in first_run.values()),
            "certificates": sum(p.startswith(node.path) for p in certificates),
            "pass_rate": share(assessed.count("pass"), len(assessed)),
            "private_share": share(sum(r[2] for r in mine if r[7] == "free_institute"), ph),
            "rural_nomad_share": share(sum(r[4] in ("rural", "nomad") for r in mine), n),
            "women_share": share(sum(r[3] == "F" for r in mine), n),
            "low_decile_share": share(sum(r[5] is not None and r[5] <= 3 for r in mine), n),
            "workplace_share": share(sum(r[2] for r in mine if r[6] == "workplace"), ph),
        }
    return out


def raw_breakdowns(year: int) -> tuple[dict[str, tuple[int, int, int]], dict[str, tuple[int, int]]]:
    """National enrollments, completions and person-hours per standard cluster; enrollments and person-hours
    per target group."""
    first, last = jalali.year_bounds(year)
    clusters: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for cluster, status, hours in Enrollment.objects.filter(course_run__end_date__range=(first, last)).values_list(
            "course_run__standard__cluster", "status", "hours_attended"):
        acc = clusters[cluster]
        acc[0], acc[1], acc[2] = acc[0] + 1, acc[1] + (status == "completed"), acc[2] + hours
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for name, hours in Enrollment.objects.filter(course_run__end_date__range=(first, last),
                                                 trainee__target_groups__isnull=False).values_list(
            "trainee__target_groups__name", "hours_attended"):
        groups[name][0] += 1
        groups[name][1] += hours
    return {k: tuple(v) for k, v in clusters.items()}, {k: tuple(v) for k, v in groups.items()}  # type: ignore[misc]


FIGURES = ("person_hours", "enrollments", "completed", "trainees", "certificates", "pass_rate", "private_share",
           "rural_nomad_share", "women_share", "low_decile_share", "workplace_share")


def years_in_use() -> set[int]:
    days = set(CourseRun.objects.values_list("end_date", flat=True)) | set(
        Certificate.objects.values_list("issued_on", flat=True)) | set(Sitting.objects.values_list("held_on", flat=True))
    return {jalali.year_of(d) for d in days}


# --------------------------------------------------------------------------------------- the machine
class Writes(RuleBasedStateMachine):
    """Each rule is one write through one path; TAKEN counts the ones the application accepted."""

    # The rules pick among the records with a key above these (table → pk): none here, where the world is
    # the whole database; the world's own records in a national dataset (bench/run.py: differential).
    floors: dict[str, int] = {}

    def mine(self, model: Any) -> Any:
        return model.objects.filter(pk__gt=self.floors.get(model._meta.db_table, 0))

    def __init__(self, ids: dict[str, int], user: Any) -> None:
        super().__init__()
        self.ids, self.user = ids, user
        self._atomic = transaction.atomic()
        self._atomic.__enter__()  # every example starts from the world and is rolled back at teardown
        cache.clear()
        self.client = Client()
        self.client.force_login(user)
        self.admin = Client()
        self.admin.force_login(type(user).objects.get(username="differential-root"))
        self.serial = self.steps = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ---- helpers
    def unit(self, name: str) -> Unit:
        return Unit.objects.get(pk=self.ids[name])

    def standard(self, name: str) -> Standard:
        return Standard.objects.get(pk=self.ids[name])

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial

    def open_runs(self) -> list[CourseRun]:
        """Course runs whose month may still be edited (the past run's is closed by the deadline)."""
        return [r for r in self.mine(CourseRun).select_related("unit", "standard", "workshop").order_by("pk")
                if lock_reason(r.unit_id, Period.of(r.end_date)) is None]

    @staticmethod
    def pick(items: list, index: int) -> Any:
        return items[index % len(items)] if items else None

    def workshop_for(self, unit: Unit, wanted: bool) -> Workshop | None:
        return Workshop.objects.filter(unit=unit).first() if wanted else None

    def accepted(self, path: str, ok: bool, detail: Any = "") -> None:
        if ok:
            TAKEN[path] += 1
        elif os.environ.get("DIFFERENTIAL_VERBOSE"):
            print(f"refused {path}: {detail}")

    def run_form(self, run: CourseRun | None, *, unit: Unit, standard: Standard, end: dt.date, mode: str,
                 workshop: Workshop | None) -> dict[str, Any]:
        return {"code": run.code if run else "", "unit": unit.code, "standard": standard.pk, "trainer": "",
                "workshop": workshop.code if workshop else "", "mode": mode, "start_date": jdate(end - dt.timedelta(days=30)),
                "end_date": jdate(end), "hours": run.hours if run else "", "capacity": 30}

    @staticmethod
    def hours_for(run: CourseRun, fraction: int, status: str) -> int:
        hours = run.hours * fraction // 4
        return max(hours, 1) if status == "completed" else hours

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return getattr(self.client, method)(path, data=json.dumps(body) if body is not None else None,
                                            content_type="application/json")

    # ---- page forms
    @rule(unit=st.sampled_from(TRAINING_UNITS), standard=st.sampled_from(STANDARDS), offset=st.sampled_from(OFFSETS),
          mode=st.sampled_from(MODES), workshop=st.booleans())
    def page_create_run(self, unit: str, standard: str, offset: int, mode: str, workshop: bool) -> None:
        u = self.unit(unit)
        response = self.client.post("/course-runs/new/", self.run_form(
            None, unit=u, standard=self.standard(standard), end=day(offset), mode=mode, workshop=self.workshop_for(u, workshop)))
        self.accepted("page_create_run", response.status_code == 302, response.content[:300])

    @rule(pick=st.integers(0, 20), unit=st.sampled_from(TRAINING_UNITS), standard=st.sampled_from(STANDARDS),
          offset=st.sampled_from(OFFSETS), mode=st.sampled_from(MODES), workshop=st.booleans())
    def page_edit_run(self, pick: int, unit: str, standard: str, offset: int, mode: str, workshop: bool) -> None:
        run = self.pick(self.open_runs(), pick)
        if run is None:
            return
        u = self.unit(unit)
        response = self.client.post(f"/course-runs/{run.pk}/edit/", self.run_form(
            run, unit=u, standard=self.standard(standard), end=day(offset), mode=mode, workshop=self.workshop_for(u, workshop)))
        self.accepted("page_edit_run", response.status_code == 302, response.content[:300])

    @rule(pick=st.integers(0, 20), trainee=st.integers(0, 30), fraction=st.integers(0, 4), status=st.sampled_from(STATUSES))
    def page_enroll(self, pick: int, trainee: int, fraction: int, status: str) -> None:
        run = self.pick(self.open_runs(), pick)
        if run is None:
            return
        t = self.pick(list(self.mine(Trainee).exclude(enrollments__course_run=run).order_by("pk")), trainee)
        if t is None:
            return
        response = self.client.post(f"/course-runs/{run.pk}/enroll/", {
            "trainee": t.national_code, "birth_date": "", "hours_attended": self.hours_for(run, fraction, status),
            "status": status})
        self.accepted("page_enroll", response.status_code == 302, response.content[:300])

    @rule(pick=st.integers(0, 60), fraction=st.integers(0, 4), status=st.sampled_from(STATUSES))
    def page_edit_enrollment(self, pick: int, fraction: int, status: str) -> None:
        open_ids = [r.pk for r in self.open_runs()]
        e = self.pick(list(self.mine(Enrollment).filter(course_run_id__in=open_ids).select_related("course_run").order_by("pk")), pick)
        if e is None:
            return
        response = self.client.post(f"/enrollments/{e.pk}/edit/", {
            "hours_attended": self.hours_for(e.course_run, fraction, status), "status": status})
        self.accepted("page_edit_enrollment", response.status_code == 302, response.content[:300])

    @rule(pick=st.integers(0, 30), sex=st.sampled_from("MF"), residence=st.sampled_from(("urban", "rural", "nomad")),
          decile=st.sampled_from((None, 1, 3, 4, 10)), groups=st.sets(st.integers(0, 3), max_size=3))
    def page_edit_trainee(self, pick: int, sex: str, residence: str, decile: int | None, groups: set[int]) -> None:
        t = self.pick(list(self.mine(Trainee).order_by("pk")), pick)
        all_groups = list(TargetGroup.objects.order_by("pk")[:4])
        response = self.client.post(f"/trainees/{t.pk}/edit/", {
            "national_code": t.national_code, "first_name": t.first_name, "last_name": t.last_name,
            "father_name": t.father_name, "sex": sex, "birth_date": jdate(t.birth_date), "residence": residence,
            "nationality": t.nationality, "income_decile": decile or "",
            "decile_assessed_on": jdate(dt.date(2024, 2, 1)) if decile else "",
            "target_groups": [all_groups[g].pk for g in sorted(groups)], "mobile": t.mobile,
            "registered_unit": t.registered_unit.code})
        self.accepted("page_edit_trainee", response.status_code == 302, response.content[:300])

    @rule(standard=st.sampled_from(STANDARDS), cluster=st.sampled_from(tuple(Cluster.values)), theory=st.integers(1, 90))
    def page_edit_standard(self, standard: str, cluster: str, theory: int) -> None:
        s = self.standard(standard)
        if "standard_cluster" in KNOWN_STALE_PATHS:
            cluster = s.cluster
        response = self.client.post(f"/standards/{s.pk}/edit/", {
            "code": s.code, "title": s.title, "title_en": s.title_en, "cluster": cluster, "isco_code": s.isco_code,
            "theory_hours": theory, "practice_hours": s.practice_hours, "level": s.level, "is_active": "on"})
        self.accepted("page_edit_standard", response.status_code == 302, response.content[:300])

    @rule(unit=st.sampled_from(MOVABLE), county=st.sampled_from(COUNTIES))
    def page_move_unit(self, unit: str, county: str) -> None:
        u, parent = self.unit(unit), self.unit(county)
        response = self.client.post(f"/units/{u.code}/edit/", {
            "kind": u.kind, "name": u.name, "name_en": u.name_en, "code": u.code, "parent": parent.code,
            "cluster": u.cluster, "partner_type": u.partner_type, "address": u.address, "phone": u.phone,
            "established_on": jdate(u.established_on), "is_active": "on"})
        self.accepted("page_move_unit", response.status_code == 302 and parent.pk != u.parent_id, response.content[:300])

    @precondition(lambda self: "admin_unit_kind" not in KNOWN_STALE_PATHS)
    @rule(unit=st.sampled_from(("B", "C", "I")))
    def admin_change_unit_kind(self, unit: str) -> None:
        """The back office (Django admin) turns a center into a free institute or back: public ↔ private."""
        u = self.unit(unit)
        kind, cluster = ((UnitKind.FIXED_CENTER, "") if u.kind == UnitKind.FREE_INSTITUTE
                         else (UnitKind.FREE_INSTITUTE, Cluster.SERVICES))
        page = self.admin.get(f"/admin/org/unit/{u.pk}/change/")
        form = page.context["adminform"].form
        data = {k: v for k, v in form.initial.items() if k in form.fields and v not in (None, False)}
        data.update(kind=kind, cluster=cluster, parent=u.parent_id, is_active="on")
        response = self.admin.post(f"/admin/org/unit/{u.pk}/change/", data)
        self.accepted("admin_change_unit_kind", response.status_code == 302, response.content[:300])

    # ---- the API (session auth)
    @rule(pick=st.integers(0, 20), trainee=st.integers(0, 30), fraction=st.integers(0, 4), status=st.sampled_from(STATUSES))
    def api_create_enrollment(self, pick: int, trainee: int, fraction: int, status: str) -> None:
        run = self.pick(self.open_runs(), pick)
        if run is None:
            return
        t = self.pick(list(self.mine(Trainee).exclude(enrollments__course_run=run).order_by("pk")), trainee)
        if t is None:
            return
        response = self.api("post", "/api/v1/enrollments/", {
            "course_run": run.code, "trainee": t.national_code, "hours_attended": self.hours_for(run, fraction, status),
            "status": status})
        self.accepted("api_create_enrollment", response.status_code == 201, response.content[:300])

    @rule(pick=st.integers(0, 60), fraction=st.integers(0, 4), status=st.sampled_from(STATUSES))
    def api_patch_enrollment(self, pick: int, fraction: int, status: str) -> None:
        open_ids = [r.pk for r in self.open_runs()]
        e = self.pick(list(self.mine(Enrollment).filter(course_run_id__in=open_ids).select_related("course_run").order_by("pk")), pick)
        if e is None:
            return
        response = self.api("patch", f"/api/v1/enrollments/{e.pk}/", {
            "hours_attended": self.hours_for(e.course_run, fraction, status), "status": status})
        self.accepted("api_patch_enrollment", response.status_code == 200, response.content[:300])

    @rule(pick=st.integers(0, 60))
    def api_delete_enrollment(self, pick: int) -> None:
        open_ids = [r.pk for r in self.open_runs()]
        e = self.pick(list(self.mine(Enrollment).filter(course_run_id__in=open_ids).order_by("pk")), pick)
        if e is None:
            return
        response = self.client.delete(f"/api/v1/enrollments/{e.pk}/")
        self.accepted("api_delete_enrollment", response.status_code == 204, response.content[:300])

    @rule(unit=st.sampled_from(TRAINING_UNITS), standard=st.sampled_from(STANDARDS), offset=st.sampled_from(OFFSETS),
          mode=st.sampled_from(MODES))
    def api_create_run(self, unit: str, standard: str, offset: int, mode: str) -> None:
        u, end = self.unit(unit), day(offset)
        response = self.api("post", "/api/v1/course-runs/", {
            "code": f"API-{self.next_serial():04d}", "unit": u.code, "standard": self.standard(standard).code, "mode": mode,
            "start_date": (end - dt.timedelta(days=20)).isoformat(), "end_date": end.isoformat(), "capacity": 30})
        self.accepted("api_create_run", response.status_code == 201, response.content[:300])

    @rule(pick=st.integers(0, 20), unit=st.sampled_from(TRAINING_UNITS), offset=st.sampled_from(OFFSETS),
          standard=st.sampled_from(STANDARDS), workshop=st.booleans())
    def api_patch_run(self, pick: int, unit: str, offset: int, standard: str, workshop: bool) -> None:
        run = self.pick(self.open_runs(), pick)
        if run is None:
            return
        u, end = self.unit(unit), day(offset)
        w = self.workshop_for(u, workshop)
        response = self.api("patch", f"/api/v1/course-runs/{run.pk}/", {
            "unit": u.code, "standard": self.standard(standard).code, "workshop": w.code if w else None,
            "start_date": (end - dt.timedelta(days=20)).isoformat(), "end_date": end.isoformat()})
        self.accepted("api_patch_run", response.status_code == 200, response.content[:300])

    @rule(sex=st.sampled_from("MF"), residence=st.sampled_from(("urban", "rural", "nomad")), arabic=st.booleans())
    def api_create_trainee(self, sex: str, residence: str, arabic: bool) -> None:
        first, last = "علی", "کریمی یکتا"
        if arabic and "api_text" not in KNOWN_STALE_PATHS:
            first, last = first.translate(ARABIC), last.translate(ARABIC)
        response = self.api("post", "/api/v1/trainees/", {
            "national_code": national_code(5000 + self.next_serial()), "first_name": first, "last_name": last, "sex": sex,
            "birth_date": "1996-05-04", "residence": residence, "registered_unit": self.unit("B").code,
            "target_groups": [TargetGroup.objects.order_by("pk").first().code]})
        self.accepted("api_create_trainee", response.status_code == 201, response.content[:300])

    # ---- imports
    @rule(pick=st.integers(0, 20), unit=st.sampled_from(TRAINING_UNITS), offset=st.sampled_from(OFFSETS),
          hours=st.integers(20, 200), also_new=st.booleans())
    def import_course_runs(self, pick: int, unit: str, offset: int, hours: int, also_new: bool) -> None:
        run = self.pick(self.open_runs(), pick)
        if run is None:
            return
        u, end = self.unit(unit), day(offset)
        if "run_import_move" in KNOWN_STALE_PATHS:  # keep the run where and when it is: hours change only
            u, end = run.unit, run.end_date
        mode = str(DeliveryMode(run.mode).label)
        rows = [[run.code, u.code, run.standard.code, mode, jdate(end - dt.timedelta(days=25)), jdate(end), hours, 30]]
        if also_new:
            rows.append([f"IMP-{self.next_serial():04d}", u.code, run.standard.code, mode,
                         jdate(end - dt.timedelta(days=25)), jdate(end), hours, 30])
        batch = start_import(user=self.user, kind="course_runs", file_name="runs.csv", data=csv_bytes(
            ["کد دوره", "کد واحد برگزارکننده", "کد استاندارد", "شیوه اجرا", "تاریخ شروع", "تاریخ پایان", "ساعت دوره",
             "ظرفیت"], rows), dry_run=False, background=False)
        self.accepted("import_course_runs", batch.status == "done", batch.problems)

    @rule(pick=st.integers(0, 20), trainees=st.lists(st.integers(0, 30), min_size=1, max_size=4),
          fraction=st.integers(0, 4), status=st.sampled_from(STATUSES))
    def import_enrollments(self, pick: int, trainees: list[int], fraction: int, status: str) -> None:
        run = self.pick(self.open_runs(), pick)
        if run is None:
            return
        people = list(self.mine(Trainee).order_by("pk"))
        chosen = {self.pick(people, i).national_code for i in trainees}  # new ones and updates alike
        label = str(EnrollmentStatus(status).label)
        rows = [[run.code, code, self.hours_for(run, fraction, status), label] for code in sorted(chosen)]
        batch = start_import(user=self.user, kind="enrollments", file_name="enrollments.csv", data=csv_bytes(
            ["کد دوره", "کد ملی کارآموز", "ساعت حضور", "وضعیت"], rows), dry_run=False, background=False)
        self.accepted("import_enrollments", batch.status == "done", batch.problems)

    @rule(pick=st.integers(0, 30), sex=st.sampled_from("MF"), residence=st.sampled_from(("urban", "rural", "nomad")),
          decile=st.sampled_from((None, 2, 7)), groups=st.sets(st.integers(0, 3), max_size=2))
    def import_trainees(self, pick: int, sex: str, residence: str, decile: int | None, groups: set[int]) -> None:
        t = self.pick(list(self.mine(Trainee).select_related("registered_unit").order_by("pk")), pick)
        codes = list(TargetGroup.objects.order_by("pk").values_list("code", flat=True)[:4])
        row = [t.national_code, t.first_name, t.last_name, {"F": "زن", "M": "مرد"}[sex], jdate(t.birth_date),
               {"urban": "شهری", "rural": "روستایی", "nomad": "عشایری"}[residence], decile or "",
               jdate(dt.date(2024, 3, 1)) if decile else "", t.registered_unit.code, ", ".join(codes[g] for g in sorted(groups))]
        batch = start_import(user=self.user, kind="trainees", file_name="trainees.csv", data=csv_bytes(
            ["کد ملی", "نام", "نام خانوادگی", "جنسیت", "تاریخ تولد", "محل سکونت", "دهک درآمدی", "تاریخ تعیین دهک",
             "کد واحد ثبت‌کننده", "گروه‌های هدف"], [row]), dry_run=False, background=False)
        self.accepted("import_trainees", batch.status == "done", batch.problems)

    # ---- services (no page of their own here): unit moves, results, certificates, test dates
    @rule(unit=st.sampled_from(MOVABLE), county=st.sampled_from(COUNTIES))
    def service_move_unit(self, unit: str, county: str) -> None:
        u, parent = self.unit(unit), self.unit(county)
        if parent.pk == u.parent_id:
            return
        unit_move(unit=u, new_parent=parent)
        self.accepted("service_move_unit", True)

    @rule(pick=st.integers(0, 20), assessor=st.sampled_from(("A", "B", "C")), offset=st.sampled_from(OFFSETS),
          scores=st.lists(st.sampled_from((None, 30, 60, 95)), min_size=1, max_size=4))
    def register_results(self, pick: int, assessor: str, offset: int, scores: list[int | None]) -> None:
        """A test of a run's completers (and one prior-learning candidate), with results entered."""
        run = self.pick(list(self.mine(CourseRun).filter(enrollments__status="completed").distinct().order_by("pk")), pick)
        if run is None:
            return
        session = Sitting.objects.create(code=f"TS-{self.next_serial():04d}", standard=run.standard,
                                         assessor_unit=self.unit(assessor), held_on=day(offset), capacity=30)
        candidates = assessment.register_from_course_run(user=self.user, session=session, run=run)
        outsider = self.mine(Trainee).exclude(candidacies__session=session).order_by("pk").first()
        if outsider is not None:
            candidates.append(assessment.register_candidate(user=self.user, session=session, trainee=outsider))
        for candidate, score in zip(candidates, scores * len(candidates), strict=False):
            assessment.record_result(user=self.user, candidate=candidate, theory=score, practice=score,
                                     absent=score is None)
        self.accepted("register_results", bool(candidates))

    @rule(pick=st.integers(0, 20), offset=st.sampled_from(OFFSETS))
    def issue_certificate(self, pick: int, offset: int) -> None:
        candidate = self.pick(list(self.mine(Candidate).filter(result=Result.PASS).order_by("pk")), pick)
        if candidate is None:
            return
        assessment.issue(user=self.user, candidate=candidate, on=day(offset))  # a re-issue replaces in place
        self.accepted("issue_certificate", True)

    @rule(pick=st.integers(0, 10), offset=st.sampled_from(OFFSETS))
    def api_move_test_date(self, pick: int, offset: int) -> None:
        session = self.pick(list(self.mine(Sitting).order_by("pk")), pick)
        response = self.api("patch", f"/api/v1/test-sessions/{session.pk}/", {"held_on": day(offset).isoformat()})
        self.accepted("api_move_test_date", response.status_code == 200, response.content[:300])

    # ---- invariants
    @invariant()
    def exact_summary_tables(self) -> None:
        started = time.monotonic()
        report = verify.check(limit=10)
        SPENT["verify.check"] += time.monotonic() - started
        assert report.ok, "summary tables differ from a rebuild:\n" + "\n".join(
            " | ".join(row) for row in report.display_rows())

    @invariant()
    def national_scorecard_equals_raw_aggregation(self) -> None:
        """Every figure of every province and of the country, each year, from the summaries (node_measures and
        the indicator catalogue, as the scorecard computes them) against raw_figures; one indicator a step,
        in turn, through scorecard() itself; and the national breakdowns by cluster and target group."""
        started = time.monotonic()
        self.steps += 1
        hq = Unit.objects.get(code="IR")
        nodes = [hq, *Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code")]
        in_turn = FIGURES[self.steps % len(FIGURES)]
        for year in sorted(years_in_use()):
            expected = raw_figures(year, nodes)
            measures = node_measures([n.pk for n in nodes], year)
            got = {n.code: {key: compute(INDICATORS[key], measures[n.pk]) for key in FIGURES} for n in nodes}
            for code, figures in expected.items():
                assert got[code] == pytest.approx(figures, rel=1e-9, abs=1e-9), (year, code)
            card = scorecard(hq, year, in_turn, today=jalali.year_bounds(year)[1])  # the whole year counts
            assert {r.unit.code: r.achieved for r in card.rows} | {"IR": card.total.achieved} == pytest.approx(
                {code: figures[in_turn] for code, figures in expected.items()}, rel=1e-9, abs=1e-9), (year, in_turn)
            clusters, groups = raw_breakdowns(year)
            got_clusters = {r["value"]: (r["enrollments"], r["completed"], r["person_hours"])
                            for r in breakdown(hq, year, "cluster") if r["enrollments"]}
            assert got_clusters == clusters, (year, "cluster")
            got_groups = {r["value"]: (r["enrollments"], r["person_hours"])
                          for r in breakdown(hq, year, "target_group") if r["enrollments"]}
            assert got_groups == groups, (year, "target_group")
        SPENT["scorecard"] += time.monotonic() - started

    @invariant()
    def normalised_names(self) -> None:
        for first, last in Trainee.objects.values_list("first_name", "last_name"):
            assert (first, last) == (normalize(first), normalize(last)), (first, last)


@pytest.mark.heavy
def test_every_write_path_keeps_the_figures_exact(world, user) -> None:  # type: ignore[no-untyped-def]
    TAKEN.clear()
    SPENT.clear()
    started = time.monotonic()
    run_state_machine_as_test(lambda: Writes(world, user), settings=profile())
    if os.environ.get("DIFFERENTIAL_VERBOSE"):
        print(f"\n{time.monotonic() - started:.1f}s; invariants {dict(SPENT)}; accepted writes {dict(TAKEN)}")


# Every path once, with arguments it accepts: whatever mix Hypothesis draws, no path goes untested.
EACH_PATH_ONCE: list[tuple[str, dict[str, Any]]] = [
    ("page_create_run", {"unit": "B", "standard": "S2", "offset": 35, "mode": DeliveryMode.FIXED_CENTER, "workshop": False}),
    ("page_edit_run", {"pick": 0, "unit": "A1", "standard": "S3", "offset": 110, "mode": DeliveryMode.WORKPLACE,
                       "workshop": False}),
    ("page_enroll", {"pick": 1, "trainee": 0, "fraction": 2, "status": "completed"}),
    ("page_edit_enrollment", {"pick": 0, "fraction": 1, "status": "dropped"}),
    ("page_edit_trainee", {"pick": 0, "sex": "M", "residence": "nomad", "decile": 3, "groups": {1, 2}}),
    ("page_edit_standard", {"standard": "S1", "cluster": Cluster.AGRICULTURE, "theory": 10}),
    ("page_move_unit", {"unit": "A", "county": "c3"}),  # to another province, with its branch
    ("admin_change_unit_kind", {"unit": "I"}),
    ("api_create_enrollment", {"pick": 2, "trainee": 5, "fraction": 4, "status": "completed"}),
    ("api_patch_enrollment", {"pick": 1, "fraction": 0, "status": "enrolled"}),
    ("api_delete_enrollment", {"pick": 2}),
    ("api_create_run", {"unit": "W", "standard": "S1", "offset": 250, "mode": DeliveryMode.WORKPLACE}),
    ("api_patch_run", {"pick": 1, "unit": "C", "offset": 400, "standard": "S2", "workshop": True}),
    ("api_create_trainee", {"sex": "F", "residence": "rural", "arabic": True}),
    ("import_course_runs", {"pick": 2, "unit": "B", "offset": 0, "hours": 50, "also_new": True}),
    ("import_enrollments", {"pick": 0, "trainees": [0, 7, 8], "fraction": 3, "status": "completed"}),
    ("import_trainees", {"pick": 3, "sex": "F", "residence": "urban", "decile": 2, "groups": {0}}),
    ("service_move_unit", {"unit": "B", "county": "c1"}),
    ("register_results", {"pick": 0, "assessor": "B", "offset": 12, "scores": [95, 30, None]}),
    ("issue_certificate", {"pick": 0, "offset": 70}),
    ("api_move_test_date", {"pick": 0, "offset": 150}),
]
_SKIPPED_RULES = {"admin_change_unit_kind": "admin_unit_kind"}  # rules left out whole while their path is known


def test_each_write_path_once_is_accepted_and_keeps_the_figures_exact(world, user) -> None:  # type: ignore[no-untyped-def]
    rules = {name for name, value in vars(Writes).items() if hasattr(value, "hypothesis_stateful_rule")}
    assert {name for name, _ in EACH_PATH_ONCE} == rules, "every rule appears here once"
    machine = Writes(world, user)
    try:
        for name, arguments in EACH_PATH_ONCE:
            if _SKIPPED_RULES.get(name) in KNOWN_STALE_PATHS:
                continue
            before = TAKEN[name]
            getattr(machine, name)(**arguments)
            assert TAKEN[name] == before + 1, f"{name} was refused"
            machine.exact_summary_tables()
            machine.national_scorecard_equals_raw_aggregation()
            machine.normalised_names()
    finally:
        machine.teardown()
