"""Writes of licensing: applications and their steps, the board's decisions, appeals, and the licence's
standing that follows from them.

Every write asks the permission layer first (a refusal says nothing of the record), runs in one transaction,
and leaves an audit entry; the application's steps are its state machine's transitions (kit.workflow.perform).
A decision is never edited: an appeal that varies or annuls it adds a new version and takes the old one out
of force, and the licence's dates and status are recomputed from the versions that stand (rules.licence_state).
"""

from .applications import (  # noqa: F401  (re-exported: callers import maharat.institutes.services)
    STEP_NOTES,
    ApplicationData,
    _set_fields,
    apply_new,
    apply_renewal,
    clean_application,
    grant,
    refuse,
    renewal_defaults,
    step,
    update_application,
)
from .common import (  # noqa: F401  (re-exported: callers import maharat.institutes.services)
    BACKDATE,
    MAX_CAPACITY,
    RENEWAL_WINDOW,
    board_for,
    number_for,
)
from .decisions import (  # noqa: F401  (re-exported: callers import maharat.institutes.services)
    APPEALABLE,
    CENTRAL_ONLY,
    DECIDABLE,
    DecisionData,
    decide,
    lodge_appeal,
    recompute,
    refresh_statuses,
    rule_on_appeal,
)
