"""The working-day calendar: one national table of public holidays. HQ's planners keep it; every role reads it
(deadlines everywhere are counted on it)."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import CRUD, VIEW, kind, menu, record
from maharat.access.roles import Role

from .models import Holiday

kind("holiday", _("تقویم کاری"), roles={role: CRUD if role == Role.HQ_PLANNER else {VIEW} for role in Role})
record(Holiday, kind="holiday", unit=None)  # national: the same calendar for every unit

menu(_("تقویم کاری"), "workdays_calendar", kind="holiday", group="admin", order=30)
