"""Monthly periods: who submits, approves, accepts, returns, grants late entry and closes; and the lock they
put on the records of a month (handed to the write path)."""

from django.utils.translation import gettext_lazy as _

from maharat.access import writes
from maharat.access.records import VIEW, kind, menu, record
from maharat.access.roles import Role

from .locks import ensure_editable
from .models import PeriodException, PeriodReport

kind("period", _("دوره ماهانه"), roles={
    Role.HQ_PLANNER: {VIEW, "accept", "return", "grant", "close"}, Role.HQ_VIEWER: {VIEW},
    Role.PROVINCIAL_MANAGER: {VIEW, "approve", "return", "grant"}, Role.PROVINCIAL_EXPERT: {VIEW},
    Role.CENTER_HEAD: {VIEW, "submit"}, Role.INSTITUTE_MANAGER: {VIEW, "submit"},
})
record(PeriodReport, kind="period", unit="unit")
record(PeriodException, kind="period", unit="unit")
writes.use_period_lock(ensure_editable)

menu(_("تأیید داده‌ها"), "period_list", kind="period", order=40, unit_arg=True)
