"""What contracts have earned, computed from the records: the one definition of every earned figure.

Nobody types an earning. A learner counts for a contract when
- their enrollment is in a course run the contract lists (ContractRun), and that run still is what the
  contract bought: given by the contracted institute, in one of the contract's standards, starting within
  the contract's dates (checked again on every computation: a run moved or changed later stops counting);
- the contract names target groups and the trainee belongs to at least one of them (no groups: everyone);
- they are among the first `trainees` such enrollments of the contract, by enrollment time (the cap): one
  enrollment is one place, so a person in two of the contract's courses fills two.

Each counted learner earns, per tranche, price × share × (100 + premium) / 10,000 Rials, rounded down to the
Rial, when the tranche's outcome is in the records:
- enrollment: enrolled (whatever happened next);
- completion: the enrollment's status is "completed";
- certification: completed, and a valid skill certificate (not suspended, not revoked) of that trainee in
  the run's standard, issued on or after the run's start;
- employment: completed, at least rules.EMPLOYMENT_WAIT since the run ended, and employed then by the
  declared input "employment" (records.py; EmploymentEvidence until graduate tracing provides it).

The premium is the sum of the contract's percentages for each category the learner is in: rural (the run is
a rural mobile team's, or the trainee lives in a village), nomad (a nomad mobile team's run, or a nomad
trainee), women, and people with a disability.

Everything is set-based: one query gives every learner of any number of contracts, with their flags and
amounts; the totals are SQL sums of the same expressions; only employment goes through the input, in chunks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from maharat.assessment.models import Certificate, CertificateStatus
from maharat.kit import inputs
from maharat.people.models import Residence, Sex, Trainee
from maharat.training.models import DeliveryMode, Enrollment, EnrollmentStatus

from . import rules
from .models import Contract, Tranche

LINK = "course_run__purchase_link__contract"
SHARE_FIELD = {Tranche.ENROLLMENT: "share_enrollment", Tranche.COMPLETION: "share_completion",
               Tranche.CERTIFICATION: "share_certification", Tranche.EMPLOYMENT: "share_employment"}
# (flag, the contract's percentage, the condition on the learner)
CATEGORIES: list[tuple[str, str, Q]] = [
    ("rural", "premium_rural", Q(course_run__mode=DeliveryMode.RURAL_MOBILE) | Q(trainee__residence=Residence.RURAL)),
    ("nomad", "premium_nomad", Q(course_run__mode=DeliveryMode.NOMAD_MOBILE) | Q(trainee__residence=Residence.NOMAD)),
    ("woman", "premium_women", Q(trainee__sex=Sex.FEMALE)),
    ("disabled", "premium_disability", Q(trainee__has_disability=True)),
]


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _certified() -> Exists:
    return Exists(Certificate.objects.filter(
        trainee_id=OuterRef("trainee_id"), standard_id=OuterRef("course_run__standard_id"),
        status=CertificateStatus.VALID, issued_on__gte=OuterRef("course_run__start_date")))


def employment_due(today: dt.date | None = None) -> dt.date:
    """Runs that ended on or before this day have reached the day employment is judged."""
    return (today or timezone.localdate()) - rules.EMPLOYMENT_WAIT


def _eligible(contracts: QuerySet[Contract]) -> QuerySet[Enrollment]:
    """Enrollments in the contracts' listed runs that still are what each contract bought (before the cap)."""
    standards = Contract.standards.through.objects.filter(contract_id=OuterRef(LINK),
                                                          standard_id=OuterRef("course_run__standard_id"))
    wanted = Contract.target_groups.through.objects.filter(contract_id=OuterRef(LINK))
    held = Trainee.target_groups.through.objects.filter(trainee_id=OuterRef(OuterRef("trainee_id"))).values(
        "targetgroup_id")
    return (Enrollment.objects.filter(**{f"{LINK}__in": contracts.order_by().values("pk")})
            .filter(course_run__unit_id=F(f"{LINK}__institute_id"),
                    course_run__start_date__gte=F(f"{LINK}__start_date"),
                    course_run__start_date__lte=F(f"{LINK}__end_date"))
            .filter(Exists(standards))
            .filter(~Exists(wanted) | Exists(wanted.filter(targetgroup_id__in=held)))
            .order_by())


def _ranked(contracts: QuerySet[Contract]) -> QuerySet[Enrollment]:
    """The eligible enrollments with their place in their contract (by enrollment time), within the cap."""
    return (_eligible(contracts)
            .annotate(contract_id=F(LINK), cap=F(f"{LINK}__trainees"),
                      place=Window(RowNumber(), partition_by=[F(LINK)],
                                   order_by=[F("enrolled_at").asc(), F("pk").asc()]))
            .filter(place__lte=F("cap")))


def _priced(qs: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Premium flags, the premium, each tranche's amount, and whether completed and certified."""
    flags = {name: _flag(condition) for name, _pct, condition in CATEGORIES}
    premium = sum((F(name) * F(f"{LINK}__{pct}") for name, pct, _c in CATEGORIES), Value(0))
    qs = qs.annotate(**flags).annotate(premium=ExpressionWrapper(premium, output_field=IntegerField()))
    amounts = {
        f"amount_{t}": ExpressionWrapper(F(f"{LINK}__price") * F(f"{LINK}__{share}") * (Value(100) + F("premium"))
                                         / Value(10_000), output_field=BigIntegerField())
        for t, share in SHARE_FIELD.items()}
    return qs.annotate(**amounts, completed=_flag(Q(status=EnrollmentStatus.COMPLETED)),
                       certified=_flag(Q(_certified())))


def counted(contracts: QuerySet[Contract]) -> QuerySet[Enrollment]:
    """The enrollments the contracts count (within their caps), with their contract, premium and amounts. The
    cap is a window over each contract's enrollments; grouping such a query by contract or province is not
    something SQL does in one level, so the counted ids are a subquery and the sums group the plain rows."""
    ids = _ranked(contracts).values("pk")
    return _priced(Enrollment.objects.filter(pk__in=ids).annotate(contract_id=F(LINK)).order_by())


# ------------------------------------------------------------------------------------------ learners
@dataclass
class Learner:
    enrollment_id: int
    contract_id: int
    place: int
    trainee_id: int
    national_code: str
    name: str
    run_code: str
    run_end: dt.date
    status: str
    premium: int
    categories: list[str]
    amounts: dict[str, int]  # what each tranche pays this learner, earned or not
    earned: dict[str, bool] = field(default_factory=dict)  # tranche -> its outcome is in the records
    employer: str = ""  # what shows the employment, when it is earned

    def earned_amount(self, tranche: str) -> int:
        return self.amounts[tranche] if self.earned.get(tranche) else 0


ROW = ("pk", "contract_id", "place", "trainee_id", "trainee__national_code", "trainee__first_name",
       "trainee__last_name", "course_run__code", "course_run__end_date", "status", "premium", "completed",
       "certified", *(name for name, _p, _c in CATEGORIES), *(f"amount_{t}" for t in SHARE_FIELD))


def learners(contracts: QuerySet[Contract], today: dt.date | None = None) -> list[Learner]:
    """Every counted learner of the contracts, with what each tranche pays them and whether it is earned:
    one query, and the employment input in chunks."""
    due = employment_due(today)
    found: list[Learner] = []
    for row in _priced(_ranked(contracts)).order_by("contract_id", "place").values_list(*ROW):
        values = dict(zip(ROW, row, strict=True))
        completed = bool(values["completed"])
        learner = Learner(
            enrollment_id=values["pk"], contract_id=values["contract_id"], place=values["place"],
            trainee_id=values["trainee_id"], national_code=values["trainee__national_code"],
            name=f'{values["trainee__first_name"]} {values["trainee__last_name"]}',
            run_code=values["course_run__code"], run_end=values["course_run__end_date"], status=values["status"],
            premium=values["premium"], categories=[name for name, _p, _c in CATEGORIES if values[name]],
            amounts={t: int(values[f"amount_{t}"]) for t in SHARE_FIELD})
        learner.earned = {Tranche.ENROLLMENT: True, Tranche.COMPLETION: completed,
                          Tranche.CERTIFICATION: completed and bool(values["certified"]),
                          Tranche.EMPLOYMENT: False}
        found.append(learner)
    waiting = [x for x in found if x.earned[Tranche.COMPLETION] and x.run_end <= due]
    employed = employment_of([x.enrollment_id for x in waiting])
    for learner in waiting:
        if learner.enrollment_id in employed:
            learner.earned[Tranche.EMPLOYMENT] = True
            learner.employer = employed[learner.enrollment_id]
    return found


def employment_of(enrollment_ids: list[int]) -> dict[int, str]:
    """The declared input, asked in chunks: whoever provides it answers for the ids it is given."""
    answer: dict[int, str] = {}
    reader = inputs.read("employment")
    for start in range(0, len(enrollment_ids), 500):
        answer.update({int(k): str(v) for k, v in reader(enrollment_ids[start:start + 500]).items()})
    return answer


# ------------------------------------------------------------------------------------------- totals
def _sums(qs: QuerySet[Enrollment]) -> dict[str, Any]:
    def total(tranche: str, condition: Q | None) -> Coalesce:
        amount = F(f"amount_{tranche}")
        expr = Sum(Case(When(condition, then=amount), default=Value(0), output_field=BigIntegerField())) \
            if condition is not None else Sum(amount)
        return Coalesce(expr, Value(0), output_field=BigIntegerField())

    return {
        "n_enrollment": Coalesce(Sum(Value(1)), Value(0)),
        "n_completion": Coalesce(Sum("completed"), Value(0)),
        "n_certification": Coalesce(Sum(F("completed") * F("certified")), Value(0)),
        f"sum_{Tranche.ENROLLMENT}": total(Tranche.ENROLLMENT, None),
        f"sum_{Tranche.COMPLETION}": total(Tranche.COMPLETION, Q(completed=1)),
        f"sum_{Tranche.CERTIFICATION}": total(Tranche.CERTIFICATION, Q(completed=1, certified=1)),
    }


@dataclass
class Earned:
    """Earned amounts and learner counts per tranche, for a set of contracts (or per key of a grouping)."""

    amount: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHARE_FIELD, 0))
    learners: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHARE_FIELD, 0))

    @property
    def total(self) -> int:
        return sum(self.amount.values())


def earned_by(contracts: QuerySet[Contract], key: str = "contract_id", today: dt.date | None = None) -> dict[Any, Earned]:
    """Earned figures grouped by `key` (contract_id, or province_id: the contract's province), in SQL sums
    except employment, which is summed over the learners the input says are employed."""
    qs = counted(contracts)
    group = F(f"{LINK}__province_id") if key == "province_id" else F(LINK)
    result: dict[Any, Earned] = {}
    rows = qs.annotate(group=group).values("group").annotate(**_sums(qs)).order_by()
    for row in rows:
        e = result.setdefault(row["group"], Earned())
        for t in (Tranche.ENROLLMENT, Tranche.COMPLETION, Tranche.CERTIFICATION):
            e.amount[t] = int(row[f"sum_{t}"])
            e.learners[t] = int(row[f"n_{t}"])
    due = employment_due(today)
    waiting = list(qs.filter(completed=1, course_run__end_date__lte=due).annotate(group=group)  # type: ignore[misc]
                   .values_list("pk", "group", f"amount_{Tranche.EMPLOYMENT}").order_by())
    employed = employment_of([pk for pk, _g, _a in waiting])
    for pk, grp, amount in waiting:
        if pk in employed:
            e = result.setdefault(grp, Earned())
            e.amount[Tranche.EMPLOYMENT] += int(amount)
            e.learners[Tranche.EMPLOYMENT] += 1
    return result


def earned_total(contracts: QuerySet[Contract], today: dt.date | None = None) -> Earned:
    """The same figures for the whole set."""
    total = Earned()
    for part in earned_by(contracts, today=today).values():
        for t in SHARE_FIELD:
            total.amount[t] += part.amount[t]
            total.learners[t] += part.learners[t]
    return total


def by_enrollment(found: Iterable[Learner], tranche: str) -> dict[int, Learner]:
    return {x.enrollment_id: x for x in found if x.earned.get(tranche)}
