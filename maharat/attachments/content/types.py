"""The kinds of evidence file the platform accepts, and the one way a refusal is worded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maharat.common.persian import localize_digits


@dataclass(frozen=True)
class FileType:
    mime: str
    extensions: tuple[str, ...]  # the first is the one a stored or downloaded file gets
    label: Any  # lazy Persian text
    inline: bool = False  # shown in the browser (under a sandbox) rather than downloaded
    image: bool = False  # gets a thumbnail

    @property
    def extension(self) -> str:
        return self.extensions[0]


PDF = FileType("application/pdf", ("pdf",), _("PDF"), inline=True)
JPEG = FileType("image/jpeg", ("jpg", "jpeg"), _("تصویر JPEG"), inline=True, image=True)
PNG = FileType("image/png", ("png",), _("تصویر PNG"), inline=True, image=True)
WEBP = FileType("image/webp", ("webp",), _("تصویر WebP"), inline=True, image=True)
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",),
                _("سند Word"))
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), _("کاربرگ Excel"))
ODT = FileType("application/vnd.oasis.opendocument.text", ("odt",), _("سند OpenDocument"))
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", ("ods",), _("کاربرگ OpenDocument"))

ACCEPTED: dict[str, FileType] = {t.mime: t for t in (PDF, JPEG, PNG, WEBP, DOCX, XLSX, ODT, ODS)}
# A hint for the browser's file picker only: what is accepted is decided by the bytes.
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for t in ACCEPTED.values() for ext in t.extensions)


def size_parts(size: int) -> tuple[float, int, Any]:
    """A size in bytes as a person reads it: (number, decimals to show, unit)."""
    if size < 1024:
        return float(size), 0, _("بایت")
    if size < 1024 * 1024:
        return size / 1024, 0 if size >= 10 * 1024 else 1, _("کیلوبایت")
    value = size / (1024 * 1024)
    return value, 0 if value == int(value) else 1, _("مگابایت")


def size_text(size: int) -> str:
    value, decimals, unit = size_parts(size)
    return f"{value:.{decimals}f} {unit}"


def type_of(mime: str) -> FileType | None:
    return ACCEPTED.get(mime)


def refuse(message: Any, name: str, code: str, **values: Any) -> ValidationError:
    """A refusal that names the file; numbers in it are shown in the page's digits."""
    text = str(message).format(name=name, **{k: localize_digits(v) for k, v in values.items()})
    return ValidationError(text, code=code)
