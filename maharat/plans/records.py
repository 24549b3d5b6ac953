"""Commitments (annual targets) and the remarks made on a unit's evaluation."""

from django.utils.translation import gettext_lazy as _

from maharat.access.records import CRUD, VIEW, kind, record
from maharat.access.roles import Role

from .models import Commitment, EvaluationRemark

kind("commitment", _("تعهد سالانه"), roles={
    Role.HQ_PLANNER: CRUD, Role.PROVINCIAL_MANAGER: CRUD,
    **{role: {VIEW} for role in (Role.HQ_VIEWER, Role.PROVINCIAL_EXPERT, Role.CENTER_HEAD, Role.INSTITUTE_MANAGER)},
})
# A unit's commitment is set by its parent (a province does not raise its own), and so is the remark on its
# evaluation.
record(Commitment, kind="commitment", unit="unit", owner="unit__parent")
record(EvaluationRemark, kind="commitment", unit="unit", owner="unit__parent")
