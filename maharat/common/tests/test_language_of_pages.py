"""The helpers that give stored names, numbers and messages in the page's language: the English twin of a
stored name in register columns and exports (common/tables.py, kit/reports.py), record pickers' options in
the page's digits (common/forms.py), and the year a page falls back to (common/params.py)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.utils import translation

from maharat.catalog.models import Standard
from maharat.common.forms import StyledFormMixin
from maharat.common.params import year_of_request
from maharat.common.tables import display, english_twin, export_value
from maharat.org.models import Unit
from maharat.people.models import TargetGroup
from maharat.training.models import CourseRun, Workshop

pytestmark = pytest.mark.django_db


def test_the_twin_of_a_stored_name_is_its_field_with_en() -> None:
    assert english_twin(Unit, "name") == "name_en"
    assert english_twin(Standard, "title") == "title_en"
    assert english_twin(TargetGroup, "name") == "name_en"
    assert english_twin(Workshop, "name") is None  # no English form stored
    assert english_twin(Unit, "name_en") is None and english_twin(Unit, "code") is None


def _run() -> CourseRun:
    from maharat.factories import CourseRunFactory

    run = CourseRunFactory()
    Standard.objects.filter(pk=run.standard_id).update(title="برقکار ساختمان 2", title_en="Building electrician 2")
    Unit.objects.filter(pk=run.unit_id).update(name="مرکز شماره 1", name_en="Center No. 1")
    return CourseRun.objects.select_related("standard", "unit").get(pk=run.pk)


def test_register_columns_show_the_twin_on_english_pages_and_the_stored_name_in_persian() -> None:
    run = _run()
    with translation.override("en"):
        assert display(run, "standard__title") == "Building electrician 2"
        assert display(run, "unit__name") == "Center No. 1"
        assert export_value(run, "standard__title") == "Building electrician 2"
        assert str(run).startswith("Building electrician 2 — ")
    with translation.override("fa"):
        assert display(run, "standard__title") == "برقکار ساختمان ۲"
        assert display(run, "unit__name") == "مرکز شماره ۱"
        assert export_value(run, "unit__name") == "مرکز شماره 1"
        assert str(run).startswith("برقکار ساختمان 2 — ")
    Standard.objects.filter(pk=run.standard_id).update(title_en="")  # no twin: the stored name, on any page
    run = CourseRun.objects.select_related("standard").get(pk=run.pk)
    with translation.override("en"):
        assert display(run, "standard__title") == "برقکار ساختمان 2"


def test_register_exports_read_the_twin_in_the_same_query(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from maharat.kit.reports import record_rows

    run = _run()
    paths = ["code", "standard__title", "unit__name"]
    qs = CourseRun.objects.filter(pk=run.pk)
    with translation.override("en"):
        with django_assert_num_queries(2):  # is the list long (entry order)? and the rows: no query per row
            rows = list(record_rows(qs, paths))
        assert rows == [[run.code, "Building electrician 2", "Center No. 1"]]
        assert rows == [[export_value(run, p) for p in paths]]
    with translation.override("fa"):
        assert list(record_rows(qs, paths)) == [[run.code, "برقکار ساختمان 2", "مرکز شماره 1"]]


class _PickerForm(StyledFormMixin, forms.Form):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none())
    decile = forms.TypedChoiceField(choices=[(d, str(d)) for d in range(1, 4)], coerce=int)


def test_record_pickers_and_numbered_choices_show_the_page_digits() -> None:
    Unit.objects.filter(code="IR-26").update(name="قزوین 2", name_en="Qazvin 2")
    for language, unit, decile in (("fa", "قزوین ۲", "۲"), ("en", "Qazvin 2", "2")):
        with translation.override(language):
            form = _PickerForm()
            field = form.fields["unit"]
            assert field.label_from_instance(Unit.objects.get(code="IR-26")) == unit  # type: ignore[attr-defined]
            assert dict(form.fields["decile"].choices)[2] == decile  # type: ignore[attr-defined]


def test_a_year_replaced_by_the_default_is_named_in_the_page_digits() -> None:
    from maharat.common import jalali

    this_year = jalali.today().year
    for language, digits in (("fa", "".join("۰۱۲۳۴۵۶۷۸۹"[int(d)] for d in str(this_year))), ("en", str(this_year))):
        request = RequestFactory().get("/", {"year": "99999"})
        request.session = {}  # type: ignore[attr-defined]
        request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
        with translation.override(language):
            assert year_of_request(request) == this_year
        (message,) = [str(m) for m in get_messages(request)]
        assert digits in message and (language == "en" or not any(c.isascii() and c.isdigit() for c in message))
