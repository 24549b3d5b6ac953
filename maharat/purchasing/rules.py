"""What a purchase contract may hold: its limits, the default tranche shares, the text it refuses. Shared by
the models' validation, the forms and the services, so a page and a call from another app are refused with
the same Persian message."""

from __future__ import annotations

import datetime as dt

from maharat.common.text import FORMULA, clean_text

CONTRACT_KIND = "purchase"
EVIDENCE_KIND = "employmentevidence"

# The shares of the price paid at each outcome, in percent (DOMAIN.md; India's scheme pays its last 20% on
# verified placement). A contract may set its own; they must sum to 100.
DEFAULT_SHARES = {"enrollment": 30, "completion": 30, "certification": 20, "employment": 20}

# Employment is judged this long after the course run ends: "employed three months after completion".
EMPLOYMENT_WAIT = dt.timedelta(days=90)

# Bounds: a contract larger than this is a typing mistake, and the products below stay far inside 64 bits
# (price × share × (100 + premiums) ≤ 10^10 × 100 × 500).
__all__ = ["FORMULA", "clean_text"]  # the shared rule (common/text.py), as this app names it
MAX_TRAINEES = 100_000
MAX_PRICE = 10_000_000_000  # Rials per trainee
MAX_PREMIUM = 100  # percent, per category
NOTE_MAX = 2000
TITLE_MAX = 200
EMPLOYER_MAX = 200
REFERENCE_MAX = 100
# A contract runs at most this long: a longer one is a plan, not a purchase (and a typo of year 1500).
MAX_CONTRACT_DAYS = 3 * 366



def masked(code: str) -> str:
    """A national code with only its last four digits shown: for documents that leave the platform."""
    code = code or ""
    return "*" * max(len(code) - 4, 0) + code[-4:]
