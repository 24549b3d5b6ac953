"""Employment, until graduate tracing exists: the default answer of the declared input "employment".

The input answers, for a list of enrollment ids, which of those graduates were employed three months after
their course run ended, and what shows it (a text for the invoice line). Here that is an EmploymentEvidence
record entered by provincial staff that covers the day `rules.EMPLOYMENT_WAIT` after the run's end and has
its document attached (a record without its evidence file proves nothing). Graduate tracing will answer the
same question from its surveys and the insurance registry (`provide("employment", ...)`), and nothing here
or in earned.py changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef

from maharat.attachments.models import Attachment

from . import rules
from .models import EmploymentEvidence

CHUNK = 500  # ids per query: far inside every backend's limit on bound parameters


def employed_by_enrollment(enrollment_ids: Iterable[int]) -> dict[int, str]:
    """{enrollment id: employer} for the graduates employed on the day three months after completion."""
    ids = sorted(set(enrollment_ids))
    found: dict[int, str] = {}
    if not ids:
        return found
    files = Attachment.objects.filter(content_type=ContentType.objects.get_for_model(EmploymentEvidence),
                                      object_id=OuterRef("pk"), removed_at=None)
    for start in range(0, len(ids), CHUNK):
        rows = (EmploymentEvidence.objects.filter(enrollment_id__in=ids[start:start + CHUNK])
                .filter(Exists(files))
                .values_list("enrollment_id", "employer", "from_date", "to_date", "enrollment__course_run__end_date")
                .order_by("enrollment_id", "from_date", "pk"))
        for enrollment_id, employer, since, until, ended in rows:
            day = ended + rules.EMPLOYMENT_WAIT
            if since <= day and (until is None or until >= day):
                found.setdefault(enrollment_id, employer)
    return found
