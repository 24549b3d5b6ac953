"""The figures the demo country is built to: national and provincial volumes (DOMAIN.md), and the
distributions of clusters, sexes, delivery modes and income deciles, with the weighted draw they feed."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import random
from collections.abc import Sequence
from typing import Any, TypeVar

from maharat.catalog.models import Cluster
from maharat.common import jalali
from maharat.training.models import DeliveryMode

from .geography import POPULATION

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
FEMALE_SHARE: dict[str, float] = {
    Cluster.LIFESTYLE: 0.88, Cluster.CULTURE_ART: 0.72, Cluster.SERVICES: 0.55, Cluster.ICT: 0.45,
    Cluster.AGRICULTURE: 0.25, Cluster.INDUSTRY: 0.08,
}
CENTER_MODES = [
    (DeliveryMode.FIXED_CENTER, 66), (DeliveryMode.RURAL_MOBILE, 11), (DeliveryMode.NOMAD_MOBILE, 2),
    (DeliveryMode.WORKPLACE, 6), (DeliveryMode.GARRISON, 4), (DeliveryMode.KARDANESH, 6), (DeliveryMode.ONLINE, 5),
]
T = TypeVar("T")
DECILES = list(zip(range(1, 11), [14, 13, 12, 11, 10, 10, 9, 8, 7, 6], strict=True))


@functools.lru_cache(maxsize=64)
def _cumulative(pairs: tuple[tuple[Any, int], ...]) -> tuple[tuple[Any, ...], list[int], float]:
    values, weights = zip(*pairs, strict=True)
    cumulative = list(itertools.accumulate(weights))
    return values, cumulative, cumulative[-1] + 0.0


def weighted(rng: random.Random, pairs: Sequence[tuple[T, int]]) -> T:
    """rng.choices(values, weights)[0], the same draw, with the running totals worked out once per list."""
    values, cumulative, total = _cumulative(tuple(pairs))
    value: T = values[bisect.bisect(cumulative, rng.random() * total, 0, len(cumulative) - 1)]
    return value


@functools.cache
def jalali_day(year: int, month: int, day: int) -> dt.date:
    """Jalali to Gregorian, remembered: the demo converts a few thousand distinct days millions of times."""
    return jalali.to_gregorian(year, month, day)
