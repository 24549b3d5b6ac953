"""Monitoring's words and numbers in the page's language: the remarks of a deviation, the period a figure covers,
and the target groups of the breakdowns (stored in Persian, with an English twin)."""

from __future__ import annotations

import pytest
from django.utils import translation

from maharat.monitoring import selectors
from maharat.org.models import Unit

LATIN_DIGITS = set("0123456789")
PERSIAN_DIGITS = set("۰۱۲۳۴۵۶۷۸۹")


@pytest.mark.django_db
def test_the_remark_of_a_deviation_is_in_the_page_digits() -> None:
    row = selectors.ScoreRow(unit=Unit(code="IR-26"), achieved=50, commitment=100, pace=87.5)
    with translation.override("fa"):
        text = row.standing.text
        assert "۱۲٫۵٪" in text and not LATIN_DIGITS & set(text)
    with translation.override("en"):
        text = row.standing.text
        assert text == "Behind plan by 12.5%" and not PERSIAN_DIGITS & set(text)
    close = selectors.ScoreRow(unit=Unit(code="IR-26"), achieved=50, commitment=100, pace=97)
    with translation.override("en"):
        assert close.standing.text == "Close to plan; 3% below expected"


@pytest.mark.django_db
def test_the_period_of_a_figure_is_written_in_the_page_language() -> None:
    hq = Unit.objects.get(code="IR")
    progress = selectors.Progress(1405, 0.7, 9)
    with translation.override("en"):
        text = selectors.period_text(progress, hq)
        assert text.startswith("Year 1405, from Farvardin to the end of Azar (the current month); ")
        assert f"{hq.name_en} and every unit below it" in text
        assert not any("\u0600" <= c <= "\u06ff" for c in text)
    with translation.override("fa"):
        text = selectors.period_text(progress, hq)
        assert text.startswith("سال ۱۴۰۵، از فروردین تا پایان آذر") and not LATIN_DIGITS & set(text)


@pytest.mark.django_db
def test_target_groups_of_the_breakdowns_are_named_in_the_page_language() -> None:
    from maharat.people.models import TargetGroup

    group = TargetGroup.objects.exclude(name_en="").first()
    assert group is not None
    with translation.override("en"):
        assert selectors.target_group_names()[group.name] == group.name_en
    with translation.override("fa"):
        assert selectors.target_group_names()[group.name] == group.name
