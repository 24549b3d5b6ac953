"""Whole public pages rendered once and served again to visitors who carry no cookie.

A QR code scanned on a phone opens the verification page with no session, no messages and no CSRF cookie:
what it shows depends only on the language, the day, the address and the data passed in `key_parts`, so the
rendered page can be kept (docs/performance.md: rendering the layout was half the cost of the page). The one
per-visitor part, the CSRF token of the language form, is left as a placeholder in the kept page and filled
with this visitor's token on the way out. Anyone with a cookie (signed in, or with a message waiting) gets
the page rendered as usual.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation

from . import jalali

TOKEN_HOLE = "csrf-token-hole-not-a-token"  # real tokens are 64 letters and digits, never this


def render_for_visitor(request: HttpRequest, template: str, context: dict[str, Any], *,
                       key_parts: list[Any], seconds: int = 300) -> HttpResponse:
    if request.COOKIES or getattr(request, "htmx", False) or request.user.is_authenticated:
        return render(request, template, context)
    key = "page:v1:" + hashlib.sha256(json.dumps(
        [template, translation.get_language(), jalali.today().isoformat(), request.get_full_path(), *key_parts],
        default=str, sort_keys=True).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, {**context, "csrf_token": TOKEN_HOLE}, request)
        cache.set(key, html, seconds)
    return HttpResponse(html.replace(TOKEN_HOLE, get_token(request)))
