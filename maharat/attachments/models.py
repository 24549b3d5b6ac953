"""Evidence documents attached to any record (a follow-up item, a supervision visit, a course run).

An attachment belongs to its record through a generic relation and has no unit of its own: whoever may see
the record sees its attachments, whoever may change the record may add or remove them (selectors, services).
That is why it is not declared in a records.py: it does not refer to the organisation tree (maharat.E002
looks for foreign keys to org.Unit), and declaring it would give it a scope and roles of its own, which could
drift from its record's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .content.types import FileType, type_of
from .names import MAX_NAME, download_name


class Attachment(models.Model):
    # Stored exactly as given by this app (common/normalise.py would turn digits in a file name Latin).
    verbatim_fields = ("stored_name", "thumbnail_name", "original_name", "mime_type", "sha256")

    content_type = models.ForeignKey(ContentType, verbose_name=_("نوع رکورد"), on_delete=models.PROTECT,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField(_("شناسه رکورد"))
    record = GenericForeignKey("content_type", "object_id")

    # The name in the attachments storage: generated (never the uploader's name, which could be a path).
    stored_name = models.CharField(_("نام ذخیره"), max_length=200, unique=True)
    thumbnail_name = models.CharField(_("نام تصویر کوچک"), max_length=200, blank=True)
    original_name = models.CharField(_("نام فایل"), max_length=MAX_NAME)
    title = models.CharField(_("عنوان"), max_length=200, blank=True)
    description = models.TextField(_("توضیح"), blank=True)
    mime_type = models.CharField(_("نوع فایل"), max_length=100)  # from the bytes (content/)
    size = models.PositiveBigIntegerField(_("اندازه (بایت)"))
    sha256 = models.CharField(_("چکیده SHA-256"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(_("پهنا"), null=True, blank=True)
    height = models.PositiveIntegerField(_("بلندا"), null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("بارگذاری‌کننده"),
                                    on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField(_("زمان بارگذاری"), default=timezone.now)
    # Removal is soft: an evidence document that a decision rested on stays in the storage, so the trail's
    # "removed by X at T" can still be checked against the very file. It leaves the record's page and its
    # downloads; only a superuser (the admin) still reaches it.
    removed_at = models.DateTimeField(_("زمان حذف"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("حذف‌کننده"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("پیوست")
        verbose_name_plural = _("پیوست‌ها")
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_record")]
        constraints = [
            # The same file twice on one record is one document; elsewhere it is that record's own evidence.
            models.UniqueConstraint(fields=["content_type", "object_id", "sha256"], condition=Q(removed_at=None),
                                    name="attachment_once_per_record"),
        ]

    def __str__(self) -> str:
        return self.title or self.original_name

    @property
    def kind(self) -> FileType | None:
        return type_of(self.mime_type)

    @property
    def kind_label(self) -> str:
        kind = self.kind
        return str(kind.label) if kind is not None else self.mime_type

    @property
    def download_name(self) -> str:
        kind = self.kind
        return download_name(self.original_name, kind.extensions) if kind is not None else self.original_name

    @property
    def inline(self) -> bool:
        kind = self.kind
        return kind is not None and kind.inline

    @property
    def short_hash(self) -> str:
        return self.sha256[:12]

    @property
    def removed(self) -> bool:
        return self.removed_at is not None
