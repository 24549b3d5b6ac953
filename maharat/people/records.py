"""Trainees and trainers: where each belongs, and who may see and change them."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from maharat.access.records import ADD, CHANGE, CRUD, VIEW, kind, menu, record
from maharat.access.roles import Role
from maharat.kit.sections import section

from .models import Trainee, Trainer

STAFF = (Role.HQ_PLANNER, Role.PROVINCIAL_MANAGER, Role.PROVINCIAL_EXPERT)

kind("trainee", _("کارآموز"), roles={
    **{role: CRUD for role in (*STAFF, Role.CENTER_HEAD, Role.INSTITUTE_MANAGER)},
    Role.HQ_VIEWER: {VIEW}, Role.TRAINER: {VIEW}, Role.ASSESSOR: {VIEW}, Role.PARTNER_VIEWER: {VIEW},
})
kind("trainer", _("مربی"), roles={
    **{role: CRUD for role in STAFF}, Role.HQ_VIEWER: {VIEW}, Role.CENTER_HEAD: {VIEW, CHANGE},
    Role.INSTITUTE_MANAGER: {VIEW, ADD, CHANGE}, Role.TRAINER: {VIEW},
})
# A trainee belongs to the unit that registered them; the units that trained them see them too (training's
# records.py adds that). A partner organisation sees only the people it referred.
record(Trainee, kind="trainee", unit="registered_unit", referred="referred_by")
record(Trainer, kind="trainer", unit="home_unit")

menu(_("کارآموزان"), "trainee_list", kind="trainee", group="records", order=20)
menu(_("مربیان"), "trainer_list", kind="trainer", group="records", order=30)


def _trainee_sms(user: Any, trainee: Any) -> dict[str, Any]:
    from maharat.access import policy

    from .sms import status

    if not trainee.mobile:
        return {"count": 0}
    return {**status(trainee), "trainee": trainee, "can_change": policy.can(user, CHANGE, trainee)}


# The trainee's page says whether SMS may be sent to them, and stops (or resumes) them at their request.
section(Trainee, template="people/partials/trainee_sms.html", context=_trainee_sms, order=90)
