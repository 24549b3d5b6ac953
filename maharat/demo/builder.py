"""The demo country: a deterministic, seedable Iran of training units, people and course runs.

Where public figures exist the demo tells the true story (DOMAIN.md): Qazvin has 10 fixed centers and
1 urban branch, 64 official trainers, 64 fixed workshops, about 4 million person-hours in 1401 and 275
free institutes (165 services, 17 industry, the rest software, lifestyle and culture & art); East
Azerbaijan has 24 public centers. Everything else follows the national figures, multiplied by `scale`.
Units are written with bulk_create, level by level, and the bulk of the rows with COPY (common/bulk.py),
inside one transaction; maharat/demo/national.py builds the same country at national volume.

The steps live beside this module: figures.py (the figures built to), units.py (units, workshops,
trainers), certificates.py (skill tests), reporting.py (commitments, monthly reports) and accounts.py
(the demo logins). Here: the province loop and each year's trainees, course runs and enrollments.
"""

from __future__ import annotations

import datetime as dt
import math
import time

from django.db import transaction
from django.utils import timezone

from maharat.catalog.models import Cluster, Standard
from maharat.common import jalali
from maharat.common.bulk import allocate_ids, copy_rows, reset_sequences
from maharat.org.models import PartnerType, Unit, UnitKind
from maharat.people.models import Nationality, Residence, Sex, TargetGroup, Trainee, Trainer
from maharat.training.models import CourseRun, DeliveryMode, Enrollment, EnrollmentStatus, Workshop

from . import names
from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ROLE_LABELS, AccountSteps, demo_logins
from .base import DemoReport, LightTrainee
from .certificates import CertificateSteps, demo_certificates
from .figures import (
    CENTER_MODES,
    DECILES,
    EAST_AZERBAIJAN,
    FEMALE_SHARE,
    NATIONAL_PRIVATE_PERSON_HOURS,
    NATIONAL_PUBLIC_PERSON_HOURS,
    PUBLIC_SHARE,
    QAZVIN,
    QAZVIN_PERSON_HOURS,
    WORKSHOP_CLUSTERS,
    YEAR_FACTOR,
    YEARS,
    jalali_day,
    weighted,
)
from .geography import POPULATION
from .licensing import LicensingSteps
from .reporting import ReportingSteps
from .services import ServiceSteps
from .units import UnitSteps

# Imported from here by the command, national.py, the tests and bench/reliability (DEMO_PASSWORD).
__all__ = [
    "DEMO_ACCOUNTS", "DEMO_PASSWORD", "ROLE_LABELS", "YEARS", "DemoBuilder", "DemoReport", "demo_certificates",
    "demo_logins",
]

TRAINEE_COLUMNS = (
    "id", "national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
    "nationality", "has_disability", "income_decile", "decile_assessed_on", "mobile", "registered_unit_id",
    "referred_by_id", "created_at",
)
COURSE_RUN_COLUMNS = (
    "id", "code", "unit_id", "standard_id", "trainer_id", "workshop_id", "mode", "start_date", "end_date",
    "hours", "capacity",
)


class DemoBuilder(UnitSteps, CertificateSteps, ReportingSteps, AccountSteps, ServiceSteps, LicensingSteps):
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
                           ("period_reports", self.build_periods), ("accounts", self.create_users),
                           ("services", self.build_services), ("licensing", self.build_licensing),
                           ("purchasing", self.build_purchasing)):
            began = time.monotonic()
            step()
            self.report.phases[name] = time.monotonic() - began

    def build_province(self, province: Unit, share: float) -> None:
        units = self.build_units(province, share)
        workshops = self.build_workshops(province.code, units.public)
        trainers = self.build_trainers(province.code, units.public, units.institutes)
        self.build_training(province.code, share, units.public, units.workplace, units.partners, units.institutes,
                            workshops, trainers)

    # ------------------------------------------------------------------ trainees and training
    def make_trainee(self, registered: Unit, sex: str, year: int) -> LightTrainee:
        rng = self.rng
        first, last = self.person_name(sex)
        residence = weighted(rng, [(Residence.URBAN, 70), (Residence.RURAL, 26), (Residence.NOMAD, 4)])
        nationality = weighted(rng, [(Nationality.IRANIAN, 96), (Nationality.REFUGEE, 2), (Nationality.FOREIGN, 2)])
        age = min(60, 15 + int(rng.expovariate(1 / 10)))
        birth = jalali_day(year - age - 1, rng.randint(1, 12), rng.randint(1, 29))
        decile = weighted(rng, DECILES) if rng.random() < 0.65 else None
        trainee = self.trainee_class(
            national_code=self.national_code(), first_name=first, last_name=last, sex=sex, birth_date=birth,
            father_name=rng.choice(names.MALE), residence=residence, nationality=nationality,
            has_disability=rng.random() < 0.03, income_decile=decile,
            decile_assessed_on=jalali_day(rng.randint(1399, year), rng.randint(1, 12), 1) if decile else None,
            mobile=f"09{rng.randrange(10**8, 10**9)}", registered_unit=registered,
        )
        groups: list[str] = []
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
        trainee._demo_groups = groups
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
        pools: dict[str, list[LightTrainee]] = {Sex.MALE: [], Sex.FEMALE: []}
        for year in self.years:
            first_day, last_day, public_target, private_target = self.year_targets(iso, share, year)
            # Keep a fifth of last year's trainees: people come back for a second skill.
            for sex in pools:
                pools[sex] = rng.sample(pools[sex], len(pools[sex]) // 5)
            new_trainees: list[LightTrainee] = []
            runs: list[CourseRun] = []
            seats: list[list[LightTrainee]] = []

            def draw(cluster: str, k: int, registered: Unit) -> list[LightTrainee]:
                chosen: dict[str, LightTrainee] = {}
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
                staff = trainers.get(unit.pk) or []
                done += plan(unit, DeliveryMode.FREE_INSTITUTE, unit.cluster, None, staff[0] if staff else None)
            self.save_year(new_trainees, runs, seats)

    def save_year(self, trainees: list[LightTrainee], runs: list[CourseRun], seats: list[list[LightTrainee]]) -> None:
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
            (t.pk, self.groups[g].pk) for t in trainees for g in t._demo_groups
        ))
        for pk, run in zip(allocate_ids(CourseRun, len(runs)), runs, strict=True):
            run.pk = run.id = pk
        copy_rows(CourseRun, COURSE_RUN_COLUMNS, (
            (r.pk, r.code, r.unit_id, r.standard_id, r.trainer_id, r.workshop_id, r.mode, r.start_date,
             r.end_date, r.hours, r.capacity)
            for r in runs
        ))
        rows: list[tuple] = []
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
