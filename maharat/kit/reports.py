"""Reports as objects, and the one view helper that serves them as a page, CSV, xlsx or PDF.

A report is its parameters (the fields of a dataclass, read from the request by its view), a title, a file
name, a header row and a row generator; a printable one also names its print template. `serve` answers
`?format=`: csv and xlsx from the same rows (common/tabular.py: CSV streamed, xlsx written in write-only mode
to a temporary file), pdf through WeasyPrint from the page's context, anything else the page itself. Every
export is first reported to `audit.services.log_export`, which records those that hold personal data, so no
view can export without it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string

from maharat.access import policy
from maharat.audit.services import log_export
from maharat.common import tabular
from maharat.common.tabular import Cell, Table

SPREADSHEETS = ("csv", "xlsx")
Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


class Report(ABC):
    """What a report declares; `table()` is what every format is written from."""

    model: type[Model] | None = None  # the records it exports (log_export: are they personal data?)
    print_template: str | None = None  # a PDF of the page's context through this template, when set

    @property
    @abstractmethod
    def title(self) -> str: ...

    @property
    @abstractmethod
    def filename(self) -> str: ...

    @abstractmethod
    def headers(self) -> Sequence[str]: ...

    @abstractmethod
    def rows(self) -> Iterable[Sequence[Cell]]:
        """The rows, as a generator where they are many: CSV is written while they are read."""

    def notes(self) -> list[str]:
        return []

    @property
    def formats(self) -> tuple[str, ...]:
        return (*SPREADSHEETS, "pdf") if self.print_template else SPREADSHEETS

    def table(self) -> Table:
        return Table(title=str(self.title), headers=[str(h) for h in self.headers()], rows=self.rows(),
                     filename=self.filename, notes=self.notes())


class TableReport(Report):
    """A table built elsewhere (an import's problems, records in the import format), served like any report."""

    def __init__(self, table: Table, model: type[Model] | None = None) -> None:
        self._table, self.model = table, model

    @property
    def title(self) -> str:
        return self._table.title

    @property
    def filename(self) -> str:
        return self._table.filename

    def headers(self) -> Sequence[str]:
        return self._table.headers

    def rows(self) -> Iterable[Sequence[Cell]]:
        return self._table.rows

    def notes(self) -> list[str]:
        return self._table.notes


def requested_format(request: HttpRequest, report: Report, default: str | None = None) -> str | None:
    """The export asked for with ?format=, if the report has it; None for the page."""
    fmt = request.GET.get("format") or default
    return fmt if fmt in report.formats else default


def serve(request: HttpRequest, report: Report, page: str | Callable[[], HttpResponseBase] | None,
          context: Context | None = None, *, default: str | None = None) -> HttpResponseBase:
    """The page (a template with `context`, or a callable answering it), or the export ?format= asks for.
    `default`: the format when none (or one the report lacks) is asked: a download-only address, page None."""
    fmt = requested_format(request, report, default)
    if fmt is None:
        if page is None:
            raise Http404
        return page() if callable(page) else render(request, page, _resolved(context))
    if report.model is not None:
        log_export(user=request.user, model=report.model, unit=policy.actor_of(request.user).unit,
                   note=f"{request.path}?{request.GET.urlencode()}")
    if fmt == "pdf":
        return pdf(request, report.print_template or "", _resolved(context), report.filename)
    return tabular.response(report.table(), fmt)


def _resolved(context: Context | None) -> Mapping[str, Any]:
    if context is None:
        return {}
    return context() if callable(context) else context


def pdf(request: HttpRequest, template: str, context: Mapping[str, Any], name: str) -> HttpResponse:
    """A printable report as PDF (WeasyPrint; the fonts come from the platform's own static files)."""
    from weasyprint import HTML

    html = render_to_string(template, dict(context), request=request)
    body = HTML(string=html, base_url=str(Path(settings.PACKAGE_DIR) / "static") + "/").write_pdf()
    # The name as it was before reports were objects: unit codes keep their capitals in a PDF's name.
    return tabular.attachment(HttpResponse(body, content_type="application/pdf"), name, "pdf", exact=True)
