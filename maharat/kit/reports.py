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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
from maharat.common.tables import english_page, english_twin
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


# ------------------------------------------------------------------------------------------ register rows
# Past this many rows an export goes out in the order records were entered (their key): sorting ten million
# enrollments by their course run's and trainee's names kept the first byte waiting for minutes.
ENTRY_ORDER_PAST = 10_000


def record_rows(queryset: Any, paths: Sequence[str], chunk_size: int = 5000) -> Iterator[list[Cell]]:
    """The cells of `paths` for every record of `queryset`, as common.tables.export_value gives them
    (choices as their label, booleans as yes/no, numbers and dates typed, anything else as text), read as
    plain values rather than model instances: a national register is ten million rows, and building an
    enrollment with its trainee, course run and standard per row capped the CSV at a fraction of the target
    (docs/performance.md). A column that is a property (a trainee's full_name) gets its owner built from that
    row's values alone (Model.from_db), never fetched. On an English page a stored name with an English twin
    (common.tables.english_twin: a unit's name_en...) gives the twin, read in the same query."""
    model: type[Model] = queryset.model
    english = english_page()  # now, in the view: the rows are read while the file is sent
    names: list[str] = []  # the values_list columns
    cells: list[Callable[[tuple[Any, ...]], Cell]] = []

    def column(name: str) -> int:
        if name not in names:
            names.append(name)
        return names.index(name)

    for path in paths:
        *parents, last = path.split("__")
        owner: Any = model
        for part in parents:
            owner = owner._meta.get_field(part).related_model
        prefix = "".join(f"{p}__" for p in parents)
        name: str | None
        try:
            field = owner._meta.get_field(last)
        except Exception:  # a property: its owner's concrete fields, the owner rebuilt from them
            field, name = None, last
        else:
            name = None  # a relation: the related record as text, rebuilt the same way
        if field is None or field.is_relation:
            if field is not None:
                owner, prefix = field.related_model, f"{prefix}{last}__"
            fields = list(owner._meta.concrete_fields)
            reads = _reads(owner, name) if name is not None else None
            if name is not None and reads is not None:  # a property of plain fields (full_name): no instance
                at = [column(prefix + f.attname) for f in fields if f.attname in reads]
                cells.append(_plain_property_cell(getattr(owner, name).fget, [f.attname for f in fields
                                                                                if f.attname in reads], at))
                continue
            at = [column(prefix + f.attname) for f in fields]
            cells.append(_property_cell(owner, [f.attname for f in fields], at, name))
            continue
        twin = english_twin(owner, last) if english else None
        if twin:  # the English twin, read in the same query, where it is filled in
            cells.append(_twin_cell(_value_cell(field, column(path)), column(prefix + twin)))
            continue
        cells.append(_value_cell(field, column(path)))
    if queryset.order_by()[ENTRY_ORDER_PAST: ENTRY_ORDER_PAST + 1].exists():
        queryset = queryset.order_by("pk")
    rows = queryset.values_list(*names).iterator(chunk_size=chunk_size)
    return ([cell(row) for cell in cells] for row in rows)


def _value_cell(field: Any, i: int) -> Callable[[tuple[Any, ...]], Cell]:
    import datetime as dt

    from django.utils.translation import gettext as _

    if field.choices:
        labels = {k: str(v) for k, v in field.flatchoices}
        return lambda row: None if row[i] is None else labels.get(row[i], str(row[i]))
    if field.get_internal_type() == "BooleanField":
        yes, no = _("بله"), _("خیر")
        return lambda row: None if row[i] is None else (yes if row[i] else no)

    def cell(row: tuple[Any, ...]) -> Cell:
        value = row[i]
        if value is None or isinstance(value, int | float | dt.date | str):
            return value
        return str(value)

    return cell


def _twin_cell(stored: Callable[[tuple[Any, ...]], Cell], i: int) -> Callable[[tuple[Any, ...]], Cell]:
    """A stored name's cell on an English page: its English twin (row[i]) where there is one."""
    return lambda row: row[i] or stored(row)


class _Recorder:
    """Stands in for a record while a property is read once: notes the attributes it reads."""

    _seen: list[str]

    def __init__(self) -> None:
        self.__dict__["_seen"] = []

    def __getattr__(self, name: str) -> str:
        self.__dict__["_seen"].append(name)
        return ""


def _reads(owner: Any, name: str) -> set[str] | None:
    """The concrete fields a property reads, if it reads nothing else (no method, no related record)."""
    prop = getattr(owner, name, None)
    if not isinstance(prop, property) or prop.fget is None:
        return None
    recorder = _Recorder()
    try:
        prop.fget(recorder)
    except Exception:
        return None
    seen = set(recorder.__dict__["_seen"])
    attnames = {f.attname for f in owner._meta.concrete_fields if not f.is_relation}
    return seen if seen and seen <= attnames else None


class _Plain:
    """A row's values under their field names, for a property that reads only those."""


def _plain_property_cell(fget: Callable[[Any], Any], attnames: list[str], at: list[int]) -> Callable[[tuple[Any, ...]], Cell]:
    def cell(row: tuple[Any, ...]) -> Cell:
        values = [row[i] for i in at]
        if all(v is None for v in values):  # no related record (an empty foreign key)
            return None
        plain = _Plain()
        plain.__dict__.update(zip(attnames, values, strict=True))
        value = fget(plain)
        return None if value is None else (value if isinstance(value, int | float) else str(value))

    return cell


def _property_cell(owner: Any, attnames: list[str], at: list[int], name: str | None) -> Callable[[tuple[Any, ...]], Cell]:
    def cell(row: tuple[Any, ...]) -> Cell:
        values = [row[i] for i in at]
        if values[0] is None:  # no related record (an empty foreign key)
            return None
        instance = owner.from_db(None, attnames, values)
        if name is None:
            return str(instance)
        value = getattr(instance, name, None)
        if callable(value):
            value = value()
        return None if value is None else (value if isinstance(value, int | float) else str(value))

    return cell


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
