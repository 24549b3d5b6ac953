"""The type of a file comes from its bytes, never from its name: each accepted kind, each refused one, and
the bombs (zip and image) refused before they are unpacked. Every refusal is Persian and names the file."""

from __future__ import annotations

import io
import zlib

import pytest
from django.core.exceptions import ValidationError

from maharat.attachments.content import inspect_file, office
from maharat.attachments.content.images import thumbnail
from maharat.attachments.content.types import JPEG, PNG

from . import files


def kind_of(name: str, data: bytes) -> str:
    return inspect_file(files.upload(name, data), name).kind.mime


def refusal(name: str, data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        inspect_file(files.upload(name, data), name)
    message = caught.value.messages[0]
    assert f"«{name}»" in message  # names the file
    return caught.value


@pytest.mark.parametrize(("name", "data", "mime"), [
    ("report.pdf", files.real_pdf(), "application/pdf"),
    ("photo.jpg", files.jpeg_with_gps(), "image/jpeg"),
    ("scan.png", files.png(), "image/png"),
    ("stamp.webp", files.webp(), "image/webp"),
    ("visit.docx", files.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("figures.xlsx", files.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("minutes.odt", files.odt(), "application/vnd.oasis.opendocument.text"),
    ("sheet.ods", files.odt(b"application/vnd.oasis.opendocument.spreadsheet"), "application/vnd.oasis.opendocument.spreadsheet"),
])
def test_each_accepted_kind_is_recognised_by_its_bytes(name: str, data: bytes, mime: str) -> None:
    assert kind_of(name, data) == mime


def test_a_pdf_renamed_jpg_is_a_pdf() -> None:
    inspected = inspect_file(files.upload("photo.jpg", files.real_pdf(), "image/jpeg"), "photo.jpg")
    assert inspected.kind.mime == "application/pdf" and inspected.kind.extension == "pdf"


def test_the_size_and_hash_are_of_the_bytes_read() -> None:
    import hashlib

    data = files.real_pdf()
    inspected = inspect_file(files.upload("a.pdf", data), "a.pdf")
    assert inspected.size == len(data) and inspected.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("name", "data", "code", "words"), [
    ("invoice.pdf", files.HTML, "markup", "HTML"),
    ("logo.svg", files.SVG, "markup", "SVG"),
    ("logo.png", files.SVG, "markup", "SVG"),
    ("photo.png", files.EXE, "executable", "برنامه اجرایی"),
    ("tool.pdf", files.ELF, "executable", "برنامه اجرایی"),
    ("run.pdf", files.SHELL, "script", "اسکریپت"),
    ("notes.pdf", b"alert(document.cookie);\n", "text", "متن ساده"),
    ("letter.doc", files.OLE, "legacy_office", "docx"),
    ("bundle.docx", files.plain_zip(), "archive", "فشرده"),
    ("anim.jpg", files.GIF, "type", "image/gif"),
])
def test_refused_kinds_say_what_they_are(name: str, data: bytes, code: str, words: str) -> None:
    error = refusal(name, data)
    assert error.code == code and words in error.messages[0]


def test_an_empty_file_is_refused() -> None:
    error = refusal("empty.pdf", b"")
    assert error.code == "empty" and "خالی" in error.messages[0]


def test_a_file_over_the_limit_is_refused_while_it_is_read(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTACHMENTS_MAX_BYTES = 64 * 1024
    data = files.pdf(body=b"/Filler (" + b"x" * (200 * 1024) + b")")

    class Counting(io.BytesIO):
        read_bytes = 0

        def read(self, size: int | None = -1) -> bytes:
            chunk = super().read(size)
            Counting.read_bytes += len(chunk)
            return chunk

    with pytest.raises(ValidationError) as caught:
        inspect_file(Counting(data), "big.pdf")
    assert caught.value.code == "too_large" and "«big.pdf»" in caught.value.messages[0]
    assert "۶۴" in caught.value.messages[0] or "64" in caught.value.messages[0]
    assert Counting.read_bytes < 200 * 1024  # stopped reading once past the limit
    settings.ATTACHMENTS_MAX_BYTES = len(data)
    assert inspect_file(io.BytesIO(data), "big.pdf").size == len(data)  # exactly the limit is allowed


def test_a_zip_bomb_is_refused_from_its_declared_sizes() -> None:
    bomb = files.zip_bomb()
    assert len(bomb) < 200 * 1024  # 20 MiB of zeros in a small file
    error = refusal("visit.docx", bomb)
    assert error.code == "zip_bomb" and "بمب فشرده" in error.messages[0]


def test_a_zip_declaring_more_than_the_total_limit_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(office, "MAX_UNPACKED", 10_000)
    data = files.docx(extra=[(f"word/part{i}.xml", bytes(range(256)) * 8) for i in range(10)])
    assert refusal("parts.docx", data).code == "zip_bomb"


def test_macros_and_embedded_programs_are_refused() -> None:
    macro_types = files.DOCX_TYPES.replace(b"officedocument.wordprocessingml.document.main+xml",
                                           b"ms-word.document.macroEnabled.main+xml")
    assert refusal("macro.docm", files.docx(types=macro_types)).code == "macro"
    assert refusal("macro.docx", files.docx(extra=[("word/vbaProject.bin", b"\x00" * 64)])).code == "macro"
    assert refusal("ole.docx", files.docx(extra=[("word/embeddings/oleObject1.bin", files.EXE)])).code == "macro"
    basic = files.odt(extra=[("Basic/Standard/Module1.xml", b"<script:module/>")])
    assert refusal("basic.odt", basic).code == "macro"


def test_an_office_document_of_another_kind_is_refused() -> None:
    pptx_types = files.DOCX_TYPES.replace(b"wordprocessingml.document.main+xml", b"presentationml.presentation.main+xml")
    assert refusal("slides.pptx", files.docx(types=pptx_types)).code == "type"
    assert refusal("drawing.odg", files.odt(b"application/vnd.oasis.opendocument.graphics")).code == "type"


def test_a_broken_zip_is_refused() -> None:
    assert refusal("cut.docx", files.docx()[:120]).code == "broken"


@pytest.mark.parametrize("body", [
    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
    b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>",  # the same names, written with #xx escapes
    b"/OpenAction << /S /Launch /F (cmd.exe) >>",
])
def test_a_pdf_that_runs_something_is_refused(body: bytes) -> None:
    error = refusal("form.pdf", files.pdf(body=body))
    assert error.code == "pdf_active" and "جاوااسکریپت" in error.messages[0]


def test_javascript_hidden_in_a_compressed_object_stream_is_found() -> None:
    hidden = files.pdf_with_object_stream(b"4 0 << /S /JavaScript /JS (app.alert(1)) >>")
    assert refusal("hidden.pdf", hidden).code == "pdf_active"
    clean = files.pdf_with_object_stream(b"4 0 << /Type /Font /Subtype /Type1 >>")
    assert kind_of("clean.pdf", clean) == "application/pdf"


def test_an_object_stream_packed_beyond_checking_is_refused() -> None:
    packed = zlib.compress(b"4 0 << /S /JavaScript >>")
    stream = (b"3 0 obj\n<< /Type /ObjStm /Filter [/ASCII85Decode /FlateDecode] >>\nstream\n" + packed
              + b"\nendstream\nendobj\n")
    assert refusal("packed.pdf", files.pdf(marker=stream)).code == "pdf_unchecked"


def test_an_encrypted_or_unfinished_pdf_is_refused() -> None:
    encrypted = files.pdf(marker=b"trailer\n<< /Encrypt 5 0 R >>\n")
    assert refusal("locked.pdf", encrypted).code == "encrypted"
    assert refusal("cut.pdf", files.real_pdf()[:-40]).code == "broken"


def test_an_image_bomb_is_refused_before_it_is_decoded() -> None:
    beyond_pillow = files.png((10_000, 10_000), mode="1")  # 100 megapixels in a few kilobytes
    assert len(beyond_pillow) < 100_000
    error = refusal("huge.png", beyond_pillow)
    assert error.code == "image_bomb" and "مگاپیکسل" in error.messages[0]
    beyond_ours = files.png((8_000, 8_000), mode="1")  # 64 megapixels: under Pillow's own limit, over ours
    assert refusal("large.png", beyond_ours).code == "image_bomb"


def test_a_broken_image_is_refused() -> None:
    data = files.png()
    assert refusal("cut.png", data[:80]).code == "broken"
    corrupt = data[:40] + bytes(b ^ 0xFF for b in data[40:60]) + data[60:]
    assert refusal("corrupt.png", corrupt).code == "broken"


def test_the_thumbnail_is_small_and_carries_no_exif_or_gps() -> None:
    from PIL import ExifTags, Image

    original = files.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the photo has a position
    data, extension = thumbnail(io.BytesIO(original), "photo.jpg", JPEG)
    image = Image.open(io.BytesIO(data))
    assert extension == "jpg" and image.format == "JPEG" and max(image.size) == 320
    assert not image.getexif() and "exif" not in image.info and b"Exif" not in data and b"Phone" not in data


def test_a_transparent_image_keeps_its_transparency_in_a_png_thumbnail() -> None:
    from PIL import Image

    data, extension = thumbnail(io.BytesIO(files.png((900, 300), mode="RGBA")), "logo.png", PNG)
    image = Image.open(io.BytesIO(data))
    assert extension == "png" and image.mode == "RGBA" and image.size == (320, 107)


def test_a_png_is_checked_then_thumbnailed_from_the_same_upload() -> None:
    """Pillow's verify() closes the file it reads (Pillow 13, PNG): the check reads a copy, so the upload is still
    open for the thumbnail and for storing (it was a 500 on every PNG upload)."""
    upload = files.upload("scan.png", files.png(), "image/png")
    inspected = inspect_file(upload, "scan.png")
    assert inspected.kind.mime == "image/png" and not upload.closed
    data, mime = thumbnail(upload, "scan.png", PNG)
    assert mime == "jpg" and data[:3] == b"\xff\xd8\xff"  # a fresh JPEG drawn from the pixels
