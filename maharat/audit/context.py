"""Who is acting and from where, for the current request: set by middleware, read when writing audit entries."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class RequestContext:
    user: Any
    ip_address: str | None


_current: ContextVar[RequestContext | None] = ContextVar("maharat_audit_context", default=None)


def current() -> RequestContext | None:
    return _current.get()


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR is the proxy's address behind a reverse proxy; production sets the real one there
    # (docs/deployment.md: the proxy overwrites X-Forwarded-For, which is trusted only from it).
    from django.conf import settings

    if getattr(settings, "MAHARAT_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current.set(RequestContext(getattr(request, "user", None), client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
