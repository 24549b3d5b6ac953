"""Any export of the platform, prepared in the background: the address of the export (a page's ?format=csv,
xlsx or pdf) is replayed by the worker as the user who asked, through the same view, so the same permission
checks, the same scope and the same audit of personal data apply as when the file is downloaded at once."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.test import RequestFactory
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from maharat.access import policy
from maharat.audit import context as audit_context
from maharat.common.middleware import _normalised, refusal

from . import registry, services
from .models import FINISHED, Job
from .registry import Progress, Result

EXPORT_JOB = "export"
MAX_URL = 2000
# One user's background exports: so many waiting at once, so many a day (each is a whole register rendered).
MAX_WAITING = 3
MAX_A_DAY = 50
FORMATS = {"csv": "CSV", "xlsx": "Excel", "pdf": "PDF"}
# Download-only addresses (no ?format=) that may also be prepared in the background: each app names its own
# (assessment: the certificates of a test session or a course run, one PDF page each).
_DOWNLOADS: dict[str, str] = {}


def allow(url_name: str, label: str = "PDF") -> None:
    _DOWNLOADS[url_name] = label
_FILENAME = re.compile(r"filename\*=UTF-8''([^;]+)|filename=\"([^\"]+)\"")


def export_address(url: str) -> tuple[str, str, str]:
    """(path, query, format) of an export address on this site, or a Persian ValidationError."""
    if len(url or "") > MAX_URL:
        raise ValidationError(_("نشانی خروجی بیش از حد طولانی است."))
    parts = urlsplit(url or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        raise ValidationError(_("نشانی خروجی باید نشانی یکی از صفحه‌های همین سامانه باشد."))
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise ValidationError(_("این نشانی در سامانه نیست.")) from None
    if match.url_name in _DOWNLOADS:
        return parts.path, parts.query, _DOWNLOADS[match.url_name]
    fmt = QueryDict(parts.query).get("format", "")
    if fmt not in FORMATS:
        raise ValidationError(_("قالب خروجی باید CSV، Excel یا PDF باشد."))
    return parts.path, parts.query, FORMATS[fmt]


def start_export(*, user: Any, url: str, title: str = "", ip: str | None = None) -> Job:
    path, query, fmt = export_address(url)
    mine = Job.objects.filter(user_id=user.pk, kind=EXPORT_JOB)
    if mine.exclude(status__in=FINISHED).count() >= MAX_WAITING:
        raise ValidationError(_("{n} خروجی شما هنوز آماده نشده است؛ پس از آماده شدن آنها خروجی تازه بخواهید.").format(
            n=MAX_WAITING))
    if mine.filter(created_at__gte=timezone.now() - dt.timedelta(days=1)).count() >= MAX_A_DAY:
        raise ValidationError(_("در یک روز حداکثر {n} خروجی در پس‌زمینه ساخته می‌شود.").format(n=MAX_A_DAY))
    name = (title or "").strip()[:200] or path
    # Where the user stood when they asked: the file is handed only to the same role at the same unit
    # (views.job_file), and the export is audited from the address they asked from.
    actor = policy.actor_of(user)
    params = {"path": path, "query": query, "role": actor.role or "", "unit": actor.unit.pk if actor.unit else None,
              "ip": ip}
    return services.start(kind=EXPORT_JOB, user=user, params=params,
                          title=_("خروجی {format}: {title}").format(format=fmt, title=name))


def still_entitled(job: Job, user: Any) -> bool:
    """May `user` still take this export's file: the same role at the same unit as when it was made?"""
    if job.kind != EXPORT_JOB:
        return True
    actor = policy.actor_of(user)
    return (job.params.get("role") or "", job.params.get("unit")) == (actor.role or "", actor.unit.pk if actor.unit else None)


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
    request = _request(job)
    if refusal(request) is not None:  # what the input middleware would have refused (NUL characters)
        return Result(message=_("نشانی خروجی نویسه نامعتبر دارد؛ خروجی ساخته نشد."))
    request.GET = _normalised(request.GET)
    match = resolve(job.params["path"])
    token = audit_context._current.set(audit_context.RequestContext(job.user, job.params.get("ip")))
    try:
        response = match.func(request, *match.args, **match.kwargs)
    except (Http404, PermissionDenied):
        return Result(message=_("شما اجازه دیدن این صفحه را ندارید؛ خروجی ساخته نشد."))
    finally:
        audit_context._current.reset(token)
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
    # Not response.close(): it sends request_finished, whose handler closes the worker's database connection
    # in the middle of the job (and, under a test's transaction, for good). The files it holds close with it.
    found = _FILENAME.search(response["Content-Disposition"])
    name = unquote(found.group(1)) if found and found.group(1) else (found.group(2) if found else "export")
    return Result(message=_("فایل آماده است."), path=out, file_name=name,
                  file_type=response.get("Content-Type", "application/octet-stream"))


registry.register(EXPORT_JOB, _export)
