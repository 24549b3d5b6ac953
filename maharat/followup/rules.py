"""What a follow-up item may hold: its limits, the text it refuses, and which units can owe one. Shared by the
model's validation, the forms and the services, so a page, a service call from another domain and a test
are refused with the same Persian message."""

from __future__ import annotations

from maharat.access.records import allowed
from maharat.access.roles import ROLE_UNIT_KINDS
from maharat.common.text import clean_text

__all__ = ["clean_text"]  # the shared rule, as this app's services name it

KIND = "followup"
TITLE_MAX = 200
DESCRIPTION_MAX = 4000
NOTE_MAX = 2000
SOURCE_LABEL_MAX = 300
# About a working year: a longer deadline is a plan, not a follow-up (and a typo of 10**9 must not reach the
# calendar, which counts only the years the platform works in).
WORKING_DAYS_MAX = 250


def answering_kinds() -> frozenset[str]:
    """The kinds of unit where some role may answer a follow-up: only such a unit can owe one (nobody at a
    county, a partner or HQ could ever submit it)."""
    return frozenset(kind for role, kinds in ROLE_UNIT_KINDS.items() if allowed(role, KIND, "respond")
                     for kind in kinds)
