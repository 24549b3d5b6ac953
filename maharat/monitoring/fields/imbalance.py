"""The index of imbalance between the free institutes' supply and the demand, per cluster (docs/fields.md).

For an area and each cluster c, in percent:

    share_k(c) = 100 × v_k(c) ÷ Σ_c' v_k(c')             for each component k (left out when Σ v_k = 0)
    S(c) = mean of share_k(c) over the supply components   institutes, their workshop seats, their person-hours
    D(c) = mean of share_k(c) over the demand components   applicants, waiting lists, priority programs
    I(c) = S(c) − D(c)                                     percentage points; > 0 more supply than demand
    DI   = ½ × Σ_c |I(c)|                                  the share of the supply that would have to change
                                                           field for supply to match demand (dissimilarity)

Advice per cluster: encourage new licences where I(c) ≤ −THRESHOLD, hold them back where I(c) ≥ +THRESHOLD,
balanced in between; clusters are ranked by I(c), the most under-supplied first. With no demand recorded at
all, nothing can be said (I is None). With no institute at all, every supply share is 0 and every field with
demand is to be encouraged. Pure functions over plain numbers, so the tests check them by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

THRESHOLD = 5.0  # percentage points either side of balance

ENCOURAGE, HOLD, BALANCED, UNKNOWN = "encourage", "hold", "balanced", "unknown"


def shares(values: Mapping[str, float], clusters: Sequence[str]) -> dict[str, float] | None:
    """Each cluster's share (percent) of the component's total; None when the total is zero."""
    total = sum(max(float(values.get(c, 0) or 0), 0.0) for c in clusters)
    if total <= 0:
        return None
    return {c: 100 * max(float(values.get(c, 0) or 0), 0.0) / total for c in clusters}


def composite(components: Mapping[str, dict[str, float] | None], clusters: Sequence[str]) -> dict[str, float] | None:
    """The mean, per cluster, of the components that have data; None when none has."""
    present = [s for s in components.values() if s is not None]
    if not present:
        return None
    return {c: sum(s[c] for s in present) / len(present) for c in clusters}


@dataclass(frozen=True)
class Balance:
    supply: dict[str, float]  # S(c)
    demand: dict[str, float] | None  # D(c)
    supply_parts: dict[str, dict[str, float] | None]  # share_k(c) of each supply component
    demand_parts: dict[str, dict[str, float] | None]

    def index(self, cluster: str) -> float | None:
        return None if self.demand is None else self.supply[cluster] - self.demand[cluster]

    @property
    def dissimilarity(self) -> float | None:
        if self.demand is None:
            return None
        return sum(abs(self.supply[c] - self.demand[c]) for c in self.supply) / 2

    def advice(self, cluster: str, threshold: float = THRESHOLD) -> str:
        return advice_for(self.index(cluster), threshold)

    def ranked(self) -> list[str]:
        """The clusters, most under-supplied first (lowest I); clusters with neither supply nor demand last."""
        order = list(self.supply)
        return sorted(order, key=lambda c: (self.index(c) is None, self.index(c) or 0.0, order.index(c)))


def advice_for(index: float | None, threshold: float = THRESHOLD) -> str:
    if index is None:
        return UNKNOWN
    if index <= -threshold:
        return ENCOURAGE
    if index >= threshold:
        return HOLD
    return BALANCED


def balance(supply: Mapping[str, Mapping[str, float]], demand: Mapping[str, Mapping[str, float]],
            clusters: Sequence[str]) -> Balance:
    """From each component's raw figures per cluster (supply: {"institutes": {...}, ...})."""
    supply_parts = {k: shares(v, clusters) for k, v in supply.items()}
    demand_parts = {k: shares(v, clusters) for k, v in demand.items()}
    s = composite(supply_parts, clusters) or dict.fromkeys(clusters, 0.0)
    return Balance(s, composite(demand_parts, clusters), supply_parts, demand_parts)
