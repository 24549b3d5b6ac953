"""Normalise every submitted value once, at the edge, so forms, search and services see one form of text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from .persian import normalize

NUL = "\x00"
# Deeper JSON than any record the platform reads (a certificate payload is two levels deep); far below the
# depth at which Python's parser and encoder run out of stack (RecursionError, a server error).
MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def _normalised(query: QueryDict) -> QueryDict:
    copy = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        # Passwords are secrets: changing a character would lock people out.
        copy.setlist(key, values if "password" in key else [normalize(v) for v in values])
    copy._mutable = False
    return copy


def json_too_deep(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does this JSON text nest arrays and objects more than `limit` deep? (Brackets inside strings do not count.)"""
    if raw.count(b"[") + raw.count(b"{") <= limit:
        return False  # the usual case: too few brackets to be that deep
    depth = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub(b"", raw)):
        depth += 1 if bracket in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


def _nul_field(query: QueryDict) -> str | None:
    """The name of the first field whose name or value holds a NUL character."""
    for key, values in query.lists():
        if NUL in key or any(NUL in value for value in values):
            return key.replace(NUL, "")
    return None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def refusal(request: HttpRequest) -> HttpResponse | None:
    """A 400 for input no part of the platform can store or look up: NUL characters (PostgreSQL refuses them
    in text) in the address, the query or a posted form, and JSON nested deeper than MAX_JSON_DEPTH (Python's
    parser runs out of stack). Text inside JSON is checked by the API's serializers, which name the field."""
    field = "path" if NUL in request.path else _nul_field(request.GET)
    if field is None and request.method == "POST" and request.content_type in FORM_TYPES:
        field = _nul_field(request.POST)
    if field is not None:
        return _refuse(request, "validation_error", _("ورودی نویسه نامعتبر (NUL) دارد."), field)
    content_type = request.content_type or ""
    if (request.method not in ("GET", "HEAD", "OPTIONS") and (content_type == "application/json" or content_type.endswith("+json"))
            and json_too_deep(request.body)):
        return _refuse(request, "too_deep", _("ساختار JSON ارسالی بیش از حد تودرتو است."), None)
    return None


def _refuse(request: HttpRequest, code: str, message: str, field: str | None) -> HttpResponse:
    if request.path.startswith("/api/"):  # the API's structured error (api/errors.py)
        error: dict[str, Any] = {"code": code, "message": message}
        if field is not None:
            error["fields"] = {field: [message]}
        return JsonResponse({"error": error}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


class PersianInputMiddleware:
    """Refuses what cannot be stored (refusal above), then normalises the Persian text of every query and form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = refusal(request)
        if refused is not None:
            return refused
        if request.GET:
            request.GET = _normalised(request.GET)
        if request.method == "POST" and request.content_type in FORM_TYPES:
            request.POST = _normalised(request.POST)
        return self.get_response(request)


class PersianFirstLocaleMiddleware(LocaleMiddleware):
    """Persian unless the user chose otherwise: the browser's Accept-Language is deliberately ignored.

    Government desktops often ship with an English browser; the platform must still open in Persian.
    The choice made with the language switch is kept in Django's language cookie.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        response = super().process_response(request, response)
        translation.deactivate()  # the thread serves the next request (or test) in the default language
        return response
