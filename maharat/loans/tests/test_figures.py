"""Every figure against an independent computation over the raw rows (loans, instalments, repayments and
their allocations read as plain values, the states that count written here by hand): per programme, per
province and for the nation, and as each role sees them on the figures page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.urls import reverse

from maharat.loans import programmes, selectors, services
from maharat.loans.models import Allocation, Instalment, Loan, Repayment

from .conftest import PROGRAMME, applied, approved

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 22)

# The states each figure counts, by hand (docs/loans.md), never read from the app.
COMMITTED = {"approved", "disbursed", "repaying", "repaid", "defaulted", "written_off"}
PAID_OUT = {"disbursed", "repaying", "repaid", "defaulted", "written_off"}
OWING = {"disbursed", "repaying", "defaulted"}


@pytest.fixture
def portfolio(world: dict[str, Any]) -> dict[str, Any]:
    old = programmes.create(world["hq_planner"], **{**PROGRAMME, "year": 1404, "title": "تسهیلات ۱۴۰۴"})
    new = world["programme"]

    def expert_for(institute: str) -> str:
        return "other_expert" if institute == "far" else "expert"

    def made(institute: str, programme: Any, received: dt.date, amount: int, term: int) -> Loan:
        return applied(world, by=expert_for(institute), institute=institute, programme=programme,
                       received_on=received, amount=amount, term=term)

    def decided(loan: Loan, on: dt.date, **kw: Any) -> Loan:
        by = "other_manager" if loan.institute == world["far"] else "manager"
        return approved(world, loan, by=by, on=on, **kw)

    def out(loan: Loan, on: dt.date) -> Loan:
        by = "other_expert" if loan.institute == world["far"] else "expert"
        return services.disburse(world[by], loan, on=on, reference=f"PAY-{loan.pk}")

    def pay(loan: Loan, amount: int, on: dt.date, ref: str) -> None:
        by = "other_expert" if loan.institute == world["far"] else "expert"
        services.record_repayment(world[by], loan, on=on, amount=amount, reference=ref)

    # This year, Qazvin's institute: paid out, one repayment (asked for before its old loan, below, fell late).
    current = out(decided(made("institute", new, dt.date(2026, 10, 23), 500_000_000, 24), dt.date(2026, 10, 28)),
                  dt.date(2026, 11, 1))
    pay(current, 1_000_000, dt.date(2026, 11, 20), "C-1")
    # Qazvin's institute, last year: paid out, a little repaid, most of it late.
    late = out(decided(made("institute", old, dt.date(2025, 11, 22), 300_000_000, 12), dt.date(2025, 11, 25)),
               dt.date(2025, 12, 1))
    pay(late, 5_000_000, dt.date(2026, 1, 5), "A-1")
    # Qazvin's neighbour, last year: paid out and repaid in full.
    done = out(decided(made("neighbour", old, dt.date(2025, 12, 1), 120_000_000, 12), dt.date(2025, 12, 2)),
               dt.date(2025, 12, 3))
    pay(done, sum(i.amount for i in done.instalments.all()), dt.date(2026, 6, 1), "B-1")
    # The neighbour, this year: approved, for less than asked.
    decided(made("neighbour", new, dt.date(2026, 10, 25), 800_000_000, 36), dt.date(2026, 11, 2),
            amount=700_000_000, note="پیش‌فاکتور کمتر")
    # The other province: this year one rejected and one waiting (asked for before its old loan fell late);
    # last year's paid out, partly recovered, defaulted and written off.
    services.reject(world["other_manager"], made("far", new, dt.date(2026, 11, 1), 400_000_000, 24), reason="ناقص")
    made("far", new, dt.date(2026, 11, 10), 150_000_000, 12)
    lost = out(decided(made("far", old, dt.date(2025, 11, 23), 200_000_000, 12), dt.date(2025, 11, 26)),
               dt.date(2025, 12, 2))
    pay(lost, 30_000_000, dt.date(2026, 2, 1), "D-1")
    services.declare_default(world["hq_planner"], lost, reason="تعطیلی آموزشگاه", on=dt.date(2026, 9, 1))
    services.write_off(world["hq_planner"], lost, reason="رأی کمیسیون", on=dt.date(2026, 10, 1))
    return {"old": old, "new": new}


def by_hand(group: str | None) -> dict[Any, dict[str, int]]:
    """The figures from the raw rows: a dict per group ("programme_id", "province_id", "institute_id", or None
    for the nation)."""
    loans = {row["pk"]: row for row in Loan.objects.values("pk", "status", "approved_amount", "programme_id",
                                                            "province_id", "institute_id")}
    given: dict[int, int] = defaultdict(int)
    for instalment_id, amount in Allocation.objects.values_list("instalment_id", "amount"):
        given[instalment_id] += amount
    out: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    def key(loan: dict[str, Any]) -> Any:
        return loan[group] if group else None

    for loan in loans.values():
        row = out[key(loan)]
        row["loans"] += 1
        if loan["status"] in COMMITTED:
            row["committed"] += loan["approved_amount"]
        if loan["status"] in PAID_OUT:
            row["disbursed"] += loan["approved_amount"]
    for loan_id, amount in Repayment.objects.values_list("loan_id", "amount"):
        out[key(loans[loan_id])]["repaid"] += amount
    for pk, loan_id, amount, due in Instalment.objects.values_list("pk", "loan_id", "amount", "due_date"):
        loan = loans[loan_id]
        left = amount - given[pk]
        if loan["status"] in OWING:
            out[key(loan)]["outstanding"] += left
            if due < TODAY:
                out[key(loan)]["overdue"] += left
        if loan["status"] == "written_off":
            out[key(loan)]["written_off"] += left
    return out


NAMES = ("loans", "committed", "disbursed", "repaid", "outstanding", "overdue", "written_off")


def as_dict(f: selectors.Figures) -> dict[str, int]:
    return {name: getattr(f, name) for name in NAMES}


def test_the_nation_by_hand(world: dict[str, Any], portfolio: dict[str, Any]) -> None:
    got = as_dict(selectors.figures(Loan.objects.all()))
    want = {name: by_hand(None)[None][name] for name in NAMES}
    assert got == want
    # And the numbers are what they should be, written out: 700 + 500 + 300 + 120 + 200 million committed.
    assert got["committed"] == 1_820_000_000 and got["disbursed"] == 1_120_000_000 and got["loans"] == 7
    assert got["overdue"] > 0 and got["written_off"] > 0


@pytest.mark.parametrize("group", ["programme_id", "province_id"])
def test_by_programme_and_by_province(world: dict[str, Any], portfolio: dict[str, Any], group: str) -> None:
    got = {k: as_dict(f) for k, f in selectors.figures_by(Loan.objects.all(), group).items()}
    want = {k: {name: v.get(name, 0) for name in NAMES} for k, v in by_hand(group).items()}
    assert got == want and len(got) == 2


def test_what_was_lent_and_its_interest_is_what_was_repaid_owed_or_lost(world: dict[str, Any],
                                                                          portfolio: dict[str, Any]) -> None:
    f = selectors.figures(Loan.objects.all())
    interest = sum(i.interest for i in Instalment.objects.filter(loan__status__in=PAID_OUT))
    assert f.disbursed + interest == f.repaid + f.outstanding + f.written_off


def test_instalments_paid_are_their_allocations(world: dict[str, Any], portfolio: dict[str, Any]) -> None:
    given: dict[int, int] = defaultdict(int)
    for instalment_id, amount in Allocation.objects.values_list("instalment_id", "amount"):
        given[instalment_id] += amount
    assert {pk: paid for pk, paid in Instalment.objects.values_list("pk", "paid")} == {
        pk: given[pk] for pk in Instalment.objects.values_list("pk", flat=True)}
    assert sum(given.values()) == sum(Repayment.objects.values_list("amount", flat=True))


@pytest.mark.parametrize(("role", "provinces"), [("hq_planner", {"IR-26", "IR-03"}), ("hq_viewer", {"IR-26", "IR-03"}),
                                                 ("manager", {"IR-26"}), ("other_expert", {"IR-03"}),
                                                 ("institute_manager", {"IR-26"})])
def test_the_page_shows_each_role_its_reach(client: Any, world: dict[str, Any], portfolio: dict[str, Any], role: str,
                                             provinces: set[str]) -> None:
    client.force_login(world[role])
    page = client.get(reverse("loan_totals"))
    assert page.status_code == 200
    assert {unit.code for unit, _f in page.context["provinces"]} == provinces
    if role == "institute_manager":  # its own institute's loans, nothing of the neighbour's in the same province
        rows = [by_hand("institute_id")[world["institute"].pk]]
    else:
        codes = dict(Loan.objects.values_list("province_id", "province__code"))
        rows = [row for group, row in by_hand("province_id").items() if codes[group] in provinces]
    wanted = {name: sum(row.get(name, 0) for row in rows) for name in NAMES}
    assert as_dict(page.context["total"]) == wanted
