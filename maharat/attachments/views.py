"""Pages and downloads. A file is answered only after the permission layer has found its record in the
user's scope; a record the user may not see answers 404, exactly as one that does not exist."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from maharat.access import policy

from . import registry, selectors, services
from .content import too_large
from .forms import UploadForm
from .models import Attachment
from .names import clean_name, content_disposition
from .storage import attachments_storage
from .uploads import NOTED

logger = logging.getLogger(__name__)

# Whatever a file holds, the browser runs none of it: no script, no plugin, no form, not even under this
# site's origin (sandbox gives the document an opaque origin of its own).
SANDBOX = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
THUMB_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


def _record(request: HttpRequest, target: str, object_id: int) -> Model:
    model = registry.model_for(target)
    found = selectors.visible_record(request.user, model, object_id) if model is not None else None
    if found is None:
        raise Http404
    return found


def _back(request: HttpRequest, obj: Model) -> str:
    """Where to go after an upload or a removal: the page it came from (this site only), else the record's."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    if hasattr(obj, "get_absolute_url"):
        return str(obj.get_absolute_url())
    return reverse("record_attachments", args=[registry.label_of(obj), obj.pk])


@login_required
@require_POST
def upload(request: HttpRequest, target: str, object_id: int) -> HttpResponse:
    obj = _record(request, target, object_id)
    if not policy.can(request.user, "change", obj):
        raise Http404  # seen but not to be changed: answered as a record that does not exist
    back = redirect(_back(request, obj))
    dropped = getattr(request, NOTED, [])
    if dropped:  # cut off while it arrived (uploads.CappedUploadHandler)
        messages.error(request, too_large(clean_name(dropped[0])).messages[0])
        return back
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in form.error_messages():
            messages.error(request, message)
        return back
    data = form.cleaned_data
    try:
        attachment = services.attach(request.user, obj, data["file"], data["title"], data["description"])
    except (ValidationError, PermissionDenied) as exc:
        for message in (exc.messages if isinstance(exc, ValidationError) else [str(exc)]):
            messages.error(request, message)
        return back
    messages.success(request, _("فایل «{name}» پیوست شد (چکیده {sha256}).").format(
        name=attachment.original_name, sha256=attachment.sha256))
    others = selectors.also_attached(request.user, obj, {attachment.sha256}).get(attachment.sha256, 0)
    if others:
        messages.info(request, ngettext("همین فایل به {count} رکورد دیگری که می‌بینید نیز پیوست شده است.",
                                        "همین فایل به {count} رکورد دیگری که می‌بینید نیز پیوست شده است.",
                                        others).format(count=others))
    return back


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = selectors.visible_attachment(request.user, pk)
    obj = attachment.record if attachment is not None else None
    if attachment is None or obj is None or attachment.removed or not policy.can(request.user, "change", obj):
        raise Http404
    try:
        services.remove(request.user, attachment)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, _("پیوست «{name}» حذف شد.").format(name=attachment.original_name))
    return redirect(_back(request, obj))


@login_required
@require_safe
def record_attachments(request: HttpRequest, target: str, object_id: int) -> HttpResponse:
    obj = _record(request, target, object_id)
    context: dict[str, Any] = {
        "object": obj, "section": selectors.section_data(request.user, obj),
        "title": _("پیوست‌های «{record}»").format(record=obj),
        "record_url": obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "",
    }
    return render(request, "attachments/record_attachments.html", context)


def _serve(request: HttpRequest, attachment: Attachment, name: str, content_type: str, *, inline: bool,
           filename: str, etag: str) -> HttpResponseBase:
    response: HttpResponseBase
    if request.headers.get("If-None-Match") == etag:  # asked again after the permission check: not resent
        response = HttpResponseNotModified()
    else:
        try:
            handle = attachments_storage().open(name, "rb")
        except OSError:
            logger.exception("attachment %s: its file %s is missing from the storage", attachment.pk, name)
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
        response["Content-Disposition"] = content_disposition(filename, inline=inline,
                                                              fallback=f"attachment-{attachment.pk}")
    response["ETag"] = etag
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX
    response["Cache-Control"] = "private, no-cache"  # kept by the browser only, and asked for again each time
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@require_safe
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = selectors.visible_attachment(request.user, pk)
    if attachment is None:
        raise Http404
    return _serve(request, attachment, attachment.stored_name, attachment.mime_type, inline=attachment.inline,
                  filename=attachment.download_name, etag=f'"{attachment.sha256}"')


@login_required
@require_safe
def thumbnail(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = selectors.visible_attachment(request.user, pk)
    if attachment is None or not attachment.thumbnail_name:
        raise Http404
    extension = attachment.thumbnail_name.rsplit(".", 1)[-1]
    stem = attachment.download_name.rsplit(".", 1)[0]
    return _serve(request, attachment, attachment.thumbnail_name, THUMB_TYPES.get(extension, "image/jpeg"),
                  inline=True, filename=f"{stem}-thumb.{extension}", etag=f'"{attachment.sha256}-thumb"')
