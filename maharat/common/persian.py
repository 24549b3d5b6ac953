"""Persian text: one normalisation for every input and every search.

Users type on Arabic keyboards (ي ك), paste from Word (ZWNJ variants, kashida) and from spreadsheets
(Arabic-Indic digits). We store one form: Persian ی and ک, ASCII digits, single spaces.
"""

from __future__ import annotations

import functools
import re

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"

_INPUT_TABLE = str.maketrans(
    {
        **{d: str(i) for i, d in enumerate(PERSIAN_DIGITS)},
        **{d: str(i) for i, d in enumerate(ARABIC_INDIC_DIGITS)},
        "ي": "ی",  # ARABIC LETTER YEH
        "ى": "ی",  # ALEF MAKSURA, often typed for final yeh
        "ك": "ک",  # ARABIC LETTER KAF
        "ة": "ه",
        "ـ": None,  # tatweel / kashida carries no meaning
        "\u200f": None,  # RLM
        "\u200e": None,  # LRM
        "\u00a0": " ",
        "\u200d": None,  # ZWJ
    }
)
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", PERSIAN_DIGITS)
_SPACES = re.compile(r"[ \t]+")
_ZWNJ_RUNS = re.compile("\u200c{2,}")


def normalize(text: str) -> str:
    """Return the stored form of user text: Persian letters, ASCII digits, single spaces, trimmed."""
    if not text:
        return text
    if text.isascii() and text.isprintable() and "  " not in text and text == text.strip():
        return text  # codes and numbers, the bulk of an imported file: already in stored form
    # Short texts are remembered: an imported file repeats the same codes, labels and numbers thousands
    # of times. Long ones (a pasted paragraph) are not, so that the memory stays small.
    return _normalize_short(text) if len(text) <= 200 else _normalize(text)


@functools.lru_cache(maxsize=65536)
def _normalize_short(text: str) -> str:
    return _normalize(text)


def _normalize(text: str) -> str:
    text = text.translate(_INPUT_TABLE)
    text = _ZWNJ_RUNS.sub("\u200c", text)
    # A ZWNJ next to a space is a typing artefact, not a half-space.
    text = text.replace(" \u200c", " ").replace("\u200c ", " ")
    return _SPACES.sub(" ", text).strip()


def normalize_digits(text: str) -> str:
    """Only the digits: for codes and numbers where letters must be left alone."""
    return text.translate(_INPUT_TABLE) if text else text


def search_key(text: str) -> str:
    """A looser form for matching: also folds the half-space and hamza variants people type either way."""
    text = normalize(text or "")
    return (
        text.replace("\u200c", " ")
        .replace("أ", "ا")
        .replace("إ", "ا")
        .replace("آ", "ا")
        .replace("ؤ", "و")
        .replace("ئ", "ی")
    )


def to_persian_digits(value: object) -> str:
    return str(value).translate(_TO_PERSIAN_DIGITS)


def format_number(value: int | float | None, decimals: int = 0) -> str:
    """Group thousands with the Persian separator (٬) and show Persian digits."""
    if value is None:
        return "—"
    if decimals:
        text = f"{value:,.{decimals}f}"
    else:
        text = f"{round(value):,}"
    return to_persian_digits(text.replace(",", "٬").replace(".", "٫"))


_LATIN_SIGNS = str.maketrans({"٪": "%", "٬": ",", "٫": "."})
_PERSIAN_SIGNS = str.maketrans({"%": "٪"})


def to_latin_display(value: object) -> str:
    """English display: Latin digits, %, and Latin separators, whatever digits the text was built with."""
    return normalize_digits(str(value)).translate(_LATIN_SIGNS)


# A code or serial by its shape: Latin letters with digits, or digits in hyphen-separated groups
# (IR-20-01-C01, 2512-53-001-1, MH-1GWC-FB3S-1BSW-9). Shown as stored, Latin, on every page.
CODE_SHAPE = re.compile(r"(?<![\w-])(?=[A-Za-z0-9-]*[0-9])(?=[A-Za-z0-9-]*[A-Za-z-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])")


def _persian_outside_codes(text: str) -> str:
    parts, last = [], 0
    for match in CODE_SHAPE.finditer(text):
        parts.append(to_persian_digits(text[last:match.start()]).translate(_PERSIAN_SIGNS))
        parts.append(match.group(0))
        last = match.end()
    parts.append(to_persian_digits(text[last:]).translate(_PERSIAN_SIGNS))
    return "".join(parts)


def localize_digits(value: object) -> str:
    """Display text (a message built in Python with numbers, a title with a unit's name) in the digits of the
    page's language: Persian digits and ٪ in Persian, Latin digits and % in English. Codes and serials inside
    it (see CODE_SHAPE) are left as stored, so that a code reads the same on every page."""
    from django.utils.translation import get_language

    if value is None:
        return ""
    if (get_language() or "fa").startswith("fa"):
        return _persian_outside_codes(str(value))
    return to_latin_display(value)
