"""The one place that decides whether a file may be attached, from its bytes alone.

The name a file arrives with and the type the browser claims for it are never asked: a PDF renamed .jpg is a
PDF, an HTML page renamed .pdf is refused. Accepted: PDF, JPEG, PNG, WebP, and Word, Excel and OpenDocument
documents (docx, xlsx, odt, ods); refused: everything else, with a Persian message that names the file and,
where the bytes tell, what it is (a program, a web page or SVG, a script, a plain zip, an old Office file).
The size is counted while the file is read, not taken from the request's Content-Length.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .images import check_image
from .office import check_office
from .pdf import HEADER, check_pdf
from .types import JPEG, PDF, PNG, WEBP, FileType, refuse, size_text

__all__ = ["Inspected", "inspect_file", "max_bytes", "too_large"]

CHUNK = 64 * 1024
HEAD = 8192
IMAGES = {t.mime: t for t in (JPEG, PNG, WEBP)}
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003 (and their macros)
PROGRAMS = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe", b"\x00asm", b"dex\n")  # Windows, Linux, macOS, WebAssembly, Android
ALLOWED_TEXT = _("فایل‌های پذیرفتنی: PDF، تصویر JPEG، PNG یا WebP، و سندهای Word، Excel و OpenDocument "
                 "(docx، xlsx، odt، ods).")


@dataclass(frozen=True)
class Inspected:
    kind: FileType
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None


def max_bytes() -> int:
    return int(settings.ATTACHMENTS_MAX_BYTES)


def too_large(name: str) -> ValidationError:
    return refuse(_("فایل «{name}» بزرگ‌تر از حد مجاز ({limit}) است."), name, "too_large",
                  limit=size_text(max_bytes()))


def inspect_file(file: IO[bytes], name: str) -> Inspected:
    """The file's type, size and SHA-256, or a ValidationError saying why it is refused."""
    limit, size, digest = max_bytes(), 0, hashlib.sha256()
    head = b""
    whole: bytearray | None = None  # a PDF is checked whole (at most `limit` bytes)
    file.seek(0)
    while chunk := file.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise too_large(name)
        digest.update(chunk)
        if len(head) < HEAD:
            head += chunk[:HEAD - len(head)]
            if whole is None and len(head) >= len(HEADER) and head.startswith(HEADER):
                whole = bytearray()
        if whole is not None:
            whole += chunk
    if size == 0:
        raise refuse(_("فایل «{name}» خالی است."), name, "empty")
    kind, width, height = _kind(file, name, head, bytes(whole) if whole is not None else None)
    return Inspected(kind, size, digest.hexdigest(), width, height)


def _kind(file: IO[bytes], name: str, head: bytes, whole: bytes | None) -> tuple[FileType, int | None, int | None]:
    if whole is not None:
        check_pdf(whole, name)
        return PDF, None, None
    if head.startswith(ZIP):
        return check_office(file, name), None, None
    guess = filetype.guess(head)
    if guess is not None and guess.mime in IMAGES:
        kind = IMAGES[guess.mime]
        width, height = check_image(file, name, kind)
        return kind, width, height
    raise _refusal(name, head, guess.mime if guess is not None else "")


def _refusal(name: str, head: bytes, guessed: str) -> ValidationError:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\f")
    if head.startswith(PROGRAMS):
        return refuse(_("فایل «{name}» یک برنامه اجرایی است و پذیرفته نمی‌شود."), name, "executable")
    if head.startswith(b"#!"):
        return refuse(_("فایل «{name}» یک اسکریپت است و پذیرفته نمی‌شود."), name, "script")
    if text.startswith(b"<") or head.startswith((b"\xff\xfe<", b"\xfe\xff\x00<")):
        return refuse(_("فایل «{name}» صفحه وب یا سند نشانه‌گذاری (HTML، SVG یا XML) است و پذیرفته نمی‌شود."),
                      name, "markup")
    if head.startswith(OLE):
        return refuse(_("فایل «{name}» در قالب قدیمی Office (doc یا xls) است؛ آن را با قالب docx یا xlsx ذخیره کنید "
                        "و دوباره بفرستید."), name, "legacy_office")
    if guessed:
        return refuse(_("نوع فایل «{name}» ({type}) پذیرفته نمی‌شود. {allowed}"), name, "type", type=guessed,
                      allowed=ALLOWED_TEXT)
    if _is_text(head):
        return refuse(_("فایل «{name}» متن ساده یا اسکریپت است و پذیرفته نمی‌شود. {allowed}"), name, "text",
                      allowed=ALLOWED_TEXT)
    return refuse(_("نوع فایل «{name}» شناخته نشد و پذیرفته نمی‌شود. {allowed}"), name, "type", allowed=ALLOWED_TEXT)


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut by the end of the head is still text
    return b"\x00" not in head

