"""Free institutes' licensing: the institute's record, its licences, the applications that lead to them, the
supervision boards' decisions and the appeals against them.

An institute is a unit of kind free institute (org.Unit); `Institute` extends that unit with what licensing
needs (founder, manager, guild). A licence's standing is never typed in: it follows from the decisions on it
(rules.licence_state), which are kept in versions and never overwritten; the licence stores the result so that
lists and the course-run rule read one row.

    application: submitted ──check──▶ documents_ok ──inspect──▶ inspected ──grant──▶ granted
                    ▲  │                    │                        │
                    │  └──return──▶ returned ◀───────return──────────┘       any open ──refuse──▶ refused
                    └──resubmit───────┘                                      any open ──withdraw──▶ withdrawn
"""

from .applications import (  # noqa: F401  (the app's models, as Django and callers name them)
    OPEN_APPLICATION,
    Application,
    ApplicationKind,
    ApplicationStatus,
)
from .decisions import (  # noqa: F401  (the app's models, as Django and callers name them)
    PERIODIC,
    SANCTIONS,
    Appeal,
    AppealStatus,
    Decision,
    DecisionKind,
)
from .licensing import (  # noqa: F401  (the app's models, as Django and callers name them)
    Board,
    BoardLevel,
    ExpiryReminder,
    FounderKind,
    Grade,
    GuildAssociation,
    Institute,
    Licence,
    LicenceField,
    LicenceStatus,
    LicenceType,
)
