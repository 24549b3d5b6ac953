"""The report machinery (kit/reports.py, common/tabular.py): CSV streamed in chunks as its rows are read, xlsx
written in openpyxl's write-only mode, every format from the same rows, every export past log_export."""

from __future__ import annotations

import contextvars
import csv
import io
from collections.abc import Iterator, Sequence

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from maharat.audit.models import AuditEntry
from maharat.common import tabular
from maharat.common.tabular import Cell, Table
from maharat.factories import TraineeFactory, national_code
from maharat.kit import reports
from maharat.kit.reports import Report, serve
from maharat.people.models import Trainee

HEADERS = ["شماره", "نام", "مبلغ", "فرمول"]


class Counting(Report):
    """n rows, counting how many have been read: shows when the rows are read, not only what they are."""

    title = "آزمون"
    filename = "counting"

    def __init__(self, n: int) -> None:
        self.n, self.read = n, 0

    def headers(self) -> Sequence[str]:
        return HEADERS

    def rows(self) -> Iterator[Sequence[Cell]]:
        for i in range(self.n):
            self.read += 1
            yield [i, f"ردیف {i}", i * 1.5, "=1+1" if i % 7 == 0 else "متن"]


def expected_row(i: int) -> list[str]:
    """Row i as CSV text, written out by hand: the formula behind a quote."""
    return [str(i), f"ردیف {i}", repr(i * 1.5), "'=1+1" if i % 7 == 0 else "متن"]


def get(query: dict[str, str]) -> object:
    request = RequestFactory().get("/report/", query)
    request.user = AnonymousUser()
    return request


def page() -> HttpResponse:
    return HttpResponse("the page")


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def test_csv_is_a_streamed_response_that_yields_chunks_while_the_rows_are_read() -> None:
    report = Counting(20_000)
    response = serve(get({"format": "csv"}), report, page)
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert not response.has_header("Content-Length")
    assert response["Content-Disposition"] == 'attachment; filename="counting.csv"'
    assert report.read == 0  # nothing is read until the server sends the body
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith("\ufeff".encode() + ",".join(HEADERS).encode())
    assert 0 < report.read < 20_000  # the first chunk left before the last row was read
    rest = list(chunks)
    assert len(rest) >= 3 and report.read == 20_000
    lines = read_csv(first + b"".join(rest))
    assert lines[0] == HEADERS and lines[1:] == [expected_row(i) for i in range(20_000)]


def test_rows_streamed_after_the_view_has_returned_still_see_the_request() -> None:
    """The body is read after the middleware has left: the request's language and context variables (the
    replica choice of common/replica.py is one) must still hold for the queries and texts of the rows."""
    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="outside")

    class Seen(Counting):
        def rows(self) -> Iterator[Sequence[Cell]]:
            yield [translation.get_language(), marker.get(), 0, ""]

    token = marker.set("in the request")
    with translation.override("en"):
        response = serve(get({"format": "csv"}), Seen(1), page)
    marker.reset(token)
    with translation.override("fa"):
        lines = read_csv(b"".join(response.streaming_content))
    assert lines[1][:2] == ["en", "in the request"]


def test_xlsx_is_written_in_write_only_mode_to_a_file_that_is_then_streamed(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    modes: list[bool] = []
    real = openpyxl.Workbook

    def spy(*args: object, write_only: bool = False, **kwargs: object) -> object:
        modes.append(write_only)
        return real(*args, write_only=write_only, **kwargs)

    monkeypatch.setattr(openpyxl, "Workbook", spy)
    report = Counting(1_200)  # more than WIDTH_SAMPLE: rows past the sample are appended as they come
    response = serve(get({"format": "xlsx"}), report, page)
    assert modes == [True]
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="counting.xlsx"'
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    ws = load_workbook(io.BytesIO(body)).active
    assert ws.sheet_view.rightToLeft and ws.freeze_panes == "A2" and ws["A1"].font.bold
    assert [c.value for c in ws[1]] == HEADERS and ws.max_row == 1_201
    assert [c.value for c in ws[1_201]] == [1_199, "ردیف 1199", 1_199 * 1.5, "متن"]
    guarded = ws.cell(row=2 + 7 * 100, column=4)  # row i=700: a formula written as text
    assert guarded.value == "=1+1" and guarded.data_type == "s" and guarded.quotePrefix
    assert ws.column_dimensions["B"].width == len("ردیف 499") + 2  # widths from the first rows


def test_every_format_gives_the_same_rows() -> None:
    report = Counting(700)
    direct = [list(r) for r in Counting(700).rows()]
    csv_rows = read_csv(serve(get({"format": "csv"}), report, page).content)[1:]
    ws = load_workbook(io.BytesIO(serve(get({"format": "xlsx"}), Counting(700), page).content)).active
    xlsx_rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert len(direct) == len(csv_rows) == len(xlsx_rows) == 700
    for want, as_csv, as_xlsx in zip(direct, csv_rows, xlsx_rows, strict=True):
        assert [tabular.unguard(v) for v in as_csv] == [str(v) if not isinstance(v, float) else repr(v) for v in want]
        assert as_xlsx == want


def test_csv_chunks_split_only_between_rows() -> None:
    table = Table(title="t", headers=["a"], rows=[["=x" * (i % 5 + 1)] for i in range(3_000)])
    chunks = list(tabular.csv_chunks(table, chunk_bytes=100))
    assert len(chunks) > 5 and all(chunk.endswith(b"\r\n") for chunk in chunks)
    assert read_csv(b"".join(chunks))[1:] == [["'" + "=x" * (i % 5 + 1)] for i in range(3_000)]


def test_no_export_asked_or_none_the_report_has_gives_the_page() -> None:
    for query in ({}, {"format": "pdf"}, {"format": "NOPE"}, {"format": ""}):
        report = Counting(3)
        response = serve(get(query), report, page)
        assert response.content == b"the page" and report.read == 0
    assert Counting(1).formats == ("csv", "xlsx")
    assert reports.requested_format(get({}), Counting(1), default="xlsx") == "xlsx"


@pytest.mark.django_db
def test_register_exports_audit_each_format_and_give_the_same_rows(client, user) -> None:  # type: ignore[no-untyped-def]
    for i, name in enumerate(["زهرا", "=1+1", "@SUM(A1)"]):
        TraineeFactory(national_code=national_code(700 + i), first_name=name)
    client.force_login(user)
    url = reverse("trainee_list")
    as_csv = client.get(url, {"format": "csv", "q": ""})
    as_xlsx = client.get(url, {"format": "xlsx"})
    assert as_csv.streaming and as_xlsx.streaming
    assert as_csv["Content-Disposition"] == 'attachment; filename="trainee-list.csv"'
    assert as_xlsx["Content-Disposition"] == 'attachment; filename="trainee-list.xlsx"'
    csv_rows = read_csv(as_csv.content)
    ws = load_workbook(io.BytesIO(as_xlsx.content)).active
    xlsx_rows = [["" if c.value is None else str(c.value) for c in row] for row in ws.iter_rows()]
    assert [[tabular.unguard(v) for v in row] for row in csv_rows] == xlsx_rows
    codes = {national_code(700 + i) for i in range(3)}
    assert codes <= {v for row in xlsx_rows for v in row} and len(xlsx_rows) == Trainee.objects.count() + 1
    exports = list(AuditEntry.objects.filter(action="export", username=user.username).order_by("id"))
    assert [e.note.split("?")[1] for e in exports] == ["format=csv&q=", "format=xlsx"]
    assert all(e.note.startswith(url) and e.unit.code == "IR" for e in exports)


@pytest.mark.django_db
def test_every_export_goes_through_log_export(monkeypatch, rf, user) -> None:  # type: ignore[no-untyped-def]
    from maharat.monitoring.models import NodeMonth

    told: list[tuple[object, str]] = []
    monkeypatch.setattr(reports, "log_export", lambda **kw: told.append((kw["model"], kw["note"])))

    class Aggregate(Counting):
        model = NodeMonth

    for fmt in ("csv", "xlsx"):
        request = rf.get("/monitoring/", {"format": fmt})
        request.user = user
        serve(request, Aggregate(2), page)
    request = rf.get("/monitoring/")
    request.user = user
    serve(request, Aggregate(2), page)  # the page is no export
    assert told == [(NodeMonth, "/monitoring/?format=csv"), (NodeMonth, "/monitoring/?format=xlsx")]
    assert not AuditEntry.objects.filter(action="export").exists()  # log_export itself was replaced


@pytest.mark.django_db
def test_a_download_only_address_defaults_to_its_format_and_still_audits(user) -> None:  # type: ignore[no-untyped-def]
    TraineeFactory(national_code=national_code(800), first_name="=2+2")
    table = Table(title="کارآموزان", headers=["نام"], rows=[["=2+2"]], filename="maharat-trainees-export")
    answers = {}
    for query in ({}, {"format": "pdf"}, {"format": "csv"}):
        request = RequestFactory().get("/import/export/trainees/", query)
        request.user = user
        answers[query.get("format", "")] = serve(request, reports.TableReport(table, model=Trainee), None,
                                                 default="xlsx")
        table.rows = [["=2+2"]]  # a fresh row list for the next format
    assert [a["Content-Disposition"] for a in answers.values()] == [
        'attachment; filename="maharat-trainees-export.xlsx"'] * 2 + ['attachment; filename="maharat-trainees-export.csv"']
    assert read_csv(answers["csv"].content) == [["نام"], ["'=2+2"]]
    assert load_workbook(io.BytesIO(answers[""].content)).active["A2"].quotePrefix
    assert AuditEntry.objects.filter(action="export", username=user.username).count() == 3
    with pytest.raises(Http404):
        serve(get({}), Counting(1), None)
