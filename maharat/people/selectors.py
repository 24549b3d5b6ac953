"""Reads of trainees and trainers, with Persian-aware search."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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
    for word in query.split():
        qs = qs.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return qs


def trainee_list(query: str = "") -> QuerySet[Trainee]:
    qs = Trainee.objects.select_related("registered_unit")
    return person_search(qs, query) if query else qs


def trainer_list(query: str = "") -> QuerySet[Trainer]:
    qs = Trainer.objects.select_related("home_unit")
    return person_search(qs, query) if query else qs
