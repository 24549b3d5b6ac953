"""The schedule's arithmetic against an independent computation: a worked example written by hand (the
spreadsheet's PMT gives the instalment), the closed-form balance of an annuity in floating point, and the
exact sums (the principal repaid is the amount lent, to the Rial) over many loans."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from maharat.common import jalali
from maharat.loans import schedule


def test_a_worked_example_by_hand() -> None:
    # 120,000,000 Rials at 4% over 12 months: PMT(4%/12, 12, -120000000) = 10,217,988.50 → 10,217,989 (half up).
    lines = schedule.build(principal=120_000_000, annual_rate=4, term_months=12, grace_months=0,
                           start=dt.date(2026, 3, 21))
    assert [x.amount for x in lines[:11]] == [10_217_989] * 11
    assert (lines[0].interest, lines[0].principal, lines[0].balance) == (400_000, 9_817_989, 110_182_011)
    # Month 2: interest on the declining balance, 110,182,011 × 0.04 / 12 = 367,273.37 → 367,273.
    assert (lines[1].interest, lines[1].principal) == (367_273, 9_850_716)
    # The last takes what is left: 10,184,035 of principal and its interest 33,946.78 → 33,947.
    assert (lines[-1].principal, lines[-1].interest, lines[-1].amount, lines[-1].balance) == (
        10_184_035, 33_947, 10_217_982, 0)
    assert sum(x.principal for x in lines) == 120_000_000
    assert sum(x.amount for x in lines) == 11 * 10_217_989 + 10_217_982 == 122_615_861


def test_grace_months_come_first_with_interest_only() -> None:
    lines = schedule.build(principal=500_000_000, annual_rate=Decimal("4"), term_months=24, grace_months=6,
                           start=dt.date(2026, 11, 1))
    # 500,000,000 × 0.04 / 12 = 1,666,666.67 → 1,666,667 a month while nothing of the principal is repaid.
    assert [(x.principal, x.interest, x.balance) for x in lines[:6]] == [(0, 1_666_667, 500_000_000)] * 6
    # Then 18 equal instalments: 500,000,000 × i / (1 − (1+i)^−18) = 28,665,700.71 → 28,665,701.
    assert {x.amount for x in lines[6:-1]} == {28_665_701}
    assert sum(x.principal for x in lines) == 500_000_000 and lines[-1].balance == 0


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("4"), Decimal("4.5"), Decimal("18"), Decimal("30")])
@pytest.mark.parametrize(("principal", "term", "grace"), [(1_000_000, 1, 0), (1_000_000, 120, 24),
                                                          (987_654_321, 36, 6), (10**13, 120, 0),
                                                          (2_000_000_007, 7, 3)])
def test_against_the_closed_form(rate: Decimal, principal: int, term: int, grace: int) -> None:
    lines = schedule.build(principal=principal, annual_rate=rate, term_months=term, grace_months=grace,
                           start=dt.date(2026, 1, 1))
    assert len(lines) == term and [x.number for x in lines] == list(range(1, term + 1))
    assert sum(x.principal for x in lines) == principal and lines[-1].balance == 0
    assert all(x.amount == x.principal + x.interest and x.principal >= 0 and x.interest >= 0 for x in lines)
    i, n = float(rate) / 1200, term - grace
    payment = principal / n if i == 0 else principal * i / (1 - (1 + i) ** -n)
    paid = lines[grace].amount  # the equal instalment, as rounded
    assert abs(paid - payment) <= 0.5 + 1e-6 * payment
    assert all(x.amount == paid for x in lines[grace:-1])
    def compounded(months: int) -> float:
        """Σ (1+i)^j for j < months: what a Rial of rounding a month grows to over `months` months."""
        return float(months) if i == 0 else ((1 + i) ** months - 1) / i

    for k, x in enumerate(lines[grace:], start=1):  # the annuity's balance after k payments of `paid`
        closed = principal - paid * k if i == 0 else principal * (1 + i) ** k - paid * ((1 + i) ** k - 1) / i
        if k < n:  # each month's interest is rounded by at most half a Rial, and that grows with the balance
            assert abs(x.balance - closed) <= 0.5 * compounded(k) + 1e-9 * principal, (k, x.balance, closed)
    for x in lines[:grace]:
        assert x.principal == 0 and abs(x.interest - principal * i) <= 0.5 + 1e-9 * principal
    # The last instalment absorbs every month's rounding (of the instalment and of its interest, each at most
    # half a Rial, grown at the loan's rate): so it differs from the others by no more than that.
    assert abs(lines[-1].amount - paid) <= compounded(n) + 1
    interest = sum(x.interest for x in lines)
    expected = grace * principal * i + n * payment - principal
    assert abs(interest - expected) <= compounded(n) + n + grace + 1e-9 * principal


def test_many_loans_sum_to_the_rial() -> None:
    rng = random.Random(1405)
    for _ in range(300):
        principal = rng.randint(1_000_000, 10**12)
        term = rng.randint(1, 120)
        grace = rng.randint(0, min(24, term - 1))
        rate = Decimal(rng.randint(0, 3000)) / 100
        lines = schedule.build(principal=principal, annual_rate=rate, term_months=term, grace_months=grace,
                               start=dt.date(2025, 6, 1))
        assert sum(x.principal for x in lines) == principal, (principal, term, grace, rate)
        assert all(x.principal >= 0 for x in lines) and lines[-1].balance == 0


def test_due_dates_keep_the_jalali_day_or_the_months_last() -> None:
    start = jalali.to_gregorian(1405, 6, 31)  # 31 Shahrivar: Mehr to Bahman have 30 days, Esfand 1405 has 29
    due = [jalali.format_date(x.due, persian_digits=False) for x in
           schedule.build(principal=10_000_000, annual_rate=4, term_months=8, grace_months=0, start=start)]
    assert due == ["1405/07/30", "1405/08/30", "1405/09/30", "1405/10/30", "1405/11/30", "1405/12/29",
                   "1406/01/31", "1406/02/31"]
    leap = jalali.to_gregorian(1403, 11, 30)  # 1403 is a leap year: Esfand has 30 days
    assert jalali.format_date(schedule.add_months(leap, 1), persian_digits=False) == "1403/12/30"
    assert jalali.format_date(schedule.add_months(leap, 13), persian_digits=False) == "1404/12/29"


@pytest.mark.parametrize(("principal", "term", "grace"), [(0, 12, 0), (-5, 12, 0), (1_000_000, 6, 6),
                                                          (1_000_000, 6, -1)])
def test_a_schedule_that_cannot_be_is_refused(principal: int, term: int, grace: int) -> None:
    with pytest.raises(ValueError):
        schedule.build(principal=principal, annual_rate=4, term_months=term, grace_months=grace,
                       start=dt.date(2026, 1, 1))
