"""Search-as-you-type for record pickers: a small JSON endpoint per kind of picker, inside the user's scope.

A form declares its picker with `code_field("training-unit", queryset, ...)`: a code box (common.fields
CodeChoiceField) whose widget offers suggestions, and the kind registered here with what to search. The page
works without JavaScript (the box takes the code, and its <datalist> holds the first records the user may
pick); with it, static/js/maharat.js asks `GET <lookup>/<kind>/?q=...` as the user types and refreshes the
list. Every answer goes through the permission layer (access.policy.scope): a record the user may not see is
never suggested, as it is never accepted.

The URLs are `urlpatterns` below, included under /lookup/ (name "lookup").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET

from maharat.access import policy
from maharat.common.fields import CodeChoiceField, LookupInput
from maharat.common.persian import normalize

LIMIT = 20
MAX_QUERY = 60


@dataclass(frozen=True)
class Lookup:
    queryset: QuerySet
    code: str  # the field the box holds (the form field's to_field_name)
    search: tuple[str, ...]  # text fields matched with icontains
    upper: bool = False  # codes are stored in capitals


_lookups: dict[str, Lookup] = {}


def register(kind: str, queryset: QuerySet, *, code: str, search: tuple[str, ...], upper: bool = False) -> None:
    """Declare a kind of picker. The same kind declared twice must mean the same records."""
    _lookups[kind] = Lookup(queryset, code, search, upper)


def code_field(kind: str, queryset: QuerySet, *, to_field_name: str, not_found: Any, search: tuple[str, ...],
               upper: bool = False, field_class: type[CodeChoiceField] = CodeChoiceField,
               **kwargs: Any) -> CodeChoiceField:
    """A code box picking one of `queryset`, with suggestions from the kind's lookup."""
    register(kind, queryset, code=to_field_name, search=search, upper=upper)
    return field_class(queryset, to_field_name=to_field_name, not_found=not_found, upper=upper,
                           widget=LookupInput(kind), **kwargs)


def matches(user: Any, kind: str, query: str) -> list[dict[str, str]]:
    """Up to LIMIT records of the kind that the user may see, matching `query` in their code or text."""
    found = _lookups.get(kind)
    if found is None:
        raise Http404
    qs = found.queryset.all()
    if policy.governed(qs.model):
        qs = policy.scope(user, qs)
    elif not user.is_authenticated:
        qs = qs.none()
    query = normalize(query or "").strip()[:MAX_QUERY]
    if query:
        code = query.upper() if found.upper else query
        where = [Q(**{f"{found.code}__icontains": code})] + [Q(**{f"{f}__icontains": query}) for f in found.search]
        qs = qs.filter(reduce(or_, where))
    return [{"value": str(getattr(obj, found.code)), "label": str(obj)} for obj in qs[:LIMIT]]


@login_required
@require_GET
def lookup_view(request: HttpRequest, kind: str) -> JsonResponse:
    return JsonResponse({"results": matches(request.user, kind, request.GET.get("q", ""))},
                        json_dumps_params={"ensure_ascii": False})


urlpatterns = [path("<slug:kind>/", lookup_view, name="lookup")]
