"""Monitoring: who may read the scorecards; the summary tables are derived, never listed or written by users."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from maharat.access.records import VIEW, internal, kind, menu, menu_groups
from maharat.access.roles import Role
from maharat.kit.inputs import declare

from .fields.demand import APPLICANTS, PRIORITY, WAITING, met_demand, nothing
from .fields.scope import AREA_LEVELS
from .models import Fact, GroupFact, NodeMonth, StaleSlice, TraineeYear, UnitMonth

kind("monitoring", _("پایش"), roles={role: {VIEW} for role in (
    Role.HQ_PLANNER, Role.HQ_VIEWER, Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_EXPERT, Role.CENTER_HEAD,
    Role.INSTITUTE_MANAGER)})
for summary in (UnitMonth, NodeMonth, Fact, GroupFact, TraineeYear, StaleSlice):
    internal(summary, "a summary kept by monitoring from the records; read through monitoring.selectors")

menu(_("پایش"), "monitoring_home", kind="monitoring", order=10, needs_unit=True)

# Fields against demand (monitoring/fields/): the demand later apps bring, one declared input each
# (kit/inputs.py). Each answers {(area id or None, cluster): number} for a fields.scope.Scope; until provided,
# what the platform knows today (fields/demand.py).
declare(APPLICANTS, "Applicants per cluster in the scope's areas (public portal; until then the enrollments, "
        "both sectors: the demand that was met): {(area id | None, cluster): number}", default=met_demand)
declare(WAITING, "Waiting lists per cluster in the scope's areas (public portal; none before it): "
        "{(area id | None, cluster): number}", default=nothing)
declare(PRIORITY, "The province's priority programs per cluster, as people to train (programs; none yet): "
        "{(area id | None, cluster): number}", default=nothing)


def _sees_areas(user: Any) -> bool:
    """Only accounts at HQ, a province or a county: the page is about an area's mix of fields."""
    from maharat.access import policy

    unit = policy.actor_of(user).unit
    return unit is not None and unit.kind in AREA_LEVELS


# Beside the institutes' own pages when that menu exists (maharat.institutes declares it before monitoring
# loads: INSTALLED_APPS order), else on the bar beside «پایش».
menu(_("رشته‌ها در برابر تقاضا"), "monitoring_fields_home", kind="monitoring",
     group="institutes" if "institutes" in menu_groups() else "", order=100 if "institutes" in menu_groups() else 11,
     needs_unit=True, visible=_sees_areas)
