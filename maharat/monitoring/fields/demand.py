"""The demand the fields page sets supply against: three declared inputs (kit/inputs.py), one door each.

Each input is a function of a `Scope` (scope.py: its node, year, until_month and the areas below the node)
answering, for the node's areas, a number per cluster: `{(area id or None, cluster): number}`, the key None
being a figure outside any area (it counts in the node's total only). Whoever provides one later (the public
portal: applicants and waiting lists; the programs issue: the province's priority programs) answers the same
shape, aggregating its standards by their cluster, and nothing here changes. Declared in monitoring/records.py.

What each answers until then (what the platform knows today):
- applicants_by_cluster: the demand that was met. Every enrollment is a person who asked for a place in a
  course of that cluster and got one, at a public center or a free institute, so the enrollments of the area
  per cluster (monitoring_fact, both sectors). When the portal provides applicants, those who asked and were
  not placed count too.
- waiting_by_cluster: nothing. The platform keeps no waiting lists before the portal (a course run cannot
  take more than its capacity: training.models.enrollment_errors), so there is no unmet demand to count; the
  fill rate of the runs (enrollments ÷ seats offered) is shown beside as a sign of it, not counted.
- priority_programs_by_cluster: nothing. Commitments are per indicator and section, not per cluster
  (plans.models.Commitment), and programs do not exist yet.
A component that answers nothing (or zero everywhere) is left out of the demand share (imbalance.py).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from maharat.kit import inputs

APPLICANTS, WAITING, PRIORITY = "applicants_by_cluster", "waiting_by_cluster", "priority_programs_by_cluster"
INPUTS = (APPLICANTS, WAITING, PRIORITY)

Answer = dict[tuple[int | None, str], float]


def met_demand(scope: Any) -> Answer:
    """Enrollments per area and cluster, both sectors: the read the supply side also uses (scope.facts)."""
    out: Answer = defaultdict(float)
    for (area, cluster, _sector), figures in scope.facts.items():
        out[(area, cluster)] += figures["enrollments"]
    return dict(out)


def nothing(scope: Any) -> Answer:
    return {}


def read(scope: Any) -> dict[str, Answer]:
    """Every demand input's answer for the scope, as provided or as the platform knows it today."""
    return {name: {key: float(value) for key, value in inputs.read(name)(scope).items()} for name in INPUTS}


def provided() -> dict[str, bool]:
    return {name: inputs.is_provided(name) for name in INPUTS}
