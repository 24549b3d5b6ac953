"""Office documents are zip files: Word and Excel (Office Open XML, named by [Content_Types].xml) and
OpenDocument (named by its first entry, `mimetype`). Any other zip is refused, as are macros and embedded
programs, and a zip that would unpack to far more than it weighs (a zip bomb: refused from the sizes its
directory declares, before anything is unpacked)."""

from __future__ import annotations

import re
import zipfile
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .types import DOCX, ODS, ODT, XLSX, FileType, refuse

MAX_ENTRIES = 10_000
MAX_UNPACKED = 512 * 1024 * 1024  # bytes, all entries together, as the zip's directory declares them
MAX_RATIO = 200  # unpacked / packed for one entry above RATIO_FLOOR: XML compresses well, not 200 times
RATIO_FLOOR = 1024 * 1024
PART_LIMIT = 1024 * 1024  # the small parts read here ([Content_Types].xml, mimetype)

OOXML_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
}
ODF = {b"application/vnd.oasis.opendocument.text": ODT, b"application/vnd.oasis.opendocument.spreadsheet": ODS}
# Macros (VBA, LibreOffice Basic and scripts) and embedded programs (ActiveX, OLE packages).
ACTIVE_PARTS = re.compile(r"(?i)(vbaProject\.bin|vbaData\.xml|/activeX/|oleObject\d*\.bin$|^Basic/|^Scripts/)")
_CONTENT_TYPE = re.compile(rb'ContentType\s*=\s*["\']([^"\']+)["\']')


def _broken(name: str) -> ValidationError:
    return refuse(_("فایل «{name}» خراب است و باز نمی‌شود."), name, "broken")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    with archive.open(info) as part:
        data = part.read(PART_LIMIT + 1)
    if len(data) > PART_LIMIT:
        raise _broken(name)
    return data


def check_office(file: IO[bytes], name: str) -> FileType:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return _check(archive, name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, KeyError, NotImplementedError):
        raise _broken(name) from None


def _check(archive: zipfile.ZipFile, name: str) -> FileType:
    infos = archive.infolist()
    declared = sum(i.file_size for i in infos)
    if len(infos) > MAX_ENTRIES or declared > MAX_UNPACKED or any(
            i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos):
        raise refuse(_("فایل «{name}» پس از بازشدن بیش از حد بزرگ می‌شود (بمب فشرده) و پذیرفته نمی‌شود."),
                     name, "zip_bomb")
    if any(i.flag_bits & 0x1 for i in infos):
        raise refuse(_("فایل «{name}» رمزگذاری شده است و محتوای آن را نمی‌توان بررسی کرد؛ نسخه بدون رمز را "
                       "بفرستید."), name, "encrypted")
    if any(ACTIVE_PARTS.search(i.filename) for i in infos):
        raise refuse(_("فایل «{name}» ماکرو یا برنامه جاسازی‌شده دارد و پذیرفته نمی‌شود؛ آن را بدون ماکرو ذخیره "
                       "کنید."), name, "macro")
    by_name = {i.filename: i for i in infos}
    found: FileType | None = None
    if "[Content_Types].xml" in by_name:
        types = set(_CONTENT_TYPE.findall(_read(archive, by_name["[Content_Types].xml"], name)))
        if any(b"macroenabled" in t.lower() for t in types):
            raise refuse(_("فایل «{name}» ماکرو یا برنامه جاسازی‌شده دارد و پذیرفته نمی‌شود؛ آن را بدون ماکرو "
                           "ذخیره کنید."), name, "macro")
        mains = [OOXML_MAIN[t] for t in types if t in OOXML_MAIN]
        found = mains[0] if len(mains) == 1 else None
    elif "mimetype" in by_name:
        found = ODF.get(_read(archive, by_name["mimetype"], name).strip())
    else:
        raise refuse(_("فایل «{name}» یک فایل فشرده است؛ از فایل‌های فشرده فقط سندهای Word، Excel و OpenDocument "
                       "(docx، xlsx، odt، ods) پذیرفته می‌شوند."), name, "archive")
    if found is None:
        raise refuse(_("فایل «{name}» سند Office از نوعی است که پذیرفته نمی‌شود؛ فقط سندهای Word، Excel و "
                       "OpenDocument (docx، xlsx، odt، ods) پذیرفته می‌شوند."), name, "type")
    return found
