"""Start-up checks of the SMS settings: a real gateway without its key, or a guessable callback address, is a
mistake found when the server starts rather than when the first reminder is due."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def sms_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    found: list[checks.CheckMessage] = []
    chosen = getattr(settings, "SMS_GATEWAY", "file")
    if chosen not in ("file", "kavenegar"):
        found.append(checks.Error(f"SMS_GATEWAY={chosen!r}: use 'file' or 'kavenegar'", id="maharat.notify.E001"))
    if chosen == "kavenegar":
        if not settings.SMS_API_KEY:
            found.append(checks.Error("SMS_GATEWAY=kavenegar needs SMS_API_KEY", id="maharat.notify.E002"))
        if urlsplit(settings.SMS_API_URL).scheme not in ("http", "https"):
            found.append(checks.Error("SMS_API_URL must be an http(s) address", id="maharat.notify.E003"))
    token = getattr(settings, "SMS_INBOUND_TOKEN", "")
    if token and len(token) < 24:
        found.append(checks.Warning(
            "SMS_INBOUND_TOKEN is short: anyone who guesses it can opt numbers out of SMS",
            hint="use at least 24 random characters (python -c 'import secrets; print(secrets.token_urlsafe(32))')",
            id="maharat.notify.W001"))
    return found
