"""Monitoring: who may read the scorecards; the summary tables are derived, never listed or written by users."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import VIEW, internal, kind, menu
from maharat.access.roles import Role

from .models import Fact, GroupFact, NodeMonth, StaleSlice, TraineeYear, UnitMonth

kind("monitoring", _("پایش"), roles={role: {VIEW} for role in (
    Role.HQ_PLANNER, Role.HQ_VIEWER, Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_EXPERT, Role.CENTER_HEAD,
    Role.INSTITUTE_MANAGER)})
for summary in (UnitMonth, NodeMonth, Fact, GroupFact, TraineeYear, StaleSlice):
    internal(summary, "a summary kept by monitoring from the records; read through monitoring.selectors")

menu(_("پایش"), "monitoring_home", kind="monitoring", order=10, needs_unit=True)
