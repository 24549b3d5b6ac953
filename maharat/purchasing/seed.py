"""The demo country's purchase contracts, made through the same services as the pages, in Qazvin where the demo
accounts are: a contract of last year with the demo institute, its runs listed and capped, learners with
premiums, employment evidence with its document, invoices paid, approved and issued, and a clawback after a
run was taken off; a closed contract of the year before; a draft for this year and a cancelled one.

The demo builder calls `build_demo(today)` once the accounts and licences exist (it does nothing when they do
not, or when contracts exist already)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count

from maharat.common import jalali
from maharat.org.models import Unit, UnitKind
from maharat.training.models import CourseRun, EnrollmentStatus

from . import invoicing, services
from .models import Contract, Tranche

PRICE = 45_000_000  # Rials per trainee


def build_demo(today: dt.date) -> dict[str, int]:
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=("qazvin_manager", "qazvin_expert", "institute_manager")).select_related("account__unit")}
    if len(users) < 3 or Contract.objects.exists():
        return {}
    return build(manager=users["qazvin_manager"], expert=users["qazvin_expert"],
                 institute=users["institute_manager"].account.unit, today=today)


def _runs(institute: Unit, start: dt.date, end: dt.date, limit: int) -> list[CourseRun]:
    return list(CourseRun.objects.filter(unit=institute, start_date__range=(start, end), enrollments__isnull=False)
                .distinct().order_by("start_date", "code")[:limit])


def _contract(expert: Any, institute: Unit, runs: list[CourseRun], start: dt.date, end: dt.date,
              **terms: Any) -> Contract:
    standards = list({r.standard_id: r.standard for r in runs}.values())[:10]
    places = sum(r.enrollments.count() for r in runs if r.standard in standards)
    terms.setdefault("trainees", max(1, places * 4 // 5))  # the cap bites: a fifth of the learners are not bought
    province = institute.province
    assert province is not None  # a free institute sits in a county of a province
    return services.create_contract(expert, province=province, institute=institute, standards=standards,
                                    price=PRICE, start_date=start, end_date=end, **terms)


def _licensed_start(institute: Unit, days: list[dt.date]) -> dt.date | None:
    """The first of `days` on which the institute is licensed (a contract is signed only then)."""
    return next((day for day in sorted(days) if services.licensed(institute, day)), None)


def _document() -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, "PDF")
    return SimpleUploadedFile("employment.pdf", out.getvalue(), content_type="application/pdf")


def build(*, manager: Any, expert: Any, institute: Unit, today: dt.date) -> dict[str, int]:
    year = jalali.from_gregorian(today).year
    last_start, last_end = jalali.year_bounds(year - 1)
    made: dict[str, int] = {}
    runs = _runs(institute, last_start, last_end, 8)
    begin: dt.date | None = None
    if runs:
        begin = _licensed_start(institute, [last_start, *(r.start_date for r in runs)])
        runs = [r for r in runs if begin is not None and r.start_date >= begin]
    if runs and begin is not None:
        contract = _contract(expert, institute, runs, begin, last_end, title="خرید خدمات آموزشی سال گذشته",
                             premium_women=10, premium_rural=20, premium_disability=25)
        contract = services.sign(manager, contract, "مصوبه کمیته خرید خدمات استان")
        for run in runs:
            if contract.standards.filter(pk=run.standard_id).exists():
                services.add_run(expert, contract, run)
        _evidence(expert, contract, today)
        for tranche, step in ((Tranche.ENROLLMENT, "paid"), (Tranche.COMPLETION, "approved"),
                              (Tranche.CERTIFICATION, "issued"), (Tranche.EMPLOYMENT, "issued")):
            _invoice(expert, manager, contract, tranche, step, today)
        # A run taken off after its learners were paid for: the next enrollment invoice claws it back.
        last = contract.runs.annotate(n=Count("course_run__enrollments")).order_by("n", "pk").first()
        if last is not None and contract.runs.count() > 1:
            services.remove_run(manager, last)
            _invoice(expert, manager, contract, Tranche.ENROLLMENT, "issued", today)
        made["active"] = contract.pk
    before_start, before_end = jalali.year_bounds(year - 2)
    for other in Unit.objects.filter(kind=UnitKind.FREE_INSTITUTE, province=institute.province,
                                     is_active=True).exclude(pk=institute.pk).order_by("code")[:20]:
        older = _runs(other, before_start, before_end, 4)
        begin = _licensed_start(other, [before_start, *(r.start_date for r in older)])
        older = [r for r in older if begin is not None and r.start_date >= begin]
        if older and begin is not None:
            closed = _contract(expert, other, older, begin, before_end, title="خرید خدمات دو سال پیش")
            closed = services.sign(manager, closed)
            for run in older:
                if closed.standards.filter(pk=run.standard_id).exists():
                    services.add_run(expert, closed, run)
            for tranche in (Tranche.ENROLLMENT, Tranche.COMPLETION):
                _invoice(expert, manager, closed, tranche, "paid", today)
            services.close(manager, closed, "پایان سال مالی و تسویه")
            made["closed"] = closed.pk
            break
    this_start, this_end = jalali.year_bounds(year)
    current = _runs(institute, this_start, this_end, 4) or runs
    if current and services.licensed(institute, this_start):
        draft = _contract(expert, institute, current, this_start, this_end, title="پیش‌نویس خرید خدمات امسال",
                          premium_nomad=30, trainees=40)
        made["draft"] = draft.pk
        dropped = _contract(expert, institute, current, this_start, this_end, title="قرارداد کنارگذاشته", trainees=10)
        services.cancel(manager, dropped, "بودجه این قرارداد تأمین نشد.")
        made["cancelled"] = dropped.pk
    return made


def _evidence(expert: Any, contract: Contract, today: dt.date) -> None:
    """Three graduates' jobs, with their document, for the employment tranche."""
    from .earned import employment_due
    from .models import ContractRun

    due = employment_due(today)
    shown = 0
    for link in ContractRun.objects.filter(contract=contract, course_run__end_date__lte=due).select_related("course_run"):
        for enrollment in link.course_run.enrollments.filter(status=EnrollmentStatus.COMPLETED).order_by("pk")[:2]:
            if shown >= 3:
                return
            start = link.course_run.end_date + dt.timedelta(days=15)
            services.add_evidence(expert, enrollment=enrollment, employer=["کارگاه جوشکاری البرز", "شرکت صنایع قزوین",
                                                                           "فروشگاه لوازم خانگی"][shown],
                                  from_date=min(start, today), document=_document())
            shown += 1


def _invoice(expert: Any, manager: Any, contract: Contract, tranche: str, step: str, today: dt.date) -> None:
    try:
        invoice = invoicing.issue_invoice(expert, contract, tranche)
    except ValidationError:  # nothing earned in this tranche (no certificates yet, say)
        return
    if step in ("approved", "paid"):
        invoicing.approve_invoice(manager, invoice)
    if step == "paid":
        invoicing.pay_invoice(manager, invoice, paid_on=today, reference=f"TR-{invoice.pk:06d}")
