"""A province's units, workshops and trainers: counties, public centers and branches, workplace-adjacent
centers, free institutes, partner organisations and an assessment center (DOMAIN.md)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from maharat.catalog.models import Cluster
from maharat.common import jalali
from maharat.org.models import PartnerType, Unit, UnitKind
from maharat.org.services import derive_position
from maharat.people.models import Sex, Trainer
from maharat.training.models import Workshop

from . import names
from .base import BuilderBase
from .figures import (
    CENTER_WEIGHT,
    EAST_AZERBAIJAN,
    INSTITUTE_CLUSTERS,
    NATIONAL_FREE_INSTITUTES,
    NATIONAL_PUBLIC_CENTERS,
    NATIONAL_WORKPLACE_CENTERS,
    QAZVIN,
    QAZVIN_INSTITUTES,
    WORKSHOP_CLUSTERS,
    weighted,
)
from .geography import COUNTIES


@dataclass
class ProvinceUnits:
    public: list[Unit]  # fixed centers and urban branches
    workplace: list[Unit]
    institutes: list[Unit]
    partners: list[Unit]


class UnitSteps(BuilderBase):
    def save_units(self, units: list[Unit]) -> list[Unit]:
        for unit in units:
            derive_position(unit)
        Unit.objects.bulk_create(units, batch_size=1000)
        self.report.counts["units"] += len(units)
        return units

    def build_units(self, province: Unit, share: float) -> ProvinceUnits:
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
        county_of: dict[str, Unit] = {}  # the county each center is placed in, for its branch's name
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
            county_of[fixed[-1].code] = county
        self.save_units(fixed)
        branches = self.save_units(
            [
                Unit(code=f"{fixed[i].code}-B01", name=f"شعبه شهری {county_of[fixed[i].code].name}",
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
        clusters: list[str]
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
        return ProvinceUnits(public=fixed + branches, workplace=workplace, institutes=institutes, partners=partners)

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

