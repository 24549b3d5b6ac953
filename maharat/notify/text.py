"""What goes into a message: text cleaned of what a phone or a mail client would show as garbage (or use to
disguise a link), phone numbers in one form, keys that fit their column, and links that stay on this site."""

from __future__ import annotations

import hashlib
import re

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify

from maharat.common.persian import normalize, normalize_digits
from maharat.common.validators import clean_mobile

from .models import KEY_LENGTH

# C0 and C1 control characters (NUL included) except the line break; and the bidi embeddings, overrides and
# isolates, with which a message can be made to read differently from what it says. ZWNJ (the half-space)
# is ordinary Persian text and stays.
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n?")
_BLANK_LINES = re.compile(r"\n{3,}")

TITLE_LIMIT = 200
BODY_LIMIT = 4000
# What one SMS may carry: concatenated Persian (UCS-2) parts hold 67 characters each; above ten parts a
# message is a mistake of the caller, not a reminder. Longer text is cut (with an ellipsis) before it is sent
# and logged, so the log holds exactly what the person received.
SMS_LIMIT = 670
ELLIPSIS = "…"


def clean_text(value: object, limit: int = BODY_LIMIT) -> str:
    """Text with line breaks kept, control characters removed, at most `limit` characters."""
    text = _LINE_BREAKS.sub("\n", str(value or "")).replace("\t", " ")
    text = _BLANK_LINES.sub("\n\n", _CONTROL.sub("", text)).strip()
    return cut(text, limit)


def clean_line(value: object, limit: int = TITLE_LIMIT) -> str:
    """One line (a title, an e-mail subject: a header must not hold a line break)."""
    return cut(" ".join(clean_text(value, limit * 2).split()), limit)


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def sms_parts(text: str) -> int:
    """How many SMS the provider splits `text` into: 160/153 characters in GSM's alphabet, 70/67 otherwise."""
    single, part = (160, 153) if text.isascii() else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // part)


def clean_key(key: object) -> str:
    """The dedupe key as stored (the write path normalises every text column, so the lookup must too); a key
    longer than its column keeps its start and a digest of the whole, so two long keys never collide."""
    text = normalize(_CONTROL.sub("", str(key or "")).strip())
    if not text:
        raise ValueError("a message needs a dedupe key")
    if len(text) > KEY_LENGTH:
        digest = hashlib.sha256(text.encode()).hexdigest()
        text = f"{text[: KEY_LENGTH - 65]}:{digest}"
    return text


def clean_topic(topic: object) -> str:
    return slugify(str(topic or ""))[:60] or "general"


def phone_of(value: object) -> str | None:
    """09xxxxxxxxx from whatever form the number was written in (Persian or Arabic digits, +98, 0098, spaces),
    or None for something that is not an Iranian mobile number."""
    text = _CONTROL.sub("", normalize_digits(str(value or "")))[:40]
    try:
        return clean_mobile(text)
    except ValidationError:
        return None


def safe_url(url: object) -> str:
    """A path on this site ("/training/runs/12/"), or "" for anything else: another site (//evil.com,
    http://…), a script (javascript:…), a control character that a browser would silently drop."""
    text = str(url or "").strip()
    # Browsers drop tabs and line breaks inside an address ("/\t/evil.com" is "//evil.com" to them): a link with
    # any whitespace or control character is refused, not repaired.
    if not text or len(text) > 500 or _CONTROL.search(text) or re.search(r"\s", text) or "\\" in text:
        return ""
    if not text.startswith("/") or text.startswith("//"):
        return ""
    return text if url_has_allowed_host_and_scheme(text, allowed_hosts=None) else ""
