"""The user's own background jobs: the list, one job's progress (polled by htmx while it runs), its file."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maharat.access import policy
from maharat.audit.context import client_ip
from maharat.audit.models import AuditAction
from maharat.audit.services import log

from .exports import start_export, still_entitled
from .models import Job
from .storage import job_storage


def _own(request: HttpRequest, pk: int) -> Job:
    # Another user's job is not found, whoever asks: a job's title and file may hold personal data.
    return get_object_or_404(Job, pk=pk, user_id=request.user.pk or 0)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Job.objects.filter(user_id=request.user.pk or 0), 25).get_page(request.GET.get("page"))
    running = any(not job.finished for job in page.object_list)
    return render(request, "jobs/list.html", {"title": _("کارهای پس‌زمینه"), "page_obj": page, "running": running})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own(request, pk)
    template = "jobs/partials/job.html" if getattr(request, "htmx", False) else "jobs/detail.html"
    return render(request, template, {"title": job.title, "job": job})


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _own(request, pk)
    if not job.file:
        raise Http404
    if not still_entitled(job, request.user):
        raise PermissionDenied(_("نقش یا واحد شما پس از ساخته شدن این فایل تغییر کرده است؛ خروجی را دوباره بخواهید."))
    log(action=AuditAction.EXPORT, instance=job, user=request.user, unit=policy.actor_of(request.user).unit,
        note=f"download {job.file_name} ({job.params.get('path', job.kind)})")
    response = FileResponse(job_storage().open(job.file, "rb"), content_type=job.file_type)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", job.file_name) or "maharat"  # the name our own export gave it
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    try:
        job = start_export(user=request.user, url=request.POST.get("url", ""), title=request.POST.get("title", ""),
                           ip=client_ip(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("job_list")
    messages.success(request, _("خروجی در پس‌زمینه آماده می‌شود؛ وقتی آماده شد در صندوق پیام‌ها خبر می‌دهیم."))
    return redirect("job_detail", job.pk)
