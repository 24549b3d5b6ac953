from django.utils.translation import gettext_lazy as _

from maharat.access.records import CRUD, VIEW, kind, menu, record
from maharat.access.roles import Role

from .models import EquipmentLoan

kind("equipmentloan", _("امانت تجهیزات"), roles={
    Role.HQ_PLANNER: CRUD, Role.PROVINCIAL_MANAGER: CRUD, Role.CENTER_HEAD: CRUD, Role.HQ_VIEWER: {VIEW},
})
record(EquipmentLoan, kind="equipmentloan", unit="unit")
menu(_("امانت تجهیزات"), "equipmentloan_list", kind="equipmentloan", group="records", order=200)
