"""The demo country's loans: in Qazvin, HQ's programmes of last year and this year, and loans in every state a
province's desk meets, each reached through the same services as the pages and by the demo accounts (the
province's expert enters and pays out, its manager decides, HQ's planner decides the large ones and declares a
default; the institute's manager sees its own): one waiting for the province, one above the threshold waiting
for HQ, one approved for less than asked, one rejected, one paid out and in its grace months, one being repaid
on time (the demo institute manager's own, where its standing allowed it on the day), one overdue, one repaid
and one in default. The morning's reminders are sent at the end, as the worker would.

Called once from the demo builder, after licensing (the loans ask the licences' standing), at the end of
demo/licensing.py's LicensingSteps.build_licensing:

    from maharat.loans.demo import build as build_loans
    build_loans(self.today)

It builds nothing where the demo accounts or Qazvin's institutes are missing, or where loans exist already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from maharat.common import jalali

from . import programmes, reminders, services
from .models import Instalment, Loan, LoanProgramme

USERS = ("qazvin_manager", "qazvin_expert", "institute_manager", "hq_planner")
PURPOSES = [("equipment", "خرید دستگاه‌های کارگاه جوشکاری و تراشکاری"),
            ("ict", "تجهیز سایت رایانه و راه‌اندازی کلاس مجازی"),
            ("premises", "بازسازی و توسعه فضای کارگاه آموزشی"),
            ("safety", "نصب سامانه اطفای حریق و تهویه کارگاه"),
            ("working_capital", "سرمایه در گردش برای دوره‌های خرید خدمات")]


def build(today: dt.date) -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=USERS).select_related("account__unit")}
    if len(users) < len(USERS) or LoanProgramme.objects.exists():
        return
    _Builder(today, users).run()


class _Builder:
    def __init__(self, today: dt.date, users: dict[str, Any]) -> None:
        self.today, self.users = today, users
        self.year = jalali.year_of(today)
        self.used: set[int] = set()
        self.n = 0

    def day(self, year: int, month: int, d: int) -> dt.date:
        return min(jalali.to_gregorian(year, month, d), self.today)

    def run(self) -> None:
        hq = self.users["hq_planner"]
        last = programmes.create(hq, year=self.year - 1, title="تسهیلات کم‌بهره تجهیز کارگاه‌های آموزشگاه‌های آزاد",
                                 budget=200_000_000_000, interest_rate=4, max_amount=5_000_000_000, max_term_months=36,
                                 grace_months=3, hq_threshold=2_000_000_000, is_open=True,
                                 notes="خط اعتباری سال گذشته؛ درخواست تازه نمی‌پذیرد.")
        this = programmes.create(hq, year=self.year, title="تسهیلات کم‌بهره توسعه آموزشگاه‌های آزاد",
                                 budget=300_000_000_000, interest_rate=4, max_amount=8_000_000_000, max_term_months=48,
                                 grace_months=6, hq_threshold=3_000_000_000, is_open=True,
                                 notes="برای تجهیز کارگاه، فضای آموزشی و آموزش مجازی؛ با اولویت رشته‌های صنعت.")
        own = self.users["institute_manager"].account.unit
        self.last_year(last, own)
        self.this_year(this)
        programmes.update(hq, last, **{**_terms(last), "is_open": False})  # the year is over: no new requests
        reminders.run(self.today)

    # ------------------------------------------------------------------------------------------ requests
    def candidates(self, own: Any = None) -> Iterator[Any]:
        """The demo institute's own first where asked (and never otherwise: it keeps its loan for that), then
        Qazvin's licensed institutes in code order."""
        from maharat.org.models import Unit, UnitKind

        if own is not None and own.pk not in self.used:
            yield own
        qs = Unit.objects.filter(province__code="IR-26", kind=UnitKind.FREE_INSTITUTE,
                                 institute__licences__is_current=True)
        mine = self.users["institute_manager"].account.unit
        for unit in qs.exclude(pk=mine.pk).order_by("code").distinct()[:80]:
            if unit.pk not in self.used:
                yield unit

    def request(self, programme: LoanProgramme, received: dt.date, amount: int, term: int, *, own: Any = None,
                by: str = "qazvin_expert") -> Loan | None:
        """A request of the first institute still free that is eligible on `received` (the services decide)."""
        purpose, text = PURPOSES[self.n % len(PURPOSES)]
        self.n += 1
        for unit in self.candidates(own):
            try:
                loan = services.apply(self.users[by], programme=programme, institute=unit, purpose=purpose,
                                      description=text, amount=amount, term_months=term, received_on=received)
            except ValidationError:
                continue
            self.used.add(unit.pk)
            return loan
        return None

    def decide(self, loan: Loan | None, on: dt.date, **kw: Any) -> Loan | None:
        if loan is None:
            return None
        who = "hq_planner" if loan.requested_amount > loan.programme.hq_threshold else "qazvin_manager"
        try:
            return services.approve(self.users[who], loan, on=on, **kw)
        except ValidationError:
            return None

    def pay_out(self, loan: Loan | None, on: dt.date) -> Loan | None:
        if loan is None:
            return None
        try:
            return services.disburse(self.users["qazvin_expert"], loan, on=on, reference=f"SH-{loan.number}")
        except ValidationError:
            return None

    def repay(self, loan: Loan | None, *, instalments: int | None = None, rest_on: dt.date | None = None) -> None:
        """Pay each instalment on its due date (the first `instalments` of them, or all those due by today), and
        with `rest_on`, everything left on that day."""
        if loan is None:
            return
        expert = self.users["qazvin_expert"]
        due = Instalment.objects.filter(loan=loan, due_date__lte=self.today).order_by("number")
        for item in due[:instalments] if instalments is not None else due:
            services.record_repayment(expert, loan, on=item.due_date, amount=item.amount,
                                      reference=f"BR-{loan.number}-{item.number}")
        if rest_on is not None:
            left = sum(i.amount - i.paid for i in Instalment.objects.filter(loan=loan))
            if left:
                services.record_repayment(expert, loan, on=rest_on, amount=left, reference=f"BR-{loan.number}-END")

    # ----------------------------------------------------------------------------------------- the years
    def last_year(self, programme: LoanProgramme, own: Any) -> None:
        y = self.year - 1
        # Repaid: a year's loan paid month by month, the rest settled early.
        repaid = self.pay_out(self.decide(self.request(programme, self.day(y, 2, 1), 900_000_000, 12),
                                          self.day(y, 2, 8)), self.day(y, 2, 15))
        self.repay(repaid, rest_on=self.today)
        # Being repaid on time: the demo institute's own, if it was in good standing on the day.
        current = self.pay_out(self.decide(self.request(programme, self.day(y, 8, 1), 1_500_000_000, 30, own=own),
                                           self.day(y, 8, 10)), self.day(y, 8, 20))
        self.repay(current)
        # Overdue: two instalments paid, then nothing.
        late = self.pay_out(self.decide(self.request(programme, self.day(y, 6, 1), 1_200_000_000, 18),
                                        self.day(y, 6, 5)), self.day(y, 6, 12))
        self.repay(late, instalments=2)
        # In default: paid out, never repaid, declared by HQ.
        lost = self.pay_out(self.decide(self.request(programme, self.day(y, 3, 1), 600_000_000, 12),
                                        self.day(y, 3, 5)), self.day(y, 3, 10))
        if lost is not None and Instalment.objects.filter(loan=lost, due_date__lt=self.today).exists():
            services.declare_default(self.users["hq_planner"], lost, on=self.today,
                                     reason="بیش از شش قسط پرداخت نشده و آموزشگاه به اخطارها پاسخ نداده است.")

    def this_year(self, programme: LoanProgramme) -> None:
        start = jalali.to_gregorian(self.year, 1, 1)

        def back(days: int) -> dt.date:
            return max(start, self.today - dt.timedelta(days=days))

        # Paid out, in its grace months.
        self.pay_out(self.decide(self.request(programme, back(40), 2_500_000_000, 36), back(30)), back(20))
        # Approved for less than asked.
        self.decide(self.request(programme, back(15), 2_000_000_000, 24), back(10), amount=1_600_000_000,
                    note="یکی از پیش‌فاکتورها بالاتر از قیمت بازار است؛ مبلغ به اندازه پیش‌فاکتورهای تأییدشده کاهش یافت.")
        # Rejected.
        rejected = self.request(programme, back(12), 1_000_000_000, 24)
        if rejected is not None:
            services.reject(self.users["qazvin_manager"], rejected, on=back(6),
                            reason="طرح توجیهی و پیش‌فاکتورهای تجهیزات پیوست نشده است.")
        # Waiting for the province, and a large one waiting for HQ.
        self.request(programme, back(3), 700_000_000, 18)
        self.request(programme, back(2), 6_000_000_000, 48)


def _terms(programme: LoanProgramme) -> dict[str, Any]:
    return {name: getattr(programme, name) for name in programmes.TERMS}
