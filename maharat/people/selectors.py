"""Reads of trainees and trainers, with Persian-aware search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import CharField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from maharat.common.persian import normalize, normalize_digits
from maharat.common.validators import clean_national_code

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


# One answer for a code that does not exist, one registered outside the user's scope, and one whose birth
# date does not match: nothing tells whether a national code is registered elsewhere.
UNKNOWN_TRAINEE = _(
    "کارآموزی با این کد ملی در حوزه شما ثبت نشده است؛ اگر در واحد دیگری ثبت شده، تاریخ تولدش را هم بنویسید تا "
    "هویتش تأیید شود، وگرنه ابتدا او را ثبت کنید."
)
TOO_MANY_IDENTITY_TRIES = _("تلاش‌های ناموفق تأیید هویت بیش از حد مجاز است؛ یک ساعت دیگر دوباره امتحان کنید.")
IDENTITY_TRIES_PER_HOUR = 20


@dataclass(frozen=True)
class FoundTrainee:
    trainee: Trainee
    identity_confirmed: bool  # reached through national code + birth date, not through the user's scope


def trainee_at_desk(user: Any, national_code: str, birth_date: dt.date | None = None) -> FoundTrainee:
    """The trainee a desk may enrol or register for a test: one inside the user's scope, or anyone whose national code and birth
    date the desk gives together (the person stands at the desk with their identity card). Failed
    confirmations are counted per user, so birth dates cannot be tried one after another."""
    from maharat.access import policy

    try:
        code = clean_national_code(national_code or "")
    except ValidationError:
        raise ValidationError(UNKNOWN_TRAINEE, code="unknown_trainee") from None
    visible = policy.scope(user, Trainee.objects.filter(national_code=code)).first()
    if visible is not None:
        return FoundTrainee(visible, identity_confirmed=False)
    if birth_date is None:
        raise ValidationError(UNKNOWN_TRAINEE, code="unknown_trainee")
    tries = identity_tries(user)
    if tries.exhausted():
        raise ValidationError(TOO_MANY_IDENTITY_TRIES, code="too_many_tries")
    other = Trainee.objects.filter(national_code=code, birth_date=birth_date).first()
    if other is None:
        tries.fail()
        raise ValidationError(UNKNOWN_TRAINEE, code="unknown_trainee")
    return FoundTrainee(other, identity_confirmed=True)


@dataclass(frozen=True)
class IdentityTries:
    """Failed identity confirmations of one user in the last hour (shared by every process through the cache)."""

    key: str

    def exhausted(self) -> bool:
        return int(cache.get(self.key, 0)) >= IDENTITY_TRIES_PER_HOUR

    def fail(self) -> None:
        if cache.add(self.key, 1, 3600):
            return
        try:
            cache.incr(self.key)
        except ValueError:  # expired between add and incr
            cache.set(self.key, 1, 3600)


def identity_tries(user: Any) -> IdentityTries:
    return IdentityTries(f"identity-tries:{getattr(user, 'pk', None)}")
