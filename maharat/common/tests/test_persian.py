from hypothesis import given
from hypothesis import strategies as st

from maharat.common.persian import format_number, normalize, search_key, to_persian_digits


def test_arabic_letters_become_persian() -> None:
    assert normalize("علي كريمي") == "علی کریمی"
    assert "ي" not in normalize("يوسف") and "ك" not in normalize("كاظم")


def test_digits_of_every_script_become_ascii() -> None:
    assert normalize("۱۴۰۲/۰۵/۰۷") == "1402/05/07"
    assert normalize("١٤٠٢") == "1402"


def test_spaces_kashida_and_marks() -> None:
    assert normalize("  محـــمد   رضا\u200f ") == "محمد رضا"
    assert normalize("می\u200c\u200cروم") == "می\u200cروم"


def test_search_key_folds_half_space_and_alef() -> None:
    assert search_key("آموزش\u200cهای") == search_key("اموزش های")


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@given(st.text(alphabet=st.characters(max_codepoint=127)) | st.text())
def test_the_shortcuts_give_the_full_normalisation(text: str) -> None:
    """normalize() skips work for ASCII codes and remembers short texts; the result must not change."""
    from maharat.common.persian import _normalize

    assert normalize(text) == _normalize(text) if text else normalize(text) == text


@given(st.text())
def test_normalized_text_has_no_arabic_yeh_kaf_or_eastern_digits(text: str) -> None:
    out = normalize(text)
    assert not set(out) & set("يكى٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")


def test_display_numbers() -> None:
    assert to_persian_digits(1405) == "۱۴۰۵"
    assert format_number(3947742) == "۳٬۹۴۷٬۷۴۲"
    assert format_number(12.5, 1) == "۱۲٫۵"
    assert format_number(None) == "—"
