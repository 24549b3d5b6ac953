"""File names: the uploader's name is kept to show and to offer on download, never used as a path.

A name arrives from the browser as the user's machine spelled it, or as an attacker wrote it: path parts
("../../etc/passwd", "C:\\Users\\x\\a.pdf"), NUL and other control characters, the right-to-left override
that turns "report\u202Efdp.exe" into "reportexe.pdf" on screen, a thousand characters. What is kept is what
a person would call the file; what is stored is a generated name (services.storage_key).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.utils.translation import gettext as _

MAX_NAME = 150  # characters kept of a file name (its extension included)
ZWNJ = "\u200c"  # the Persian half-space: a letter of the name, not a control
_RESERVED = re.compile(r'[<>:"/\\|?*]')  # not allowed in a Windows file name, where most downloads land
_SPACES = re.compile(r"\s+")


def _visible(ch: str) -> bool:
    # Cc: controls (NUL, newline, escape); Cf: invisible formatting, bidi overrides and isolates among them
    # (U+202A-U+202E, U+2066-U+2069), except the half-space, which Persian words need.
    category = unicodedata.category(ch)
    return ch == ZWNJ or category not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def split_extension(name: str) -> tuple[str, str]:
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10 or not ext.isalnum():
        return name, ""
    return stem, ext


def clean_name(raw: str | None) -> str:
    """The name to show: its last path part, without controls, reserved characters or leading dots,
    at most MAX_NAME characters with the extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]  # the browser's or the attacker's folders are not ours
    name = "".join(ch for ch in name if _visible(ch))
    name = _SPACES.sub(" ", _RESERVED.sub("_", name)).strip(" .")  # ".htaccess", "name. " and "..": no
    if not name:
        return _("پیوست")
    if len(name) > MAX_NAME:
        stem, ext = split_extension(name)
        keep = MAX_NAME - (len(ext) + 1 if ext else 0)
        name = f"{stem[:keep].rstrip(' .')}.{ext}" if ext else name[:MAX_NAME]
    return name


def download_name(original: str, extensions: tuple[str, ...]) -> str:
    """The name offered on download: the kept name, with the extension the content says it is (the bytes
    of a PDF uploaded as "report.exe" are offered as "report.pdf", never as an .exe)."""
    stem, ext = split_extension(original)
    if ext.lower() in extensions:
        return f"{stem}.{ext.lower()}"
    return f"{original}.{extensions[0]}" if ext == "" else f"{stem}.{extensions[0]}"


def content_disposition(name: str, *, inline: bool, fallback: str) -> str:
    """RFC 6266 with RFC 5987's UTF-8 form for a Persian name, and a plain ASCII name beside it for clients
    that do not read filename* (both quoted safely: no quote, backslash or control can end the header)."""
    ascii_name = "".join(ch for ch in name if 32 <= ord(ch) < 127 and ch not in '"\\%;')
    stem, _ext = split_extension(ascii_name)
    plain = ascii_name if stem.strip(" ._-") else fallback
    disposition = "inline" if inline else "attachment"
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
