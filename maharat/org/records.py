"""The organisation tree's declarations: the tree itself (handed to the permission layer) and units as records."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import CRUD, VIEW, kind, menu, record, use_tree
from maharat.access.roles import Role

from .models import Unit, UnitKind
from .selectors import subtree_q

# The root is looked up without failing when the tree is still empty (a fresh database).
use_tree(Unit, subtree_q=subtree_q, root=lambda: Unit.objects.filter(kind=UnitKind.HQ).first(),
         is_root=lambda unit: unit.kind == UnitKind.HQ,
         is_broad=lambda unit: unit.kind in (UnitKind.PROVINCE, UnitKind.COUNTY))

kind("unit", _("واحد سازمانی"), roles={
    Role.HQ_PLANNER: CRUD, Role.HQ_VIEWER: {VIEW}, Role.PROVINCIAL_MANAGER: CRUD, Role.PROVINCIAL_EXPERT: {VIEW},
    Role.CENTER_HEAD: {VIEW}, Role.INSTITUTE_MANAGER: {VIEW}, Role.TRAINER: {VIEW}, Role.ASSESSOR: {VIEW},
})
# A unit's own record (its name, its place in the tree) belongs to its parent: nobody edits the root of their
# own subtree (a province does not rename itself, nor move its units into another province).
record(Unit, kind="unit", unit="", owner="parent")

menu(_("ساختار سازمانی"), "unit_detail", kind="unit", order=20, unit_arg=True)
