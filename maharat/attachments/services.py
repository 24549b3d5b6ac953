"""Writes: attaching a file to a record and removing it, each allowed to whoever may change the record.

Nothing is half-saved: the file (and its thumbnail) is written to the storage first, then the row and its
audit entry in one transaction; if that transaction fails the written files are deleted again, and if writing
a file fails no row is made. Attaching is not held back by the record's monthly period lock: evidence about a
month may arrive after it is approved, and it changes no figure of it.
"""

from __future__ import annotations

import logging
import unicodedata
import uuid
from typing import IO, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from maharat.access import policy
from maharat.access import records as declared
from maharat.audit.models import AuditAction
from maharat.audit.services import log

from . import registry
from .content import Inspected, images, inspect_file
from .content.types import FileType
from .models import Attachment
from .names import clean_name
from .storage import attachments_storage

logger = logging.getLogger(__name__)

TITLE_MAX = 200
DESCRIPTION_MAX = 2000


def storage_key(kind: FileType) -> str:
    """A new name in the storage: random, spread over folders, with the extension the content says."""
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token[2:4]}/{token}.{kind.extension}"


def require_change(user: Any, obj: Model) -> None:
    """Adding or removing an attachment changes the record's evidence: it needs the right to change the record."""
    if not registry.is_enabled(type(obj)):
        raise PermissionDenied(_("این نوع رکورد پیوست نمی‌پذیرد."))
    kind = policy.record_of(obj)
    if not policy.may(user, "change", kind):
        label = declared.kinds()[kind].label
        raise PermissionDenied(_("نقش شما اجازه تغییر «{kind}» را ندارد و نمی‌تواند به آن پیوست بیفزاید یا پیوستش را "
                                 "حذف کند.").format(kind=label))
    if not policy.can(user, "change", obj):
        raise PermissionDenied(_("این رکورد در حوزه شما نیست و نمی‌توانید پیوست‌های آن را تغییر دهید."))


def clean_text(value: str, *, field: str, label: str, limit: int, multiline: bool = False) -> str:
    value = (value or "").strip()
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value):
        raise ValidationError({field: _("«{label}» نویسه کنترلی نامعتبر دارد.").format(label=label)})
    if len(value) > limit:
        raise ValidationError({field: _("«{label}» حداکثر {limit} نویسه است.").format(label=label, limit=limit)})
    return value


def duplicate_message(name: str, sha256: str) -> str:
    return _("این فایل («{name}») پیش‌تر با چکیده {sha256} به همین رکورد پیوست شده است.").format(
        name=name, sha256=sha256)


def _refuse_duplicate(ct: ContentType, object_id: Any, inspected: Inspected, name: str) -> None:
    if Attachment.objects.filter(content_type=ct, object_id=object_id, sha256=inspected.sha256,
                                 removed_at=None).exists():
        raise ValidationError(duplicate_message(name, inspected.sha256), code="duplicate")


def _discard(store: Storage, names: list[str]) -> None:
    for name in names:
        try:
            store.delete(name)
        except Exception:  # the first failure is the one to report; an orphan file is only disk space
            logger.exception("could not delete the stored attachment file %s after a failed attach", name)


def attach(user: Any, obj: Model, uploaded_file: IO[bytes] | File, title: str = "", description: str = "") -> Attachment:
    """Attach `uploaded_file` to `obj`; ValidationError (Persian, naming the file) when it is refused."""
    require_change(user, obj)
    title = clean_text(title, field="title", label=_("عنوان"), limit=TITLE_MAX)
    description = clean_text(description, field="description", label=_("توضیح"), limit=DESCRIPTION_MAX,
                             multiline=True)
    name = clean_name(getattr(uploaded_file, "name", "") or "")
    inspected = inspect_file(uploaded_file, name)
    kind = inspected.kind
    # Before the file is stored: the local storage moves an upload's temporary file rather than copying it.
    thumb = images.thumbnail(uploaded_file, name, kind) if kind.image else None
    ct = ContentType.objects.get_for_model(obj)
    _refuse_duplicate(ct, obj.pk, inspected, name)

    store, key, written = attachments_storage(), storage_key(kind), []
    try:
        uploaded_file.seek(0)
        content = uploaded_file if isinstance(uploaded_file, File) else File(uploaded_file, name=key)
        stored = store.save(key, content)
        written.append(stored)
        thumb_name = ""
        if thumb is not None:
            thumb_name = store.save(f"{key.rsplit('.', 1)[0]}.thumb.{thumb[1]}", ContentFile(thumb[0]))
            written.append(thumb_name)
        with transaction.atomic():
            attachment = Attachment.objects.create(
                content_type=ct, object_id=obj.pk, stored_name=stored, thumbnail_name=thumb_name,
                original_name=name, title=title, description=description, mime_type=kind.mime,
                size=inspected.size, sha256=inspected.sha256, width=inspected.width, height=inspected.height,
                uploaded_by=user if getattr(user, "pk", None) else None)
            log(action=AuditAction.CREATE, instance=attachment, new=_audit_values(attachment, obj),
                unit=policy.unit_of(obj), user=user, note=_record_ref(ct, obj))
    except IntegrityError:
        # The same file sent twice at once: the database's constraint kept one of them.
        _discard(store, written)
        raise ValidationError(duplicate_message(name, inspected.sha256), code="duplicate") from None
    except BaseException:
        _discard(store, written)
        raise
    return attachment


def remove(user: Any, attachment: Attachment) -> Attachment:
    """Take an attachment off its record. The file stays in the storage (models.Attachment.removed_at)."""
    obj = attachment.record
    if obj is None:  # its record was deleted: nobody's scope reaches it any more
        raise PermissionDenied(_("رکورد این پیوست دیگر وجود ندارد."))
    require_change(user, obj)
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.removed:
            raise ValidationError(_("پیوست «{name}» پیش‌تر حذف شده است.").format(name=locked.original_name),
                                  code="removed")
        locked.removed_at, locked.removed_by = timezone.now(), user
        locked.save(update_fields=["removed_at", "removed_by"])
        log(action=AuditAction.DELETE, instance=locked, old=_audit_values(attachment, obj),
            new={**_audit_values(locked, obj), "removed_at": locked.removed_at.isoformat()},
            unit=policy.unit_of(obj), user=user, note=_record_ref(locked.content_type, obj))
    return locked


def _record_ref(ct: ContentType, obj: Model) -> str:
    return f"{ct.app_label}.{ct.model} {obj.pk}: {obj}"[:500]


def _audit_values(attachment: Attachment, obj: Model) -> dict[str, Any]:
    return {"record": f"{attachment.content_type.app_label}.{attachment.content_type.model}:{obj.pk}",
            "original_name": attachment.original_name, "title": attachment.title, "mime_type": attachment.mime_type,
            "size": attachment.size, "sha256": attachment.sha256, "stored_name": attachment.stored_name,
            "removed_at": None}
