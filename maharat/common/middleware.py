"""Normalise every submitted value once, at the edge, so forms, search and services see one form of text."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from .persian import normalize


def _normalised(query: QueryDict) -> QueryDict:
    copy = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        # Passwords are secrets: changing a character would lock people out.
        copy.setlist(key, values if "password" in key else [normalize(v) for v in values])
    copy._mutable = False
    return copy


class PersianInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.GET:
            request.GET = _normalised(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
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
