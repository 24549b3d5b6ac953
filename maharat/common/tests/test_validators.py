import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from maharat.common.validators import (
    clean_mobile,
    clean_national_code,
    national_code_check_digit,
    national_code_checksum_ok,
)

# Codes checked by hand against the published rule (DOMAIN.md): s = Σ d[i]·(10−i), r = s mod 11.
VALID = ["0499370899", "0790419904", "0084575948", "0067749828", "4608968882", "1111111121"]
INVALID_CHECKSUM = ["0499370898", "0790419905", "1234567890", "4608968881"]


@pytest.mark.parametrize("code", VALID)
def test_known_valid_codes(code: str) -> None:
    assert clean_national_code(code) == code


@pytest.mark.parametrize("code", INVALID_CHECKSUM)
def test_wrong_check_digit_is_refused_in_persian(code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        clean_national_code(code)
    assert exc.value.code == "national_code_checksum"
    assert "رقم کنترل" in exc.value.messages[0]


@pytest.mark.parametrize("digit", "0123456789")
def test_ten_identical_digits_are_refused_even_when_the_checksum_holds(digit: str) -> None:
    code = digit * 10
    with pytest.raises(ValidationError) as exc:
        clean_national_code(code)
    assert exc.value.code == "national_code_repeated"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("499370899", "0499370899"),  # a spreadsheet dropped the leading zero
        ("84575948", "0084575948"),  # two zeros dropped
        (84575948, "0084575948"),  # a number cell
        ("84575948.0", "0084575948"),  # a float cell
        ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),  # Persian digits
        ("٠٤٩٩٣٧٠٨٩٩", "0499370899"),  # Arabic-Indic digits
        ("049-937089-9", "0499370899"),
    ],
)
def test_forms_people_type_are_restored(typed: object, stored: str) -> None:
    assert clean_national_code(typed) == stored


@pytest.mark.parametrize("bad", ["", "abc", "12345", "12345678901", "04993708a9"])
def test_malformed_codes(bad: str) -> None:
    with pytest.raises(ValidationError):
        clean_national_code(bad)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_generated_codes_pass_unless_all_digits_equal(first_nine: str) -> None:
    code = first_nine + str(national_code_check_digit(first_nine))
    assert national_code_checksum_ok(code)
    if len(set(code)) == 1:
        with pytest.raises(ValidationError):
            clean_national_code(code)
    else:
        assert clean_national_code(code) == code


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(1, 9))
def test_changing_the_check_digit_breaks_the_code(first_nine: str, delta: int) -> None:
    good = national_code_check_digit(first_nine)
    code = first_nine + str((good + delta) % 10)
    # Check digits 0 and 1 share remainders 0/1 and 10 (r=10 gives c=1): only these can collide.
    assert not national_code_checksum_ok(code) or {good, (good + delta) % 10} <= {0, 1}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("09121234567", "09121234567"), ("+989121234567", "09121234567"), ("00989121234567", "09121234567"),
     ("۰۹۱۲ ۱۲۳ ۴۵۶۷", "09121234567"), ("9121234567", "09121234567")],
)
def test_mobile_forms(typed: str, stored: str) -> None:
    assert clean_mobile(typed) == stored


@pytest.mark.parametrize("bad", ["0912123456", "08121234567", "+9891212345678", "phone"])
def test_bad_mobiles(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        clean_mobile(bad)
    assert "۰۹" in exc.value.messages[0]
