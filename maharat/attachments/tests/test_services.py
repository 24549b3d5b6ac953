"""Attaching and removing: the record's own permission decides, the same file twice on one record is named by
its hash, nothing is half-saved, and every upload and removal is in the audit trail under the record's unit."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maharat.attachments import selectors, services
from maharat.attachments.models import Attachment
from maharat.audit.models import AuditAction, AuditEntry
from maharat.factories import CourseRunFactory
from maharat.org.models import Unit

from . import files
from .conftest import stored_files

pytestmark = pytest.mark.django_db


def attach(user: Any, run: Any, name: str = "report.pdf", data: bytes | None = None, **kw: Any) -> Attachment:
    return services.attach(user, run, files.upload(name, data if data is not None else files.real_pdf()), **kw)


def test_an_upload_is_stored_under_a_generated_name_with_its_facts(world: dict, storage_root: Path) -> None:
    data = files.real_pdf()
    a = attach(world["manager"], world["run"], "../../etc/گزارش.exe", data, title="گزارش بازدید")
    assert a.original_name == "گزارش.exe" and a.download_name == "گزارش.pdf"
    assert a.mime_type == "application/pdf" and a.size == len(data) and a.sha256 == hashlib.sha256(data).hexdigest()
    assert a.stored_name.endswith(".pdf") and "etc" not in a.stored_name and "گزارش" not in a.stored_name
    assert a.record == world["run"] and a.uploaded_by == world["manager"] and a.title == "گزارش بازدید"
    assert stored_files(storage_root) == [storage_root / a.stored_name]
    assert (storage_root / a.stored_name).read_bytes() == data


def test_an_image_gets_a_thumbnail_beside_it(world: dict, storage_root: Path) -> None:
    a = attach(world["manager"], world["run"], "photo.jpg", files.jpeg_with_gps())
    assert a.mime_type == "image/jpeg" and (a.width, a.height) == (800, 600)
    assert a.thumbnail_name.startswith(a.stored_name.rsplit(".", 1)[0]) and a.thumbnail_name.endswith(".thumb.jpg")
    assert len(stored_files(storage_root)) == 2


@pytest.mark.parametrize("raw", ["report\x00.pdf", "invoice\u202efdp.exe", "../../etc/passwd", "ن" * 1000 + ".pdf"])
def test_hostile_names_are_kept_only_as_clean_text(world: dict, raw: str) -> None:
    a = attach(world["manager"], world["run"], raw)
    assert "\x00" not in a.original_name and "\u202e" not in a.original_name and "/" not in a.original_name
    assert len(a.original_name) <= 150 and a.download_name.endswith(".pdf")


def test_the_same_file_twice_on_one_record_is_refused_with_its_hash(world: dict, storage_root: Path) -> None:
    first = attach(world["manager"], world["run"], "a.pdf")
    with pytest.raises(ValidationError) as caught:
        attach(world["head"], world["run"], "renamed.jpg")  # the same bytes under another name
    message = caught.value.messages[0]
    assert "پیش‌تر با چکیده" in message and first.sha256 in message and "«renamed.jpg»" in message
    assert Attachment.objects.count() == 1 and len(stored_files(storage_root)) == 1  # nothing left behind


def test_the_same_file_elsewhere_is_accepted_and_counted_only_where_the_viewer_sees(world: dict) -> None:
    attach(world["manager"], world["run"])
    attach(world["manager"], world["neighbour_run"])
    far = CourseRunFactory(unit=Unit.objects.get(code="IR-03"))  # another province's run, same file
    attach(world["hq_planner"], far)
    sha = Attachment.objects.first().sha256  # type: ignore[union-attr]
    assert selectors.also_attached(world["manager"], world["run"], {sha}) == {sha: 1}  # the neighbour's run
    assert selectors.also_attached(world["hq_viewer"], world["run"], {sha}) == {sha: 2}  # both others
    assert selectors.also_attached(world["head"], world["run"], {sha}) == {}  # sees neither of the others
    assert selectors.also_attached(world["other_manager"], far, {sha}) == {}


def test_after_removal_the_same_file_may_be_attached_again(world: dict) -> None:
    first = attach(world["manager"], world["run"])
    services.remove(world["manager"], first)
    again = attach(world["manager"], world["run"])
    assert again.pk != first.pk and again.sha256 == first.sha256


@pytest.mark.parametrize("who", ["hq_viewer", "trainer", "assessor"])
def test_a_role_that_may_only_view_cannot_attach(world: dict, storage_root: Path, who: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        attach(world[who], world["run"])
    assert "نقش شما اجازه تغییر «دوره آموزشی» را ندارد" in str(caught.value)
    assert not Attachment.objects.exists() and stored_files(storage_root) == []


@pytest.mark.parametrize("who", ["other_manager", "neighbour_head", "no_account"])
def test_a_writer_outside_the_records_subtree_cannot_attach(world: dict, who: str) -> None:
    with pytest.raises(PermissionDenied):
        attach(world[who], world["run"])


def test_a_model_that_takes_no_attachments_is_refused(world: dict) -> None:
    with pytest.raises(PermissionDenied) as caught:
        attach(world["hq_planner"], world["center"])
    assert "پیوست نمی‌پذیرد" in str(caught.value)


def test_removal_needs_the_same_permission_and_keeps_the_file(world: dict, storage_root: Path) -> None:
    a = attach(world["head"], world["run"])
    for who in ("hq_viewer", "trainer", "neighbour_head", "other_manager"):
        with pytest.raises(PermissionDenied):
            services.remove(world[who], a)
    removed = services.remove(world["manager"], a)
    assert removed.removed_at is not None and removed.removed_by == world["manager"]
    assert (storage_root / a.stored_name).exists()  # kept for the audit
    assert list(selectors.of_record(world["run"])) == []
    with pytest.raises(ValidationError):
        services.remove(world["manager"], removed)


def test_upload_and_removal_are_audited_under_the_records_unit(world: dict) -> None:
    a = attach(world["head"], world["run"], title="صورت‌جلسه")
    services.remove(world["manager"], a)
    created, deleted = AuditEntry.objects.filter(object_id=str(a.pk)).order_by("id")
    assert (created.action, created.user, created.unit) == (AuditAction.CREATE, world["head"], world["center"])
    assert created.changes["sha256"] == [None, a.sha256] and created.changes["record"][1].endswith(f":{world['run'].pk}")
    assert (deleted.action, deleted.user, deleted.unit) == (AuditAction.DELETE, world["manager"], world["center"])
    assert deleted.changes["removed_at"][0] is None and deleted.changes["removed_at"][1]


def test_a_failing_row_deletes_the_stored_files(world: dict, storage_root: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken_log(**kwargs: Any) -> None:
        raise RuntimeError("the audit database is gone")

    monkeypatch.setattr(services, "log", broken_log)
    with pytest.raises(RuntimeError):
        attach(world["manager"], world["run"], "photo.jpg", files.jpeg_with_gps())
    assert not Attachment.objects.exists() and stored_files(storage_root) == []  # file and thumbnail gone


def test_a_failing_storage_makes_no_row(world: dict, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from maharat.attachments.storage import PrivateFileSystemStorage

    def full_disk(self: Any, name: str, content: Any) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(PrivateFileSystemStorage, "_save", full_disk)
    with pytest.raises(OSError):
        attach(world["manager"], world["run"])
    assert not Attachment.objects.exists() and not AuditEntry.objects.filter(action=AuditAction.CREATE,
                                                                            content_type__model="attachment").exists()


def test_a_refused_file_leaves_nothing(world: dict, storage_root: Path) -> None:
    with pytest.raises(ValidationError):
        attach(world["manager"], world["run"], "invoice.pdf", files.HTML)
    assert not Attachment.objects.exists() and stored_files(storage_root) == []


def test_control_characters_in_the_title_are_refused_naming_the_field(world: dict) -> None:
    with pytest.raises(ValidationError) as caught:
        attach(world["manager"], world["run"], title="عنوان\x07")
    assert caught.value.message_dict["title"] == ["«عنوان» نویسه کنترلی نامعتبر دارد."]
    with pytest.raises(ValidationError) as caught:
        attach(world["manager"], world["run"], title="ع" * 201)
    assert "title" in caught.value.message_dict
