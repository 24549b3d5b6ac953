"""What every step of the demo builder shares: the seeded random generator, the day the country is built
up to, the years it covers, the report and the records later steps refer back to."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from maharat.catalog.models import Standard
from maharat.common import jalali
from maharat.common.validators import national_code_check_digit
from maharat.org.models import Unit
from maharat.people.models import Sex, TargetGroup

from . import names
from .figures import YEARS


@dataclass
class DemoReport:
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)  # seconds per phase


def years_up_to(first_year: int, today: dt.date) -> list[int]:
    """The Jalali years the demo covers: from `first_year` to today's, the last of them only up to today.

    Whole years never reach past today: a year still running is built up to today, with courses still
    under way, so no record lies in the future (a course started after today would have attended a negative
    share of its hours)."""
    current = jalali.from_gregorian(today).year
    if current < first_year:
        raise ValueError(f"the demo country starts in {first_year}; today ({today}) is in {current}")
    return list(range(first_year, current + 1))


class LightTrainee:
    """What the builder needs of a trainee, without a Django model instance per person: a country has
    hundreds of thousands of them (millions at national volume), and creating model instances took a
    quarter of the small demo's build. The rows are written with COPY (builder.save_year) all the same."""

    __slots__ = (
        "pk", "national_code", "first_name", "last_name", "father_name", "sex", "birth_date", "residence",
        "nationality", "has_disability", "income_decile", "decile_assessed_on", "mobile", "registered_unit_id",
        "referred_by_id", "_demo_groups",
    )
    pk: int | None
    national_code: str
    first_name: str
    last_name: str
    father_name: str
    sex: str
    birth_date: dt.date
    residence: str
    nationality: str
    has_disability: bool
    income_decile: int | None
    decile_assessed_on: dt.date | None
    mobile: str
    registered_unit_id: int
    referred_by_id: int | None
    _demo_groups: list[str]

    def __init__(self, *, registered_unit: Unit, **values: Any) -> None:
        self.pk = None
        self.registered_unit_id = registered_unit.pk
        self.referred_by_id = None
        for key, value in values.items():
            setattr(self, key, value)

    @property
    def id(self) -> int | None:
        return self.pk

    @id.setter
    def id(self, value: int) -> None:
        self.pk = value

    @property
    def referred_by(self) -> None:
        raise AttributeError("write-only on a light trainee")

    @referred_by.setter
    def referred_by(self, unit: Unit | None) -> None:
        self.referred_by_id = unit.pk if unit is not None else None

    @property
    def full_name(self) -> str:  # as people.Trainee.full_name
        return f"{self.first_name} {self.last_name}"


class BuilderBase:
    trainee_class = LightTrainee
    first_year = YEARS[0]

    def __init__(self, *, seed: int = 1401, scale: float = 0.01, provinces: list[str] | None = None,
                 today: dt.date | None = None) -> None:
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        # 1400–1404 (or more) in full, and the current Jalali year up to today, with courses still running.
        self.years = years_up_to(self.first_year, self.today)
        self.current_year = self.years[-1]
        # Skill tests are held after the courses of 1404 and later (or of this year, were it earlier).
        self.assessed_from = min(YEARS[-1], self.current_year)
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

    def person_name(self, sex: str) -> tuple[str, str]:
        first = self.rng.choice(names.FEMALE if sex == Sex.FEMALE else names.MALE)
        return first, self.rng.choice(names.LAST)
