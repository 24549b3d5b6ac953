"""Any export of the platform, prepared in the background: the address of the export (a page's ?format=csv,
xlsx or pdf) is replayed by the worker as the user who asked, through the same view, so the same permission
checks, the same scope and the same audit of personal data apply as when the file is downloaded at once."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from . import registry, services
from .models import Job
from .registry import Progress, Result

EXPORT_JOB = "export"
FORMATS = {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF"}
_FILENAME = re.compile(r"filename\*=UTF-8''([^;]+)|filename=\"([^\"]+)\"")


def export_address(url: str) -> tuple[str, str, str]:
    """(path, query, format) of an export address on this site, or a Persian ValidationError."""
    parts = urlsplit(url or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        raise ValidationError(_("نشانی خروجی باید نشانی یکی از صفحه‌های همین سامانه باشد."))
    fmt = QueryDict(parts.query).get("format", "")
    if fmt not in FORMATS:
        raise ValidationError(_("قالب خروجی باید CSV، Excel یا PDF باشد."))
    try:
        resolve(parts.path)
    except Resolver404:
        raise ValidationError(_("این نشانی در سامانه نیست.")) from None
    return parts.path, parts.query, fmt


def start_export(*, user: Any, url: str, title: str = "") -> Job:
    path, query, fmt = export_address(url)
    name = (title or "").strip()[:200] or path
    return services.start(kind=EXPORT_JOB, user=user, params={"path": path, "query": query},
                          title=_("خروجی {format}: {title}").format(format=FORMATS[fmt], title=name))


class _Session(SessionBase):
    """A session that is never stored: the replayed request reads and writes nothing of the user's own."""

    def exists(self, session_key: str) -> bool:
        return False

    def create(self) -> None:
        self._session_key = None

    def save(self, must_create: bool = False) -> None:
        return None

    def delete(self, session_key: str | None = None) -> None:
        return None

    def load(self) -> dict[str, Any]:
        return {}


def _request(job: Job) -> Any:
    request: Any = RequestFactory().get(job.params["path"], QueryDict(job.params["query"]))
    request.user = job.user
    request.session = _Session()
    request._messages = FallbackStorage(request)
    request.htmx = HtmxDetails(request)
    request.LANGUAGE_CODE = job.language
    return request


def _export(job: Job, progress: Progress) -> Result:
    if job.user is None or not job.user.is_active:
        return Result(message=_("حساب درخواست‌کننده دیگر فعال نیست؛ خروجی ساخته نشد."))
    match = resolve(job.params["path"])
    response = match.func(_request(job), *match.args, **match.kwargs)
    if response.status_code != 200 or "Content-Disposition" not in response:
        return Result(message=_("این خروجی ساخته نشد: صفحه پاسخ {status} داد.").format(status=response.status_code))
    out = Path(tempfile.mkstemp(prefix=f"job-{job.pk}-", suffix=".part")[1])
    written = lines = 0
    with out.open("wb") as handle:
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            handle.write(chunk)
            written += len(chunk)
            lines += chunk.count(b"\n")
            if written >= 1 << 20:
                progress(lines, 0)
                written = 0
    if hasattr(response, "close"):
        response.close()
    found = _FILENAME.search(response["Content-Disposition"])
    name = unquote(found.group(1)) if found and found.group(1) else (found.group(2) if found else "export")
    return Result(message=_("فایل آماده است."), path=out, file_name=name,
                  file_type=response.get("Content-Type", "application/octet-stream"))


registry.register(EXPORT_JOB, _export)
