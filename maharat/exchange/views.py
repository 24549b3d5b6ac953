"""Import pages: upload with a dry run first, progress while it runs, problems on screen and as xlsx."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maharat.common import tabular
from maharat.common.forms import StyledFormMixin
from maharat.kit.importing import KINDS as IMPORTERS  # the registry: name -> kind, in the page's order

from . import services
from .jobs import problems_table
from .models import ImportBatch, ImportStatus

MAX_UPLOAD = 50 * 1024 * 1024


class UploadForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("نوع داده"))
    file = forms.FileField(label=gettext_lazy("فایل (xlsx یا CSV)"))
    dry_run = forms.BooleanField(label=gettext_lazy("فقط بررسی (چیزی ذخیره نشود)"), required=False, initial=True)

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, _(cls.title)) for k, cls in IMPORTERS.items() if services.may_import(user, k)]

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if Path(f.name).suffix.lower() not in (".xlsx", ".csv", ".txt"):
            raise forms.ValidationError(_("فقط فایل‌های xlsx و CSV پذیرفته می‌شوند."))
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError(_("حجم فایل بیش از ۵۰ مگابایت است."))
        return f


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.start_import(user=request.user, kind=form.cleaned_data["kind"], file_name=upload.name,
                                          data=upload.read(), dry_run=form.cleaned_data["dry_run"])
        except PermissionDenied as exc:
            form.add_error("kind", str(exc))
        else:
            return redirect("import_detail", pk=batch.pk)
    recent = ImportBatch.objects.filter(user=request.user)[:20]
    return render(request, "exchange/import.html", {
        "form": form, "recent": recent, "kinds": [(k, _(cls.title)) for k, cls in IMPORTERS.items()],  # marked in each importer
        "title": _("ورود داده از اکسل"),
    })


def _batch(request: HttpRequest, pk: int) -> ImportBatch:
    batch = get_object_or_404(ImportBatch, pk=pk)
    if batch.user_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return batch


@login_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if request.GET.get("format") in ("xlsx", "csv"):
        return tabular.response(problems_table(batch), request.GET["format"])
    template = "exchange/partials/batch.html" if getattr(request, "htmx", False) else "exchange/batch.html"
    return render(request, template, {"batch": batch, "title": _("ورود داده"),
                                      "running": batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)})


@login_required
@require_POST
def import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """After a clean dry run: import the same stored file for real."""
    batch = _batch(request, pk)
    if not (batch.dry_run and batch.status == ImportStatus.DONE):
        raise PermissionDenied
    real = services.start_import(user=request.user, kind=batch.kind, file_name=batch.file_name,
                                 data=Path(batch.stored_path).read_bytes(), dry_run=False)
    messages.info(request, _("ورود داده آغاز شد."))
    return redirect("import_detail", pk=real.pk)


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in IMPORTERS:
        raise Http404
    # Not a report (drop-down lists, comments, an example row), but named and typed like every download.
    response = HttpResponse(services.template_xlsx(kind), content_type=tabular.CONTENT_TYPES["xlsx"])
    return tabular.attachment(response, f"maharat-{kind}", "xlsx")


@login_required
def export_for_import(request: HttpRequest, kind: str) -> HttpResponse:
    """Records of a kind, within the user's scope, in the import format (so they can be edited and re-imported)."""
    from maharat.access import policy
    from maharat.audit.services import log_export

    if kind not in IMPORTERS:
        raise Http404
    importer = IMPORTERS[kind]()
    qs = policy.scope(request.user, importer.export_queryset())
    log_export(user=request.user, model=importer.model, unit=policy.actor_of(request.user).unit,
               note=f"{request.path}?{request.GET.urlencode()}")
    table = tabular.Table(title=importer.title, headers=[c.header for c in importer.columns],
                          rows=importer.export_rows(qs), filename=f"maharat-{kind}-export")
    return tabular.response(table, "csv" if request.GET.get("format") == "csv" else "xlsx")
