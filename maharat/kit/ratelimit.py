"""Public pages' rate limit: a fixed one-minute window per client address, in the cache (shared by every
process in production). Certificate and licence verification, the public register's search."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from maharat.audit.context import client_ip


def limited(request: HttpRequest, scope: str, per_minute: int | None = None) -> bool:
    """Whether this request is one too many for its address this minute."""
    minute = int(timezone.now().timestamp() // 60)
    key = f"rl:{scope}:{client_ip(request)}:{minute}"
    try:
        count = cache.incr(key)  # the usual case: one cache call
    except ValueError:  # the client's first request this minute
        if cache.add(key, 1, timeout=70):
            return False
        count = cache.incr(key)
    return count > (per_minute if per_minute is not None else settings.MAHARAT_VERIFY_RATE)
