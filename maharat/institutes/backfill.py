"""Licences for the institutes that existed before licensing did, so that their history stays valid.

Each free institute without a licence gets one issued on its founding day (or its first course run's start,
if earlier), for the fields it was recorded in and those of every standard it has trained, renewed term by
term until it covers its last course run and today. The grant and each renewal are decisions of its
province's board, marked as recorded at migration. Used by the data migration (with the historical models)
and by the demo and the bench after they create institutes in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Max, Min

from maharat.common import jalali

from . import rules

REASON = "ثبت پروانه موجود هنگام راه‌اندازی سامانه (انتقال سوابق)"
BOARD_NAME = "هیأت نظارت آموزشگاه‌های آزاد {province}"
APPEAL_DAYS = 30  # calendar days: the migration cannot count working days (the calendar app may not be loaded)


def run(get_model: Any, today: dt.date) -> int:
    """Licence every unlicensed free institute; returns how many. `get_model(app, name)` gives the models
    (apps.get_model in a migration, django.apps.apps.get_model elsewhere)."""
    Unit = get_model("org", "Unit")
    CourseRun = get_model("training", "CourseRun")
    Institute = get_model("institutes", "Institute")
    Licence = get_model("institutes", "Licence")
    LicenceField = get_model("institutes", "LicenceField")
    Decision = get_model("institutes", "Decision")
    Board = get_model("institutes", "Board")

    units = list(Unit.objects.filter(kind="free_institute").exclude(pk__in=Licence.objects.values("institute_id"))
                 .select_related("province").order_by("path"))
    if not units:
        return 0
    ids = [u.pk for u in units]
    spans = {row["unit"]: (row["first"], row["last"]) for row in
             CourseRun.objects.filter(unit_id__in=ids).values("unit").annotate(first=Min("start_date"),
                                                                                 last=Max("end_date"))}
    fields: dict[int, set[str]] = defaultdict(set)
    for row in CourseRun.objects.filter(unit_id__in=ids).values("unit", "standard__cluster").distinct():
        fields[row["unit"]].add(row["standard__cluster"])
    have = set(Institute.objects.filter(unit_id__in=ids).values_list("unit_id", flat=True))
    Institute.objects.bulk_create([Institute(unit_id=u.pk) for u in units if u.pk not in have])
    boards: dict[int, Any] = {}
    seq: dict[tuple[str, int], int] = defaultdict(int)
    for letter, model, field in (("L", Licence, "number"), ("D", Decision, "number")):
        for value in model.objects.filter(**{f"{field}__startswith": f"{letter}-"}).values_list(field, flat=True):
            parts = value.split("-")
            if len(parts) == 4 and parts[3].isdigit():
                key = (f"{letter}-{parts[1]}-{parts[2]}", 0)
                seq[key] = max(seq[key], int(parts[3]))

    def number(letter: str, province: str, day: dt.date) -> str:
        key = (f"{letter}-{province}-{jalali.year_of(day)}", 0)
        seq[key] += 1
        return f"{key[0]}-{seq[key]:04d}"

    licences, plans = [], []
    for unit in units:
        first, last = spans.get(unit.pk, (None, None))
        issued = min(d for d in (unit.established_on, first, today) if d is not None)
        terms = [rules.term_end(issued)]
        while terms[-1] < max(last or today, today):
            terms.append(rules.term_end(terms[-1] + dt.timedelta(days=1)))
        province = unit.province
        digits = province.code.split("-")[-1] if province is not None else "00"
        licence = Licence(institute_id=unit.pk, number=number("L", digits, issued), licence_type="jim", grade=2,
                          issued_on=issued, expires_on=terms[-1], status="active", capacity=0, is_current=True)
        licences.append(licence)
        plans.append((unit, licence, issued, terms, digits))
    Licence.objects.bulk_create(licences, batch_size=2000)
    saved = {lic.institute_id: lic for lic in Licence.objects.filter(institute_id__in=ids)}
    cluster_rows, decisions = [], []
    for unit, licence, issued, terms, digits in plans:
        licence = saved[unit.pk]
        for cluster in sorted(({unit.cluster} if unit.cluster else set()) | fields.get(unit.pk, set())):
            cluster_rows.append(LicenceField(licence_id=licence.pk, cluster=cluster))
        province = unit.province
        board = boards.get(province.pk) if province is not None else None
        if board is None and province is not None:
            board, _created = Board.objects.get_or_create(unit_id=province.pk, level="provincial", defaults={
                "name": BOARD_NAME.format(province=province.name)})
            boards[province.pk] = board
        if board is None:
            continue
        for index, expiry in enumerate(terms):
            # A renewal is decided on the first day of its term (or today, for a term that starts later).
            day = issued if index == 0 else min(terms[index - 1] + dt.timedelta(days=1), today)
            decisions.append(Decision(number=number("D", digits, day), kind="grant" if index == 0 else "renew",
                                      unit_id=unit.pk, licence_id=licence.pk, board_id=board.pk, reason=REASON,
                                      decided_on=day, effective_from=day, new_expiry=expiry,
                                      appeal_until=day + dt.timedelta(days=APPEAL_DAYS)))
    LicenceField.objects.bulk_create(cluster_rows, batch_size=5000, ignore_conflicts=True)
    Decision.objects.bulk_create(decisions, batch_size=2000)
    return len(units)
