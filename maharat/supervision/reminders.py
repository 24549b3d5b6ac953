"""The complaints' daily reminder: an open complaint past its deadline is told once to those who handle it at
its province (the key makes a second run, or the next morning's, tell nobody again)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import notices
from .models import OPEN_COMPLAINT, Complaint


def run(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    told = 0
    late = Complaint.objects.filter(status__in=OPEN_COMPLAINT, due__lt=today).select_related("institute", "province")
    for complaint in late.iterator(chunk_size=500):
        told += notices.complaint_overdue(complaint)
    return told
