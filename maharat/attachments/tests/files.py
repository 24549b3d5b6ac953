"""Files for the tests, made here from bytes: real documents, and the hostile ones an attacker would send."""

from __future__ import annotations

import functools
import io
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

DOCX_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
              b'<Default Extension="xml" ContentType="application/xml"/>'
              b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
              b'wordprocessingml.document.main+xml"/></Types>')


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """What the browser sends: a name and a claimed type, both of the sender's choosing."""
    return SimpleUploadedFile(name, data, content_type=content_type)


def pdf(body: bytes = b"", marker: bytes = b"") -> bytes:
    return (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + body + b">>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" + marker +
            b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


@functools.cache
def real_pdf() -> bytes:
    """Made once: Pillow writes the time into a PDF, and the tests compare bytes."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PDF")
    return out.getvalue()


def pdf_with_object_stream(inner: bytes) -> bytes:
    packed = zlib.compress(inner)
    stream = (b"3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length " + str(len(packed)).encode()
              + b" >>\nstream\n" + packed + b"\nendstream\nendobj\n")
    return pdf(marker=stream)


def png(size: tuple[int, int] = (400, 300), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 0).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (36.0, 16.0, 0.0)  # Qazvin
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (50.0, 0.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (200, 120, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def webp() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (100, 50), (0, 0, 255, 128)).save(out, "WEBP")
    return out.getvalue()


def _zip(entries: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def docx(extra: list[tuple[str, bytes]] | None = None, types: bytes = DOCX_TYPES) -> bytes:
    return _zip([("[Content_Types].xml", types), ("word/document.xml", b"<w:document/>"), *(extra or [])])


def xlsx() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["گزارش بازدید", 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text",
        extra: list[tuple[str, bytes]] | None = None) -> bytes:
    return _zip([("mimetype", mimetype), ("content.xml", b"<office:document-content/>"), *(extra or [])],
                stored_first=True)


def zip_bomb() -> bytes:
    """A Word document whose body unpacks to 20 MiB of zeros from some 20 KiB."""
    return docx(extra=[("word/media/filler.xml", bytes(20 * 1024 * 1024))])


def plain_zip() -> bytes:
    return _zip([("report.pdf", pdf()), ("notes.txt", b"hello")])


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200) + b"This program cannot be run in DOS mode."
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(200)
HTML = b"<!DOCTYPE html>\n<html><body><script>fetch('/api/').then(r => r.text())</script></body></html>"
SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(document.cookie)</script></svg>")
SHELL = b"#!/bin/sh\nrm -rf /\n"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
