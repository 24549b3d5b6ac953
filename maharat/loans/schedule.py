"""The repayment schedule of a loan: pure arithmetic, no database (docs/loans.md states the formula).

A loan of P Rials at an annual rate of r percent, for a term of T months of which the first G are grace:

- the monthly rate is i = r / 1200 (a nominal annual rate, compounded monthly);
- each grace month is an instalment of interest only, round(P·i): the balance does not decline yet;
- the remaining n = T − G months repay the balance in equal instalments (an annuity)
  A = P·i·(1+i)^n / ((1+i)^n − 1)   (A = P/n when the rate is 0), rounded to a whole Rial;
- in month k the interest is round(B·i) on the balance B still owed, the principal is A − interest, and the
  balance falls by that principal;
- the last instalment repays the whole balance left, with its interest: the rounding of every month before
  it lands there, so the principal of the schedule sums to P exactly and nothing is left owed.

All arithmetic is in exact fractions (fractions.Fraction); a rounding is half up, to a whole Rial. The k-th
instalment falls due k Jalali months after the day of disbursement, on the same day of the month (the
month's last day where the month is shorter: 31 Shahrivar → 30 Mehr; 30 Bahman → 29 Esfand in a common year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from maharat.common import jalali


@dataclass(frozen=True)
class Line:
    number: int
    due: dt.date
    principal: int
    interest: int
    balance: int  # the principal still owed once this instalment is paid

    @property
    def amount(self) -> int:
        return self.principal + self.interest


def half_up(value: Fraction) -> int:
    """The nearest whole number, halves rounded up (values here are never negative)."""
    return (2 * value.numerator + value.denominator) // (2 * value.denominator)


def monthly_rate(annual_percent: Decimal | int) -> Fraction:
    return Fraction(Decimal(annual_percent)) / 1200


def annuity(principal: int, rate: Fraction, months: int) -> Fraction:
    """The exact equal instalment that repays `principal` over `months` at the monthly `rate`."""
    if rate == 0:
        return Fraction(principal, months)
    growth = (1 + rate) ** months
    return principal * rate * growth / (growth - 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the Jalali month `months` months later (the month's last day if it is shorter)."""
    j = jalali.from_gregorian(day)
    index = j.month - 1 + months
    year, month = j.year + index // 12, index % 12 + 1
    return jalali.to_gregorian(year, month, min(j.day, jalali.month_length(year, month)))


def build(*, principal: int, annual_rate: Decimal | int, term_months: int, grace_months: int,
          start: dt.date) -> list[Line]:
    """Every instalment of the loan, in order. `term_months` includes the grace months, and leaves at least
    one month of repayment after them."""
    if principal <= 0 or term_months <= grace_months or grace_months < 0:
        raise ValueError("a schedule needs a positive principal and a repayment month after the grace")
    rate = monthly_rate(annual_rate)
    lines: list[Line] = []
    grace_interest = half_up(principal * rate)
    for k in range(1, grace_months + 1):
        lines.append(Line(k, add_months(start, k), 0, grace_interest, principal))
    months = term_months - grace_months
    payment = half_up(annuity(principal, rate, months))
    balance = principal
    for k in range(1, months + 1):
        interest = half_up(balance * rate)
        # The payment covers the month's interest (A > P·i ≥ B·i, and rounding keeps the order); the balance
        # is never overpaid before the last month, which takes what is left.
        part = balance if k == months else min(payment - interest, balance)
        balance -= part
        number = grace_months + k
        lines.append(Line(number, add_months(start, number), part, interest, balance))
    return lines
