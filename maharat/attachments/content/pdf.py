"""PDF: a whole document (its header and its end marker), with nothing in it that a reader would run.

What a PDF reader executes (a JavaScript action, a Launch action that starts a program) must be named in a
dictionary, either in the file's plain text or inside a compressed object stream (/ObjStm): both are read,
with names decoded from their #xx escapes (/J#61vaScript is /JavaScript). An encrypted file hides its object
streams from this check and is refused; so is an object stream packed in a way this module does not unpack.
"""

from __future__ import annotations

import bisect
import re
import zlib
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from .types import refuse

HEADER = b"%PDF-"
TAIL = 1024  # "%%EOF" must lie within the last this many bytes
ACTIVE = {b"JavaScript", b"JS", b"Launch"}
INFLATE_BUDGET = 64 * 1024 * 1024  # bytes of object streams unpacked per file, at most
_NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")
_OBJECT = re.compile(rb"\d+[\x00\t\n\f\r ]+\d+[\x00\t\n\f\r ]+obj")


def _names(data: bytes) -> Iterator[bytes]:
    for match in _NAME.finditer(data):
        name = match.group(1)
        yield _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name) if b"#" in name else name


def _object_streams(data: bytes, name: str) -> Iterator[bytes]:
    """The unpacked content of each object stream."""
    budget = INFLATE_BUDGET
    starts = [m.end() for m in _OBJECT.finditer(data)]
    seen: int | None = None
    for match in _STREAM.finditer(data):
        # An object has one stream, after its dictionary: the first "stream" after "N G obj". Later ones are
        # bytes inside that stream; reading the dictionary again for each would cost the square of the file.
        index = bisect.bisect_right(starts, match.start()) - 1
        if index == seen:
            continue
        seen = index
        names = set(_names(data[starts[index] if index >= 0 else 0:match.start()]))
        if b"ObjStm" not in names:
            continue
        filters = {n for n in names if n.endswith(b"Decode")}
        if not filters:
            continue  # stored as plain text: already read with the rest of the file
        if filters != {b"FlateDecode"} or b"Predictor" in names:
            raise refuse(_("فایل «{name}» بخش‌هایی دارد که نمی‌توان بررسی کرد و پذیرفته نمی‌شود."), name, "pdf_unchecked")
        end = data.find(b"endstream", match.end())
        body = data[match.end():end if end >= 0 else len(data)]
        try:
            unpacked = zlib.decompressobj().decompress(body, budget + 1)
        except zlib.error:
            raise refuse(_("فایل «{name}» PDF کامل و درستی نیست."), name, "broken") from None
        budget -= len(unpacked)
        if budget < 0:
            raise refuse(_("فایل «{name}» پس از بازشدن بیش از حد بزرگ می‌شود و پذیرفته نمی‌شود."), name, "zip_bomb")
        yield unpacked


def check_pdf(data: bytes, name: str) -> None:
    if not data.startswith(HEADER) or b"%%EOF" not in data[-TAIL:]:
        raise refuse(_("فایل «{name}» PDF کامل و درستی نیست (آغاز یا پایان آن نیست)."), name, "broken")
    found = set(_names(data))
    if b"Encrypt" in found:
        raise refuse(_("فایل «{name}» رمزگذاری شده است و محتوای آن را نمی‌توان بررسی کرد؛ نسخه بدون رمز را "
                       "بفرستید."), name, "encrypted")
    for unpacked in _object_streams(data, name):
        found.update(_names(unpacked))
    if found & ACTIVE:
        raise refuse(_("فایل «{name}» کد جاوااسکریپت یا فرمان اجرای برنامه (JavaScript / Launch) دارد و پذیرفته "
                       "نمی‌شود."), name, "pdf_active")
