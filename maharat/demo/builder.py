"""The demo country: a deterministic, seedable Iran of training units, people and course runs.

Where public figures exist the demo tells the true story (DOMAIN.md): Qazvin has 10 fixed centers and
1 urban branch, 64 official trainers, 64 fixed workshops, about 4 million person-hours in 1401 and 275
free institutes (165 services, 17 industry, the rest software, lifestyle and culture & art); East
Azerbaijan has 24 public centers. Everything else follows the national figures, multiplied by `scale`.
Units are written with bulk_create, level by level, and the bulk of the rows with COPY (common/bulk.py),
inside one transaction; maharat/demo/national.py builds the same country at national volume.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import math
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from maharat.catalog.models import Cluster, Standard
from maharat.common import jalali
from maharat.common.bulk import allocate_ids, copy_objects, copy_rows, reset_sequences
from maharat.common.validators import national_code_check_digit
from maharat.org.models import PartnerType, Unit, UnitKind
from maharat.org.services import derive_position
from maharat.people.models import Nationality, Residence, Sex, TargetGroup, Trainee, Trainer
from maharat.training.models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop

from . import names
from .geography import COUNTIES, POPULATION

YEARS = (1400, 1401, 1402, 1403, 1404)

# National figures for one year (DOMAIN.md), the reference year being 1402.
NATIONAL_PUBLIC_PERSON_HOURS = 110_772_465
NATIONAL_PRIVATE_PERSON_HOURS = 187_092_737
NATIONAL_PUBLIC_CENTERS = 650
NATIONAL_WORKPLACE_CENTERS = 5_400
NATIONAL_FREE_INSTITUTES = 23_992
YEAR_FACTOR = {1399: 0.86, 1400: 0.90, 1401: 0.95, 1402: 1.0, 1403: 1.03, 1404: 1.05}

# Provinces whose own figures are public; they are built at full size whatever the scale.
QAZVIN, EAST_AZERBAIJAN = "IR-26", "IR-03"
QAZVIN_PERSON_HOURS = {1399: 3_500_000, 1400: 3_700_000, 1401: 4_000_000, 1402: 4_050_000, 1403: 4_150_000, 1404: 4_200_000}
QAZVIN_INSTITUTES = {
    Cluster.SERVICES: 165, Cluster.INDUSTRY: 17, Cluster.ICT: 36, Cluster.LIFESTYLE: 33, Cluster.CULTURE_ART: 24,
}
CENTER_WEIGHT = sum((p / sum(POPULATION.values())) ** 0.75 for p in POPULATION.values())
PUBLIC_SHARE = NATIONAL_PUBLIC_PERSON_HOURS / (NATIONAL_PUBLIC_PERSON_HOURS + NATIONAL_PRIVATE_PERSON_HOURS)

INSTITUTE_CLUSTERS = [
    (Cluster.SERVICES, 40), (Cluster.LIFESTYLE, 22), (Cluster.ICT, 13), (Cluster.CULTURE_ART, 11),
    (Cluster.INDUSTRY, 9), (Cluster.AGRICULTURE, 5),
]
WORKSHOP_CLUSTERS = [
    (Cluster.INDUSTRY, 40), (Cluster.SERVICES, 18), (Cluster.ICT, 15), (Cluster.AGRICULTURE, 12),
    (Cluster.LIFESTYLE, 9), (Cluster.CULTURE_ART, 6),
]
FEMALE_SHARE = {
    Cluster.LIFESTYLE: 0.88, Cluster.CULTURE_ART: 0.72, Cluster.SERVICES: 0.55, Cluster.ICT: 0.45,
    Cluster.AGRICULTURE: 0.25, Cluster.INDUSTRY: 0.08,
}
CENTER_MODES = [
    (DeliveryMode.FIXED_CENTER, 66), (DeliveryMode.RURAL_MOBILE, 11), (DeliveryMode.NOMAD_MOBILE, 2),
    (DeliveryMode.WORKPLACE, 6), (DeliveryMode.GARRISON, 4), (DeliveryMode.KARDANESH, 6), (DeliveryMode.ONLINE, 5),
]
DECILES = list(zip(range(1, 11), [14, 13, 12, 11, 10, 10, 9, 8, 7, 6], strict=True))
DEMO_PASSWORD = "maharat-demo-1404"
TRAINEE_COLUMNS = (
    "id", "national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
    "nationality", "has_disability", "income_decile", "decile_assessed_on", "mobile", "registered_unit_id",
    "referred_by_id", "created_at",
)
COURSE_RUN_COLUMNS = (
    "id", "code", "unit_id", "standard_id", "trainer_id", "workshop_id", "mode", "start_date", "end_date",
    "hours", "capacity",
)


@dataclass
class DemoReport:
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase


@functools.lru_cache(maxsize=64)
def _cumulative(pairs: tuple[tuple[object, int], ...]) -> tuple[tuple[object, ...], list[int], float]:
    values, weights = zip(*pairs, strict=True)
    cumulative = list(itertools.accumulate(weights))
    return values, cumulative, cumulative[-1] + 0.0


def weighted(rng: random.Random, pairs: list[tuple[object, int]]) -> object:
    """rng.choices(values, weights)[0], the same draw, with the running totals worked out once per list."""
    values, cumulative, total = _cumulative(tuple(pairs))
    return values[bisect.bisect(cumulative, rng.random() * total, 0, len(cumulative) - 1)]


@functools.cache
def _jalali_day(year: int, month: int, day: int) -> dt.date:
    """Jalali to Gregorian, remembered: the demo converts a few thousand distinct days millions of times."""
    return jalali.to_gregorian(year, month, day)


class DemoBuilder:
    trainee_class: type = Trainee  # national.py swaps in a lighter record
    first_year = YEARS[0]
    def __init__(self, *, seed: int = 1401, scale: float = 0.01, provinces: list[str] | None = None,
                 today: dt.date | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        # 1400–1404 in full, and the current Jalali year up to today (with courses still running).
        current = jalali.from_gregorian(self.today).year
        self.years = [*range(self.first_year, YEARS[-1] + 1), *([current] if current > YEARS[-1] else [])]
        self.current_year = current if current > YEARS[-1] else None
        self.only = provinces  # ISO codes, for building part of the country (tests)
        self.scale = scale
        self.report = DemoReport()
        self.used_codes: set[str] = set()
        self.standards_by_cluster: dict[str, list[Standard]] = {}
        self.groups: dict[str, TargetGroup] = {}
        self.run_seq: Counter = Counter()
        self.partners: dict[str, Unit] = {}
        self.assessment_centers: dict[int, Unit] = {}
        self.certified: set[tuple[int, int]] = set()

    # ------------------------------------------------------------------ helpers
    def national_code(self) -> str:
        while True:
            first = f"{self.rng.randrange(0, 10**9):09d}"
            code = first + str(national_code_check_digit(first))
            if code not in self.used_codes and len(set(code)) > 1:
                self.used_codes.add(code)
                return code

    def random_date(self, first: dt.date, last: dt.date) -> dt.date:
        return first + dt.timedelta(days=self.rng.randrange((last - first).days + 1))

    def scaled(self, national: float, share: float) -> int:
        return max(1, round(national * self.scale * share))

    # ------------------------------------------------------------------ build
    @transaction.atomic
    def build(self) -> DemoReport:
        started = time.monotonic()
        for province, share in self.provinces():
            self.build_province(province, share)
        self.finish()
        self.report.seconds = time.monotonic() - started
        return self.report

    def provinces(self) -> list[tuple[Unit, float]]:
        """The provinces to build with their share of the population; loads the catalogue first."""
        for std in Standard.objects.filter(is_active=True).order_by("code"):
            self.standards_by_cluster.setdefault(std.cluster, []).append(std)
        self.groups = {g.code: g for g in TargetGroup.objects.all()}
        provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code"))
        if self.only:
            provinces = [p for p in provinces if p.code in self.only]
        total_pop = sum(POPULATION.values())
        return [(p, POPULATION[p.code] / total_pop) for p in provinces]

    def finish(self) -> None:
        """Everything after the raw records: sequences, summaries, commitments, monthly reports, accounts."""
        from maharat.assessment.models import Candidate, Certificate, TestSession
        from maharat.monitoring.summaries import rebuild

        reset_sequences(Trainee, Trainee.target_groups.through, CourseRun, Enrollment, TestSession, Candidate, Certificate)
        self.revoke_a_few()
        for name, step in (("summaries", rebuild), ("commitments", self.build_commitments),
                           ("period_reports", self.build_periods), ("accounts", self.create_users)):
            began = time.monotonic()
            step()
            self.report.phases[name] = time.monotonic() - began

    def save_units(self, units: list[Unit]) -> list[Unit]:
        for unit in units:
            derive_position(unit)
        Unit.objects.bulk_create(units, batch_size=1000)
        self.report.counts["units"] += len(units)
        return units

    def build_province(self, province: Unit, share: float) -> None:
        rng = self.rng
        iso = province.code
        counties = self.save_units(
            [
                Unit(code=f"{iso}-{i:02d}", name=name, kind=UnitKind.COUNTY, parent=province)
                for i, name in enumerate(COUNTIES[iso], start=1)
            ]
        )
        # Public centers: fixed centers and urban branches, spread over counties, the capital first.
        if iso == QAZVIN:
            n_fixed, n_branch = 10, 1
        elif iso == EAST_AZERBAIJAN:
            n_fixed, n_branch = 24, 2
        else:
            # The country's ~650 public centers, shared less than proportionally to population (a small
            # province still needs a center in each main county).
            n_public = max(6, round(NATIONAL_PUBLIC_CENTERS * share**0.75 / CENTER_WEIGHT))
            n_branch = max(1, round(n_public * 0.12))
            n_fixed = n_public - n_branch
        fixed: list[Unit] = []
        per_county: Counter = Counter()
        for i in range(n_fixed):
            county = counties[0] if i < max(1, n_fixed // 3) else counties[i % len(counties)]
            per_county[county.code] += 1
            fixed.append(
                Unit(
                    code=f"{county.code}-C{per_county[county.code]:02d}",
                    name=f"مرکز آموزش فنی و حرفه‌ای شماره {per_county[county.code]} {county.name}",
                    kind=UnitKind.FIXED_CENTER, parent=county,
                    established_on=jalali.to_gregorian(rng.randint(1350, 1398), rng.randint(1, 12), 1),
                )
            )
        self.save_units(fixed)
        branches = self.save_units(
            [
                Unit(code=f"{fixed[i].code}-B01", name=f"شعبه شهری {fixed[i].parent.name}",
                     kind=UnitKind.URBAN_BRANCH, parent=fixed[i])
                for i in range(n_branch)
            ]
        )
        workplace = self.save_units(
            [
                Unit(
                    code=f"{(c := counties[i % len(counties)]).code}-W{i + 1:04d}",
                    name=f"مرکز جوار کارگاهی {rng.choice(names.FIRMS)} {rng.choice(names.COMPANY_SUFFIX)} {c.name}",
                    kind=UnitKind.WORKPLACE_CENTER, parent=c,
                )
                for i in range(self.scaled(NATIONAL_WORKPLACE_CENTERS, share))
            ]
        )
        if iso == QAZVIN:
            clusters = [c for c, n in QAZVIN_INSTITUTES.items() for _ in range(n)]
        else:
            clusters = [weighted(rng, INSTITUTE_CLUSTERS) for _ in range(self.scaled(NATIONAL_FREE_INSTITUTES, share))]
        institutes = self.save_units(
            [
                Unit(
                    code=f"{(c := counties[0] if i % 2 == 0 else rng.choice(counties)).code}-I{i + 1:04d}",
                    name=f"آموزشگاه آزاد {rng.choice(names.INSTITUTE)} {c.name}",
                    kind=UnitKind.FREE_INSTITUTE, parent=c, cluster=cluster,
                    established_on=jalali.to_gregorian(rng.randint(1375, 1403), rng.randint(1, 12), 1),
                )
                for i, cluster in enumerate(clusters)
            ]
        )
        partners = self.save_units(
            [
                Unit(code=f"{iso}-P{i + 1:02d}", name=f"{label} استان {province.name}", kind=UnitKind.PARTNER,
                     parent=province, partner_type=ptype)
                for i, (ptype, label) in enumerate(
                    [(PartnerType.RELIEF, "کمیته امداد"), (PartnerType.WELFARE, "بهزیستی"),
                     (PartnerType.PRISONS, "اداره کل زندان‌های")]
                )
            ]
        )
        self.partners = {p.partner_type: p for p in partners}
        if iso != QAZVIN:  # Qazvin has no assessment center: its training centers assess and certify
            center = Unit(code=f"{iso}-S01", name=f"مرکز سنجش مهارت {counties[0].name}", kind=UnitKind.ASSESSMENT_CENTER,
                          parent=province)
            self.save_units([center])
            self.assessment_centers[province.pk] = center
        public_units = fixed + branches
        workshops = self.build_workshops(iso, public_units)
        trainers = self.build_trainers(iso, public_units, institutes)
        self.build_training(iso, share, public_units, workplace, partners, institutes, workshops, trainers)

    def build_workshops(self, iso: str, units: list[Unit]) -> dict[int, list[Workshop]]:
        rng = self.rng
        total = 64 if iso == QAZVIN else len(units) * 5
        rows = []
        for i in range(total):
            unit = units[i % len(units)]
            cluster = weighted(rng, WORKSHOP_CLUSTERS)
            rows.append(
                Workshop(unit=unit, code=f"{unit.code}-K{i // len(units) + 1:02d}", cluster=cluster,
                         name=f"کارگاه {Cluster(cluster).label} {i // len(units) + 1}", seats=rng.choice([16, 20, 24]))
            )
        Workshop.objects.bulk_create(rows, batch_size=1000)
        self.report.counts["workshops"] += len(rows)
        by_unit: dict[int, list[Workshop]] = {}
        for w in rows:
            by_unit.setdefault(w.unit_id, []).append(w)
        return by_unit

    def person_name(self, sex: str) -> tuple[str, str]:
        first = self.rng.choice(names.FEMALE if sex == Sex.FEMALE else names.MALE)
        return first, self.rng.choice(names.LAST)

    def build_trainers(self, iso: str, public_units: list[Unit], institutes: list[Unit]) -> dict[int, list[Trainer]]:
        rng = self.rng
        n_official = 64 if iso == QAZVIN else len(public_units) * 4
        plan = [(public_units[i % len(public_units)], Trainer.Employment.OFFICIAL) for i in range(n_official)]
        plan += [(public_units[i % len(public_units)], Trainer.Employment.CONTRACT) for i in range(len(public_units) * 2)]
        plan += [(inst, Trainer.Employment.CONTRACT) for inst in institutes]
        rows = []
        for unit, employment in plan:
            sex = Sex.FEMALE if rng.random() < 0.4 else Sex.MALE
            first, last = self.person_name(sex)
            rows.append(
                Trainer(national_code=self.national_code(), first_name=first, last_name=last, sex=sex,
                        employment=employment, home_unit=unit,
                        qualifications=rng.choice(["کارشناسی", "کارشناسی ارشد", "کاردانی", "کارشناسی و گواهی مربیگری بین‌المللی"]),
                        mobile=f"09{rng.randrange(10**8, 10**9)}")
            )
        Trainer.objects.bulk_create(rows, batch_size=1000)
        self.report.counts["trainers"] += len(rows)
        by_unit: dict[int, list[Trainer]] = {}
        for t in rows:
            by_unit.setdefault(t.home_unit_id, []).append(t)
        return by_unit

    # ------------------------------------------------------------------ trainees and training
    def make_trainee(self, registered: Unit, sex: str, year: int) -> Trainee:
        rng = self.rng
        first, last = self.person_name(sex)
        residence = weighted(rng, [(Residence.URBAN, 70), (Residence.RURAL, 26), (Residence.NOMAD, 4)])
        nationality = weighted(rng, [(Nationality.IRANIAN, 96), (Nationality.REFUGEE, 2), (Nationality.FOREIGN, 2)])
        age = min(60, 15 + int(rng.expovariate(1 / 10)))
        birth = _jalali_day(year - age - 1, rng.randint(1, 12), rng.randint(1, 29))
        decile = weighted(rng, DECILES) if rng.random() < 0.65 else None
        trainee = self.trainee_class(
            national_code=self.national_code(), first_name=first, last_name=last, sex=sex, birth_date=birth,
            father_name=rng.choice(names.MALE), residence=residence, nationality=nationality,
            has_disability=rng.random() < 0.03, income_decile=decile,
            decile_assessed_on=_jalali_day(rng.randint(1399, year), rng.randint(1, 12), 1) if decile else None,
            mobile=f"09{rng.randrange(10**8, 10**9)}", registered_unit=registered,
        )
        groups = []
        if residence == Residence.NOMAD:
            groups.append("nomads")
        elif residence == Residence.RURAL:
            groups.append("villagers")
        if nationality == Nationality.REFUGEE:
            groups.append("refugees")
        elif nationality == Nationality.FOREIGN:
            groups.append("foreign_nationals")
        if trainee.has_disability:
            groups.append("disabled")
        extra = weighted(rng, [("unskilled_jobseekers", 40), ("firm_employees", 10), ("graduates", 10),
                                ("university_students", 8), ("relief_clients", 6), ("welfare_clients", 4),
                                ("female_heads" if sex == Sex.FEMALE else "conscripts", 5),
                                ("kardanesh_students", 4), ("socially_vulnerable", 2), ("border_residents", 2),
                                ("", 9)])
        if extra:
            groups.append(extra)
        # Relief Committee and Welfare clients are referred by those partner organisations.
        if extra == "relief_clients":
            trainee.referred_by = self.partners.get(PartnerType.RELIEF)
        elif extra == "welfare_clients":
            trainee.referred_by = self.partners.get(PartnerType.WELFARE)
        trainee._demo_groups = groups  # type: ignore[attr-defined]
        return trainee

    def year_targets(self, iso: str, share: float, year: int) -> tuple[dt.date, dt.date, float, float]:
        """A province's year: its first and last day (today, for the current year) and the public and private
        person-hours it should reach."""
        first_day, last_day = jalali.year_bounds(year)
        fraction = 1.0
        if year == self.current_year:
            fraction = ((self.today - first_day).days + 1) / ((last_day - first_day).days + 1)
            last_day = self.today
        if iso == QAZVIN:
            total = QAZVIN_PERSON_HOURS.get(year, QAZVIN_PERSON_HOURS[YEARS[-1]] * 1.03) * fraction
            return first_day, last_day, total * PUBLIC_SHARE, total * (1 - PUBLIC_SHARE)
        # East Azerbaijan's 24 centers are evaluated one by one in the demo's evaluation report:
        # it is built at ten times the small scale so that each center has a year's worth of courses.
        scale = max(self.scale, 0.1) if iso == EAST_AZERBAIJAN else self.scale
        factor = YEAR_FACTOR.get(year, YEAR_FACTOR[YEARS[-1]] * 1.02) * fraction * scale * share
        return first_day, last_day, NATIONAL_PUBLIC_PERSON_HOURS * factor, NATIONAL_PRIVATE_PERSON_HOURS * factor

    def run_dates(self, hours: int, year: int, first_day: dt.date, last_day: dt.date) -> tuple[dt.date, dt.date]:
        """Start and end of a course of `hours` within the year: five hours a day, five days a week."""
        duration = math.ceil(hours / 5 * 7 / 5)
        latest_start = last_day - dt.timedelta(days=duration)
        if year == self.current_year and (latest_start < first_day or self.rng.random() < 0.1):
            # A course still running today: it counts in the month it will end.
            start = self.random_date(max(first_day, self.today - dt.timedelta(days=duration - 1)), self.today)
        else:
            start = self.random_date(first_day, latest_start)
        return start, start + dt.timedelta(days=duration)

    def build_training(self, iso: str, share: float, public_units: list[Unit], workplace: list[Unit],
                       partners: list[Unit], institutes: list[Unit], workshops: dict[int, list[Workshop]],
                       trainers: dict[int, list[Trainer]]) -> None:
        rng = self.rng
        prisons = [p for p in partners if p.partner_type == PartnerType.PRISONS]
        province_trainers = [t for ts in trainers.values() for t in ts if t.home_unit.kind != UnitKind.FREE_INSTITUTE]
        pools: dict[str, list[Trainee]] = {Sex.MALE: [], Sex.FEMALE: []}
        for year in self.years:
            first_day, last_day, public_target, private_target = self.year_targets(iso, share, year)
            # Keep a fifth of last year's trainees: people come back for a second skill.
            for sex in pools:
                pools[sex] = rng.sample(pools[sex], len(pools[sex]) // 5)
            new_trainees: list[Trainee] = []
            runs: list[CourseRun] = []
            seats: list[list[Trainee]] = []

            def draw(cluster: str, k: int, registered: Unit) -> list[Trainee]:
                chosen: dict[str, Trainee] = {}
                for _ in range(k):
                    sex = Sex.FEMALE if rng.random() < FEMALE_SHARE[cluster] else Sex.MALE
                    pool = pools[sex]
                    if pool and rng.random() < 0.15:
                        t = rng.choice(pool)
                    else:
                        t = self.make_trainee(registered, sex, year)
                        new_trainees.append(t)
                        pool.append(t)
                    chosen[t.national_code] = t
                return list(chosen.values())

            def plan(unit: Unit, mode: str, cluster: str, workshop: Workshop | None, trainer: Trainer | None) -> float:
                standard = rng.choice(self.standards_by_cluster[cluster])
                hours = standard.total_hours
                start, end = self.run_dates(hours, year, first_day, last_day)
                self.run_seq[(unit.code, year)] += 1
                run = CourseRun(
                    code=f"{unit.code}-{year}-{self.run_seq[(unit.code, year)]:04d}", unit=unit, standard=standard,
                    trainer=trainer, workshop=workshop, mode=mode, start_date=start,
                    end_date=end, hours=hours, capacity=20,
                )
                runs.append(run)
                people = draw(cluster, rng.randint(12, 20), unit)
                seats.append(people)
                return len(people) * hours * 0.93  # about the share of hours attended, drop-outs included

            done = 0.0
            while done < public_target:
                roll = rng.random()
                if roll < 0.08 and workplace:
                    unit = rng.choice(workplace)
                    done += plan(unit, DeliveryMode.WORKPLACE, Cluster.INDUSTRY, None, rng.choice(province_trainers))
                elif roll < 0.11 and prisons:
                    done += plan(prisons[0], DeliveryMode.PRISON, rng.choice([Cluster.INDUSTRY, Cluster.SERVICES]),
                                 None, rng.choice(province_trainers))
                else:
                    unit = rng.choice(public_units)
                    workshop = rng.choice(workshops[unit.pk]) if unit.pk in workshops else None
                    mode = DeliveryMode.URBAN_BRANCH if unit.kind == UnitKind.URBAN_BRANCH else weighted(rng, CENTER_MODES)
                    cluster = workshop.cluster if workshop else weighted(rng, WORKSHOP_CLUSTERS)
                    staff = trainers.get(unit.pk) or province_trainers
                    done += plan(unit, mode, cluster, workshop, rng.choice(staff))
            done = 0.0
            while done < private_target:
                unit = rng.choice(institutes)
                staff = trainers.get(unit.pk)
                done += plan(unit, DeliveryMode.FREE_INSTITUTE, unit.cluster, None, staff[0] if staff else None)
            self.save_year(new_trainees, runs, seats)

    def save_year(self, trainees: list[Trainee], runs: list[CourseRun], seats: list[list[Trainee]]) -> None:
        """Write a province-year in four COPY/executemany statements (see common/bulk.py)."""
        rng = self.rng
        now = timezone.now()
        for pk, t in zip(allocate_ids(Trainee, len(trainees)), trainees, strict=True):
            t.pk = t.id = pk
        copy_rows(Trainee, TRAINEE_COLUMNS, (
            (t.pk, t.national_code, t.first_name, t.last_name, t.father_name, t.sex, t.birth_date, t.residence,
             t.nationality, t.has_disability, t.income_decile, t.decile_assessed_on, t.mobile,
             t.registered_unit_id, t.referred_by_id, now)
            for t in trainees
        ))
        links = Trainee.target_groups.through
        copy_rows(links, ("trainee_id", "targetgroup_id"), (
            (t.pk, self.groups[g].pk) for t in trainees for g in t._demo_groups  # type: ignore[attr-defined]
        ))
        for pk, run in zip(allocate_ids(CourseRun, len(runs)), runs, strict=True):
            run.pk = run.id = pk
        copy_rows(CourseRun, COURSE_RUN_COLUMNS, (
            (r.pk, r.code, r.unit_id, r.standard_id, r.trainer_id, r.workshop_id, r.mode, r.start_date,
             r.end_date, r.hours, r.capacity)
            for r in runs
        ))
        rows = []
        for run, people in zip(runs, seats, strict=True):
            running = run.end_date > self.today
            done_share = ((self.today - run.start_date).days + 1) / ((run.end_date - run.start_date).days + 1)
            for t in people:
                if running:
                    rows.append((run.pk, t.pk, int(run.hours * done_share), EnrollmentStatus.ENROLLED, now))
                    continue
                if rng.random() < 0.88:
                    status, hours = EnrollmentStatus.COMPLETED, run.hours
                else:
                    status, hours = EnrollmentStatus.DROPPED, rng.randint(run.hours // 10, run.hours // 2)
                rows.append((run.pk, t.pk, hours, status, now))
        ids = allocate_ids(Enrollment, len(rows))
        rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        copy_rows(Enrollment, ("id", "course_run_id", "trainee_id", "hours_attended", "status", "enrolled_at"), rows)
        self.assess(runs, {t.pk: t for t in trainees} | {t.pk: t for people in seats for t in people}, rows)
        self.report.counts["trainees"] += len(trainees)
        self.report.counts["course_runs"] += len(runs)
        self.report.counts["enrollments"] += len(rows)

    def revoke_a_few(self) -> None:
        """A handful of revoked and suspended certificates, so verification shows every status."""
        from maharat.assessment.models import Certificate, CertificateStatus

        tz = timezone.get_current_timezone()
        for i, cert in enumerate(Certificate.objects.order_by("-id")[:6]):
            cert.status = CertificateStatus.REVOKED if i % 2 == 0 else CertificateStatus.SUSPENDED
            cert.status_reason = "صدور بر پایه مدارک نادرست" if i % 2 == 0 else "در حال بررسی شکایت"
            cert.status_changed_at = dt.datetime.combine(self.today, dt.time(9), tzinfo=tz)
            cert.save(update_fields=["status", "status_reason", "status_changed_at"])

    def assess(self, runs: list[CourseRun], trainees: dict[int, Trainee], enrollments: list[tuple]) -> None:
        """Skill tests after the courses of 1404 and this year: most who completed sit the test two or three
        weeks after the course, four in five pass, and passes get a signed certificate a few days later."""
        from maharat.assessment.models import Candidate, Certificate, TestSession
        from maharat.assessment.services import build_payload
        from maharat.assessment.signing import canonical, new_serial, sign

        rng = self.rng
        by_run: dict[int, list[tuple]] = {}
        for row in enrollments:
            if row[4] == EnrollmentStatus.COMPLETED:
                by_run.setdefault(row[1], []).append(row)
        sessions, candidates, certificates = [], [], []
        session_ids = iter(allocate_ids(TestSession, len(runs)))
        candidate_ids = iter(allocate_ids(Candidate, len(enrollments)))
        for run in runs:
            year = jalali.from_gregorian(run.end_date).year
            held = run.end_date + dt.timedelta(days=rng.randint(10, 25))
            if year < YEARS[-1] or held > self.today - dt.timedelta(days=2) or run.pk not in by_run:
                continue
            assessor = self.assessment_centers.get(run.unit.province_id) or run.unit
            session = TestSession(id=next(session_ids), code=f"T-{run.code}", standard=run.standard,
                                  assessor_unit=assessor, held_on=held, capacity=30, is_closed=True)
            sessions.append(session)
            for enrollment_id, _run, trainee_id, *_ in by_run[run.pk]:
                if rng.random() > 0.85:
                    continue
                theory, practice = rng.randint(45, 100), rng.randint(60, 100)
                passed = theory >= 50 and practice >= 70
                candidate = Candidate(id=next(candidate_ids), session=session, trainee_id=trainee_id,
                                      enrollment_id=enrollment_id, theory_score=theory, practice_score=practice,
                                      result="pass" if passed else "fail")
                candidates.append(candidate)
                issued = held + dt.timedelta(days=rng.randint(3, 9))
                if not passed or issued > self.today or (trainee_id, run.standard_id) in self.certified:
                    continue
                self.certified.add((trainee_id, run.standard_id))
                cert = Certificate(serial=new_serial(rng), trainee_id=trainee_id, standard=run.standard,
                                   candidate=candidate, issuing_unit=assessor, training_unit=run.unit, issued_on=issued)
                # The holder is already in memory (a light record in the national build): no query per certificate.
                Certificate.trainee.field.set_cached_value(cert, trainees[trainee_id])
                payload = build_payload(cert)
                cert.payload, cert.signature = canonical(payload).decode("utf-8"), sign(payload)
                certificates.append(cert)
        copy_rows(TestSession, ("id", "code", "standard_id", "assessor_unit_id", "held_on", "capacity", "is_closed"),
                  ((x.id, x.code, x.standard_id, x.assessor_unit_id, x.held_on, x.capacity, x.is_closed) for x in sessions))
        copy_rows(Candidate, ("id", "session_id", "trainee_id", "enrollment_id", "theory_score", "practice_score", "result", "attempt"),
                  ((c.id, c.session_id, c.trainee_id, c.enrollment_id, c.theory_score, c.practice_score, c.result, 1)
                   for c in candidates))
        copy_rows(Certificate, ("serial", "trainee_id", "standard_id", "candidate_id", "issuing_unit_id", "training_unit_id",
                                "issued_on", "revision", "status", "status_reason", "payload", "signature"),
                  ((c.serial, c.trainee_id, c.standard_id, c.candidate_id, c.issuing_unit_id, c.training_unit_id,
                    c.issued_on, 1, "valid", "", c.payload, c.signature) for c in certificates))
        self.report.counts["test_sessions"] += len(sessions)
        self.report.counts["candidates"] += len(candidates)
        self.report.counts["certificates"] += len(certificates)

    def create_users(self) -> None:
        """One demo account per role, attached to units where the published figures are (Qazvin)."""
        from django.contrib.auth import get_user_model

        from maharat.access.models import Account

        User = get_user_model()
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@maharat.local", DEMO_PASSWORD, first_name="مدیر", last_name="سامانه")
        units = {
            "hq": Unit.objects.get(code="IR"),
            "province": Unit.objects.get(code=QAZVIN),
            "center": Unit.objects.filter(province__code=QAZVIN, kind=UnitKind.FIXED_CENTER).order_by("code").first(),
            "institute": Unit.objects.filter(province__code=QAZVIN, kind=UnitKind.FREE_INSTITUTE).order_by("code").first(),
            "partner": Unit.objects.filter(province__code=QAZVIN, partner_type=PartnerType.RELIEF).first(),
        }
        for username, role, where, first, last in DEMO_ACCOUNTS:
            unit = units[where]
            if unit is None or User.objects.filter(username=username).exists():
                continue
            user = User.objects.create_user(username, f"{username}@maharat.local", DEMO_PASSWORD, first_name=first, last_name=last)
            Account.objects.create(user=user, role=role, unit=unit)

    def build_commitments(self) -> None:
        """Commitments HQ handed down for every year, spread to counties and units by last year's share.

        Each year's province commitment is what the province achieved (last year's figure for the current
        year) with some ambition or slack; Qazvin's person-hours target is its published 4 million for
        1401 and 1402."""
        from maharat.monitoring.selectors import monitored_children, node_measures
        from maharat.plans.models import EXEC_INDICATORS, Commitment
        from maharat.plans.services import section_applies, split

        rng = self.rng
        provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE).order_by("code"))
        if self.only:
            provinces = [p for p in provinces if p.code in self.only]
        all_ids = list(Unit.objects.values_list("pk", flat=True))
        children_of: dict[int, list[Unit]] = {}

        def children(node: Unit, section: str) -> list[Unit]:
            if node.pk not in children_of:
                children_of[node.pk] = list(monitored_children(node))
            return [c for c in children_of[node.pk] if section_applies(c, section)]

        measures: dict[tuple[int, str], dict[int, dict[str, float]]] = {}

        def achieved(year: int, section: str) -> dict[int, dict[str, float]]:
            if (year, section) not in measures:
                measures[(year, section)] = node_measures(all_ids, year, sectors=(section,))
            return measures[(year, section)]

        rows: list[Commitment] = []

        def spread(node: Unit, year: int, indicator: str, section: str, target: Decimal) -> None:
            kids = children(node, section)
            if not kids:
                return
            basis = achieved(year - 1 if year - 1 in self.years else year, section)
            values = {k.pk: basis[k.pk][indicator] for k in kids}
            total = sum(values.values())
            # Mostly last year's share, with a floor so that no unit is handed a zero commitment.
            shares = {pk: 0.8 * (v / total if total else 1 / len(kids)) + 0.2 / len(kids) for pk, v in values.items()}
            parts = split(target, shares)
            for kid in kids:
                part = parts[kid.pk]
                rows.append(Commitment(year=year, unit=kid, indicator=indicator, section=section, target=part))
                if kid.kind == UnitKind.COUNTY:
                    spread(kid, year, indicator, section, part)

        for year in self.years:
            basis_year, growth = (year - 1, 1.06) if year == self.current_year else (year, 1.0)
            for province in provinces:
                public, private = achieved(basis_year, "public")[province.pk], achieved(basis_year, "private")[province.pk]
                for indicator in ("person_hours", "trainees", "enrollments", "completed"):
                    for section, m in (("public", public), ("private", private)):
                        value = m[indicator] * growth * rng.uniform(0.92, 1.12)
                        if province.code == QAZVIN and indicator == "person_hours" and year in (1401, 1402):
                            value = 4_000_000 * m[indicator] / ((public[indicator] + private[indicator]) or 1)
                        target = Decimal(round(value, -2 if indicator == "person_hours" else 0))
                        rows.append(Commitment(year=year, unit=province, indicator=indicator, section=section, target=target))
                        spread(province, year, indicator, section, target)
                for key in EXEC_INDICATORS:
                    target = Decimal(rng.choice([5, 8, 12, 20, 40, 120, 300]))
                    reported = None if year == self.current_year else (target * Decimal(str(round(rng.uniform(0.7, 1.2), 2)))).quantize(Decimal(1))
                    rows.append(Commitment(year=year, unit=province, indicator=key, section="exec_research",
                                           target=target, reported=reported))
        copy_objects(Commitment, rows)
        self.report.counts["commitments"] += len(rows)

    def build_periods(self) -> None:
        """Monthly reports of every training unit for 1400–1404: most on time and accepted, some late,
        the last months of 1404 still under review and a few never sent (for the completeness report)."""
        from maharat.approval.locks import Period
        from maharat.approval.models import PeriodReport, PeriodStatus
        from maharat.org.models import TRAINING_KINDS

        rng = self.rng
        rows = []
        unit_ids = list(Unit.objects.filter(kind__in=TRAINING_KINDS).order_by("id").values_list("id", flat=True))
        if self.only:
            unit_ids = list(Unit.objects.filter(kind__in=TRAINING_KINDS, province__code__in=self.only)
                            .order_by("id").values_list("id", flat=True))
        tz = timezone.get_current_timezone()
        for unit_id in unit_ids:
            for year in self.years:
                for month in range(1, 13):
                    period = Period(year, month)
                    if period.deadline() >= self.today:
                        continue  # not due yet
                    recent = (year == self.years[-1] and month >= 10) or year == self.current_year
                    roll = rng.random()
                    if recent and roll < 0.08:
                        continue  # never sent
                    late = roll > 0.88
                    days = rng.randint(1, 12) + (settings.MAHARAT_ENTRY_DEADLINE_DAYS if late else 0)
                    day = period.last_day() + dt.timedelta(days=min(days, settings.MAHARAT_ENTRY_DEADLINE_DAYS - 1) if not late else days)
                    day = min(day, self.today - dt.timedelta(days=1))
                    submitted = dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz)
                    if recent:
                        status = PeriodStatus.SUBMITTED if roll < 0.5 else PeriodStatus.APPROVED
                    else:
                        status = PeriodStatus.ACCEPTED
                    rows.append(PeriodReport(
                        unit_id=unit_id, year=year, month=month, status=status, submitted_at=submitted,
                        approved_at=submitted + dt.timedelta(days=3) if status != PeriodStatus.SUBMITTED else None,
                        accepted_at=submitted + dt.timedelta(days=9) if status == PeriodStatus.ACCEPTED else None,
                    ))
        copy_objects(PeriodReport, rows)
        self.report.counts["period_reports"] += len(rows)


DEMO_ACCOUNTS = [
    # username, role, unit, first name, last name
    ("hq_planner", "hq_planner", "hq", "مریم", "برنامه‌ریز"),
    ("hq_viewer", "hq_viewer", "hq", "رضا", "ناظر"),
    ("qazvin_manager", "provincial_manager", "province", "علی", "طاهرخانی"),
    ("qazvin_expert", "provincial_expert", "province", "زهرا", "کارشناس"),
    ("center_head", "center_head", "center", "حسین", "رئیس‌مرکز"),
    ("institute_manager", "institute_manager", "institute", "نرگس", "مدیرآموزشگاه"),
    ("trainer", "trainer", "center", "کاظم", "مربی"),
    ("assessor", "assessor", "center", "سعید", "ارزیاب"),
    ("relief_viewer", "partner_viewer", "partner", "فاطمه", "کمیته‌امداد"),
]
ROLE_LABELS = {
    "hq_planner": "برنامه‌ریز ستاد (کل کشور)",
    "hq_viewer": "ناظر ستاد (فقط مشاهده)",
    "provincial_manager": "مدیر کل استان قزوین",
    "provincial_expert": "کارشناس استان قزوین",
    "center_head": "رئیس مرکز شماره ۱ قزوین",
    "institute_manager": "مدیر یک آموزشگاه آزاد قزوین",
    "trainer": "مربی مرکز شماره ۱ قزوین",
    "assessor": "ارزیاب مرکز شماره ۱ قزوین",
    "partner_viewer": "کمیته امداد استان قزوین (کارآموزان معرفی‌شده)",
}


def demo_certificates() -> list[tuple[str, str]]:
    """(serial, what it shows) for trying the public verification page."""
    from maharat.assessment.models import Certificate, CertificateStatus

    out = []
    for status, label in ((CertificateStatus.VALID, "معتبر"), (CertificateStatus.REVOKED, "باطل‌شده"),
                          (CertificateStatus.SUSPENDED, "معلق")):
        cert = Certificate.objects.filter(status=status).order_by("training_unit__path", "id").first()
        if cert:
            out.append((cert.serial, label))
    return out


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, what the account is for): printed by `maharat demo` and `make run`."""
    rows = [("admin", DEMO_PASSWORD, "مدیر سامانه (همه استان‌ها و مدیریت پشتیبان)")]
    rows += [(username, DEMO_PASSWORD, ROLE_LABELS[role]) for username, role, *_ in DEMO_ACCOUNTS]
    return rows
