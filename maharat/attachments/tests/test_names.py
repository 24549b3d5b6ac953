"""Hostile file names: kept only as something to show, never as a path, and offered back safely."""

from __future__ import annotations

import pytest

from maharat.attachments.names import MAX_NAME, clean_name, content_disposition, download_name


@pytest.mark.parametrize(("raw", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\system32\\evil.dll", "evil.dll"),
    ("C:\\Users\\me\\گزارش بازدید.pdf", "گزارش بازدید.pdf"),
    ("report\x00.pdf", "report.pdf"),
    ("line\nbreak\r\t.pdf", "linebreak.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # the override that shows "invoiceexe.pdf" is gone
    ("\u2067isolated\u2069.pdf", "isolated.pdf"),
    ("نامه‌ی اداری.pdf", "نامه‌ی اداری.pdf"),  # the half-space of Persian words is kept
    ('a<b>c:"d|e?f*.pdf', "a_b_c__d_e_f_.pdf"),
    (".htaccess", "htaccess"),
    ("..", "پیوست"),
    ("", "پیوست"),
    ("\x00\x01\x02", "پیوست"),
])
def test_clean_name(raw: str, kept: str) -> None:
    assert clean_name(raw) == kept


def test_a_thousand_character_name_is_cut_keeping_its_extension() -> None:
    name = clean_name("ب" * 1000 + ".pdf")
    assert len(name) == MAX_NAME and name.endswith(".pdf")
    assert len(clean_name("x" * 1000)) == MAX_NAME


def test_the_download_name_takes_the_extension_from_the_content() -> None:
    assert download_name("report.exe", ("pdf",)) == "report.pdf"
    assert download_name("photo.JPEG", ("jpg", "jpeg")) == "photo.jpeg"
    assert download_name("scan", ("png",)) == "scan.png"
    assert download_name("archive.tar.gz", ("pdf",)) == "archive.tar.pdf"


def test_content_disposition_is_one_safe_header_line_for_any_name() -> None:
    header = content_disposition('گزارش "نهایی"\\ ۱۴۰۵.pdf', inline=False, fallback="attachment-7")
    assert header.isascii() and "\n" not in header and "\r" not in header
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4%20%22" in header  # the Persian name, percent-encoded
    plain = header.split('filename="', 1)[1].split('"', 1)[0]
    assert plain == "attachment-7"  # nothing readable in ASCII: the fallback, not an empty or odd name
    assert content_disposition("visit report.pdf", inline=True, fallback="x") == (
        "inline; filename=\"visit report.pdf\"; filename*=UTF-8''visit%20report.pdf")
