"""The pages and downloads as each role meets them: a file is served only to those who may see its record,
with headers that keep the browser from running it; everyone else gets the answer of a missing record."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from maharat.attachments import services
from maharat.attachments.models import Attachment

from . import files
from .conftest import stored_files

pytestmark = pytest.mark.django_db


def client_of(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def upload_url(run: Any) -> str:
    return reverse("attachment_upload", args=["training.courserun", run.pk])


@pytest.fixture
def pdf_on_run(world: dict) -> Attachment:
    return services.attach(world["head"], world["run"], files.upload("گزارش بازدید ۱۴۰۵.pdf", files.real_pdf()))


@pytest.fixture
def photo_on_run(world: dict) -> Attachment:
    return services.attach(world["head"], world["run"], files.upload("photo.jpg", files.jpeg_with_gps()))


# Who may download a file attached to a course run at a center in Qazvin: the record's own scope, by hand.
DOWNLOAD = [
    ("manager", 200),  # Qazvin's provincial manager: the run is in the province
    ("expert", 200),  # Qazvin's provincial expert
    ("head", 200),  # the run's own center
    ("trainer", 200),  # a trainer of the center may view its runs
    ("assessor", 200),  # an assessor of the province may view its runs
    ("hq_viewer", 200),  # HQ sees everything
    ("hq_planner", 200),
    ("other_manager", 404),  # another province's manager
    ("neighbour_head", 404),  # the center next door, same county
    ("no_account", 404),  # signed in, placed nowhere
]


@pytest.mark.parametrize(("who", "status"), DOWNLOAD)
def test_download_by_role(world: dict, pdf_on_run: Attachment, who: str, status: int) -> None:
    response = client_of(world[who]).get(reverse("attachment_download", args=[pdf_on_run.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == files.real_pdf()  # type: ignore[attr-defined]


@pytest.mark.parametrize(("who", "status"), DOWNLOAD)
def test_thumbnail_by_role(world: dict, photo_on_run: Attachment, who: str, status: int) -> None:
    response = client_of(world[who]).get(reverse("attachment_thumbnail", args=[photo_on_run.pk]))
    assert response.status_code == status


def test_anonymous_users_are_sent_to_sign_in(pdf_on_run: Attachment) -> None:
    for url in (reverse("attachment_download", args=[pdf_on_run.pk]),
                reverse("attachment_thumbnail", args=[pdf_on_run.pk]),
                reverse("record_attachments", args=["training.courserun", pdf_on_run.object_id])):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = Client().post(reverse("attachment_remove", args=[pdf_on_run.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_missing_attachment_and_one_out_of_scope_answer_alike(world: dict, pdf_on_run: Attachment) -> None:
    client = client_of(world["other_manager"])
    urls = [reverse("attachment_download", args=[pk]) for pk in (pdf_on_run.pk, pdf_on_run.pk + 1000)]
    hidden, missing = (client.get(url) for url in urls)
    assert hidden.status_code == missing.status_code == 404
    def page(response: Any, url: str) -> str:  # the same page but for its own address and CSRF token
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", response.content.decode().replace(url, ""))

    assert page(hidden, urls[0]) == page(missing, urls[1])


def test_a_pdf_is_shown_inline_in_a_sandbox_with_a_safe_persian_file_name(world: dict, pdf_on_run: Attachment) -> None:
    response = client_of(world["manager"]).get(reverse("attachment_download", args=[pdf_on_run.pk]))
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('inline; filename="') and disposition.isascii()
    assert "filename*=UTF-8''%DA%AF%D8%B2%D8%A7%D8%B1%D8%B4" in disposition  # گزارش, RFC 5987
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Cache-Control"].startswith("private")
    assert int(response["Content-Length"]) == pdf_on_run.size


def test_an_office_document_is_always_downloaded(world: dict) -> None:
    a = services.attach(world["head"], world["run"], files.upload("visit.exe", files.docx()))
    response = client_of(world["head"]).get(reverse("attachment_download", args=[a.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith('attachment; filename="visit.docx"')


def test_the_thumbnail_served_has_no_gps_while_the_original_is_the_evidence_as_sent(
        world: dict, photo_on_run: Attachment) -> None:
    from PIL import ExifTags, Image

    client = client_of(world["manager"])
    thumb = b"".join(client.get(reverse("attachment_thumbnail", args=[photo_on_run.pk])).streaming_content)  # type: ignore[attr-defined]
    image = Image.open(io.BytesIO(thumb))
    assert max(image.size) == 320 and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo) and b"Exif" not in thumb
    original = b"".join(client.get(reverse("attachment_download", args=[photo_on_run.pk])).streaming_content)  # type: ignore[attr-defined]
    assert original == files.jpeg_with_gps()


def test_a_pdf_has_no_thumbnail(world: dict, pdf_on_run: Attachment) -> None:
    assert client_of(world["manager"]).get(reverse("attachment_thumbnail", args=[pdf_on_run.pk])).status_code == 404


def test_asking_again_gets_not_modified_only_after_the_permission_check(world: dict, pdf_on_run: Attachment) -> None:
    url = reverse("attachment_download", args=[pdf_on_run.pk])
    etag = client_of(world["manager"]).get(url)["ETag"]
    assert client_of(world["manager"]).get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client_of(world["other_manager"]).get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404


def test_the_files_are_not_reachable_under_static_or_media(world: dict, pdf_on_run: Attachment,
                                                          storage_root: Path) -> None:
    client = client_of(world["hq_planner"])
    for prefix in ("/static/", "/media/", "/static/attachments/", "/media/attachments/", "/attachments/"):
        assert client.get(prefix + pdf_on_run.stored_name).status_code == 404
    assert storage_root.exists() and "static" not in storage_root.parts and "media" not in storage_root.parts


# ---------------------------------------------------------------------------------------------- uploads
def post_file(client: Client, run: Any, name: str, data: bytes, **extra: Any) -> Any:
    payload = {"attachment-file": files.upload(name, data), "attachment-title": extra.pop("title", ""),
               "next": reverse("courserun_detail", args=[run.pk])}
    return client.post(upload_url(run), payload, follow=True, **extra)


def test_a_writer_uploads_from_the_records_page_and_sees_it_listed(world: dict) -> None:
    client = client_of(world["manager"])
    response = post_file(client, world["run"], "scan.jpg", files.real_pdf(), title="گواهی حضور")
    assert response.redirect_chain[-1][0] == reverse("courserun_detail", args=[world["run"].pk])
    a = Attachment.objects.get()
    page = response.content.decode()
    assert "پیوست شد" in page and a.sha256 in page  # the message, with the full hash
    assert "گواهی حضور" in page and "scan.pdf" in page and "PDF" in page
    assert reverse("attachment_download", args=[a.pk]) in page


def test_an_html_file_renamed_pdf_is_refused_on_the_page(world: dict, storage_root: Path) -> None:
    response = post_file(client_of(world["manager"]), world["run"], "invoice.pdf", files.HTML)
    page = response.content.decode()
    assert "«invoice.pdf»" in page and "HTML" in page and "پذیرفته نمی‌شود" in page
    assert not Attachment.objects.exists() and stored_files(storage_root) == []


def test_a_second_upload_of_the_same_file_shows_its_hash(world: dict, pdf_on_run: Attachment) -> None:
    response = post_file(client_of(world["manager"]), world["run"], "again.pdf", files.real_pdf())
    page = response.content.decode()
    assert "پیش‌تر با چکیده" in page and pdf_on_run.sha256 in page
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [
    ("hq_viewer", 404),  # may see the run, may not change it
    ("trainer", 404),
    ("other_manager", 404),  # may not even see it
    ("neighbour_head", 404),
    ("manager", 200),
    ("head", 200),
])
def test_upload_by_role(world: dict, who: str, status: int) -> None:
    response = post_file(client_of(world[who]), world["run"], "r.pdf", files.real_pdf())
    assert response.status_code == status
    assert Attachment.objects.exists() is (status == 200)


def test_upload_to_a_kind_that_takes_none_or_does_not_exist_is_404(world: dict) -> None:
    client = client_of(world["hq_planner"])
    for target, pk in (("org.unit", world["center"].pk), ("nothing.here", 1), ("training.courserun", 10**9)):
        url = reverse("attachment_upload", args=[target, pk])
        assert client.post(url, {"attachment-file": files.upload("a.pdf", files.real_pdf())}).status_code == 404


def test_an_upload_without_a_file_says_so(world: dict) -> None:
    response = client_of(world["manager"]).post(upload_url(world["run"]), {"attachment-title": "x"}, follow=True)
    assert "فایلی برای پیوست انتخاب نشده است." in response.content.decode()


def test_an_oversized_upload_is_cut_off_while_it_arrives(world: dict, settings, storage_root: Path) -> None:  # type: ignore[no-untyped-def]
    settings.FILE_UPLOAD_HANDLERS = ["maharat.attachments.uploads.CappedUploadHandler",
                                     "django.core.files.uploadhandler.MemoryFileUploadHandler",
                                     "django.core.files.uploadhandler.TemporaryFileUploadHandler"]
    settings.ATTACHMENTS_MAX_BYTES = 100 * 1024
    big = files.pdf(body=b"/Filler (" + b"x" * (300 * 1024) + b")")
    response = post_file(client_of(world["manager"]), world["run"], "big.pdf", big)
    page = response.content.decode()
    assert "«big.pdf»" in page and "بزرگ‌تر از حد مجاز" in page and "۱۰۰ کیلوبایت" in page
    assert not Attachment.objects.exists() and stored_files(storage_root) == []


def test_a_hostile_name_through_the_page_is_stored_clean(world: dict) -> None:
    post_file(client_of(world["manager"]), world["run"], "../../etc/passwd", files.real_pdf())
    a = Attachment.objects.get()
    assert a.original_name == "passwd" and a.download_name == "passwd.pdf" and ".." not in a.stored_name


# ---------------------------------------------------------------------------------------------- removal
def test_removal_by_role(world: dict, pdf_on_run: Attachment) -> None:
    url = reverse("attachment_remove", args=[pdf_on_run.pk])
    for who in ("hq_viewer", "trainer", "other_manager", "neighbour_head"):
        assert client_of(world[who]).post(url).status_code == 404
    assert Attachment.objects.get().removed_at is None
    response = client_of(world["manager"]).post(url, {"next": reverse("courserun_detail", args=[world["run"].pk])},
                                                follow=True)
    assert "حذف شد" in response.content.decode()
    assert Attachment.objects.get().removed_at is not None
    download = reverse("attachment_download", args=[pdf_on_run.pk])
    assert client_of(world["manager"]).get(download).status_code == 404  # gone from the record
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="attach-test-password")
    assert client_of(admin).get(download).status_code == 200  # still there for the audit


# ---------------------------------------------------------------------------------------------- the section
def test_the_records_page_lists_attachments_for_a_writer(world: dict, pdf_on_run: Attachment,
                                                         photo_on_run: Attachment) -> None:
    page = client_of(world["manager"]).get(reverse("courserun_detail", args=[world["run"].pk])).content.decode()
    assert 'data-testid="attachments"' in page and 'data-testid="attachment-upload"' in page
    assert "گزارش بازدید ۱۴۰۵.pdf" in page and "photo.jpg" in page
    assert reverse("attachment_thumbnail", args=[photo_on_run.pk]) in page
    assert reverse("attachment_thumbnail", args=[pdf_on_run.pk]) not in page
    assert pdf_on_run.short_hash in page and f'title="{pdf_on_run.sha256}"' in page
    assert "کیلوبایت" in page and reverse("attachment_remove", args=[pdf_on_run.pk]) in page
    assert "Head" in page  # the uploader, a center inside the manager's province


def test_a_viewer_sees_the_list_without_upload_or_removal(world: dict, pdf_on_run: Attachment) -> None:
    page = client_of(world["hq_viewer"]).get(reverse("courserun_detail", args=[world["run"].pk])).content.decode()
    assert reverse("attachment_download", args=[pdf_on_run.pk]) in page
    assert 'data-testid="attachment-upload"' not in page
    assert reverse("attachment_remove", args=[pdf_on_run.pk]) not in page


def test_the_other_records_count_only_those_the_viewer_may_see(world: dict) -> None:
    for run in (world["run"], world["neighbour_run"]):
        services.attach(world["manager"], run, files.upload("same.pdf", files.real_pdf()))
    detail = reverse("courserun_detail", args=[world["run"].pk])
    manager_page = client_of(world["manager"]).get(detail).content.decode()
    assert "همین فایل به ۱ رکورد دیگری که می‌بینید نیز پیوست شده است." in manager_page
    head_page = client_of(world["head"]).get(detail).content.decode()
    assert 'data-testid="also-attached"' not in head_page  # the neighbour's run is not the head's to know of


def test_an_uploader_outside_the_viewers_subtree_is_shown_by_role(world: dict) -> None:
    services.attach(world["hq_planner"], world["run"], files.upload("hq.pdf", files.real_pdf()))
    page = client_of(world["head"]).get(reverse("courserun_detail", args=[world["run"].pk])).content.decode()
    assert "Hqplanner" not in page and "برنامه‌ریز ستاد" in page


def test_an_empty_section_is_left_out_for_a_viewer_and_offered_to_a_writer(world: dict) -> None:
    detail = reverse("courserun_detail", args=[world["run"].pk])
    assert 'data-testid="attachments"' not in client_of(world["hq_viewer"]).get(detail).content.decode()
    assert 'data-testid="attachment-upload"' in client_of(world["head"]).get(detail).content.decode()


def test_the_records_own_attachments_page(world: dict, pdf_on_run: Attachment) -> None:
    url = reverse("record_attachments", args=["training.courserun", world["run"].pk])
    assert client_of(world["other_manager"]).get(url).status_code == 404
    page = client_of(world["trainer"]).get(url).content.decode()
    assert reverse("attachment_download", args=[pdf_on_run.pk]) in page


def test_the_section_in_english_has_no_persian_of_its_own(world: dict, pdf_on_run: Attachment) -> None:
    from django.conf import settings

    client = client_of(world["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("record_attachments", args=["training.courserun", world["run"].pk])).content.decode()
    section = page[page.index('data-testid="attachments"'):page.index("</section>")]
    section = section.replace(pdf_on_run.original_name, "").replace(pdf_on_run.download_name, "")
    section = section.replace(str(world["run"]), "")
    assert "Attachments" in section and "Upload" in section and "KB" in section
    assert not re.search("[\u0600-\u06ff]", section), re.findall("[\u0600-\u06ff]+", section)[:10]


def test_a_large_upload_arriving_as_a_temporary_file_is_stored_whole_with_its_thumbnail(
        world: dict, settings, storage_root: Path) -> None:  # type: ignore[no-untyped-def]
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the upload lands in a temporary file, which the storage moves
    data = files.jpeg_with_gps()
    post_file(client_of(world["head"]), world["run"], "big-photo.jpg", data)
    a = Attachment.objects.get()
    assert (storage_root / a.stored_name).read_bytes() == data and (storage_root / a.thumbnail_name).exists()
    assert oct((storage_root / a.stored_name).stat().st_mode & 0o777) == oct(0o640)


def test_head_asks_like_get(world: dict, pdf_on_run: Attachment) -> None:
    url = reverse("attachment_download", args=[pdf_on_run.pk])
    assert client_of(world["manager"]).head(url).status_code == 200
    assert client_of(world["other_manager"]).head(url).status_code == 404


@pytest.mark.parametrize(("raw", "kept", "offered"), [
    ("report\x00.pdf", "report.pdf", "report.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe", "invoicefdp.pdf"),  # shown as typed, offered by its content
    ("ن" * 1000 + ".pdf", "ن" * 146 + ".pdf", "ن" * 146 + ".pdf"),
])
def test_hostile_names_through_the_page(world: dict, raw: str, kept: str, offered: str) -> None:
    response = post_file(client_of(world["manager"]), world["run"], raw, files.real_pdf())
    assert response.status_code == 200
    a = Attachment.objects.get()
    assert (a.original_name, a.download_name) == (kept, offered)
    disposition = client_of(world["manager"]).get(reverse("attachment_download", args=[a.pk]))["Content-Disposition"]
    assert disposition.isascii() and "\n" not in disposition and "%E2%80%AE" not in disposition
