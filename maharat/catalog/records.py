"""The national catalog of standards: the same for everyone, changed only at HQ."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import CRUD, VIEW, kind, menu, record
from maharat.access.roles import Role

from .models import Standard

kind("standard", _("استاندارد آموزشی"), roles={
    Role.HQ_PLANNER: CRUD, **{role: {VIEW} for role in Role if role != Role.HQ_PLANNER},
})
record(Standard, kind="standard", unit=None)

menu(_("استانداردها"), "standard_list", kind="standard", group="records", order=10)
