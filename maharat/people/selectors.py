"""Reads of trainees and trainers, with Persian-aware search."""

from __future__ import annotations

from django.db.models import CharField, QuerySet
from django.db.models.expressions import RawSQL

from maharat.common.persian import normalize, normalize_digits

from .models import Trainee, Trainer


def person_search(qs: QuerySet, query: str) -> QuerySet:
    """Digits search the national code (prefix); words must each match the first or last name."""
    query = normalize(query)
    digits = normalize_digits(query).replace(" ", "")
    if digits.isdigit():
        if len(digits) in (8, 9, 10):
            digits = digits.zfill(10)
            return qs.filter(national_code=digits)
        return qs.filter(national_code__startswith=digits)
    # Each word must appear in the first or the last name, i.e. in "first last" (a word has no space):
    # the expression of the full-name trigram index (people/migrations/0005).
    table = qs.model._meta.db_table
    qs = qs.annotate(_full_name=RawSQL(f"UPPER({table}.first_name || ' ' || {table}.last_name)", (),
                                       output_field=CharField()))
    for word in query.split():
        qs = qs.filter(_full_name__contains=word.upper())
    return qs


def trainee_list(query: str = "") -> QuerySet[Trainee]:
    qs = Trainee.objects.select_related("registered_unit")
    return person_search(qs, query) if query else qs


def trainer_list(query: str = "") -> QuerySet[Trainer]:
    qs = Trainer.objects.select_related("home_unit")
    return person_search(qs, query) if query else qs
