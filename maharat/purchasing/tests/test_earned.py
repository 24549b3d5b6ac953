"""Tranches follow from the records, nobody enters them: enrollments, completions, certificates and
employment three months after the end; the cap (first by enrollment time); premiums per learner; which runs
count (the contract's institute, standards and dates, checked again at every computation); target groups;
and employment read through the one declared input. Every amount below is worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from maharat.kit import inputs
from maharat.people.models import TargetGroup
from maharat.purchasing import earned, selectors, services
from maharat.purchasing.models import Contract
from maharat.training.models import Enrollment

from .conftest import certify, enroll, make_contract, run_of, signed

pytestmark = pytest.mark.django_db
PRICE = 100_000_000  # 30% = 30,000,000; 20% = 20,000,000


def by_id(contract: Contract) -> dict[int, earned.Learner]:
    return {x.enrollment_id: x for x in selectors.learners_of(contract)}


def test_each_tranche_follows_its_record(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=PRICE))
    run = run_of(contract, link=world["expert"], start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 1))
    enrolled, = enroll(run, 1, status="enrolled")
    dropped, = enroll(run, 1, status="dropped")
    completed, certified = enroll(run, 2)
    certify(certified)
    found = by_id(contract)
    assert {pk: [t for t, yes in x.earned.items() if yes] for pk, x in found.items()} == {
        enrolled.pk: ["enrollment"], dropped.pk: ["enrollment"], completed.pk: ["enrollment", "completion"],
        certified.pk: ["enrollment", "completion", "certification"]}
    assert selectors.contract_figures(contract).earned == {
        "enrollment": 4 * 30_000_000, "completion": 2 * 30_000_000, "certification": 20_000_000, "employment": 0}
    # Completing later is enough: nothing is typed into the contract.
    Enrollment.objects.filter(pk=enrolled.pk).update(status="completed", hours_attended=120)
    assert selectors.contract_figures(contract).earned["completion"] == 3 * 30_000_000


def test_a_certificate_counts_only_valid_in_the_runs_standard_and_after_its_start(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=PRICE, standards=[world["welding"], world["turning"]]))
    run = run_of(contract, link=world["expert"])
    suspended, early, revoked, good = enroll(run, 4)
    certify(suspended, status="suspended")
    certify(early, on=run.start_date - dt.timedelta(days=1))  # held before the course: not its outcome
    certify(revoked, status="revoked")
    certify(good)
    assert [pk for pk, x in by_id(contract).items() if x.earned["certification"]] == [good.pk]


def test_certified_but_not_completed_earns_no_certification(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=PRICE))
    dropped, = enroll(run_of(contract, link=world["expert"]), 1, status="dropped")
    certify(dropped)
    assert by_id(contract)[dropped.pk].earned["certification"] is False


def test_the_cap_counts_the_first_enrolled(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, trainees=3, price=PRICE))
    run = run_of(contract, link=world["expert"])
    people = enroll(run, 5)
    base = timezone.now()
    # Enrolled in this order: 4, 2, 0, 3, 1 (the ids say nothing about it).
    for minutes, e in zip((30, 10, 50, 40, 20), people, strict=True):
        Enrollment.objects.filter(pk=e.pk).update(enrolled_at=base - dt.timedelta(minutes=minutes))
    found = by_id(contract)
    assert sorted(found) == sorted([people[2].pk, people[3].pk, people[0].pk])
    assert [found[p.pk].place for p in (people[2], people[3], people[0])] == [1, 2, 3]
    assert selectors.contract_figures(contract).learners["enrollment"] == 3
    # One of the three leaves the records: the next in line takes the place.
    Enrollment.objects.filter(pk=people[3].pk).delete()
    assert sorted(by_id(contract)) == sorted([people[2].pk, people[0].pk, people[4].pk])


def test_the_cap_is_per_contract_across_its_runs(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, trainees=4, price=PRICE))
    first = run_of(contract, link=world["expert"])
    second = run_of(contract, link=world["expert"], start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 1))
    enroll(first, 3)
    enroll(second, 3)
    assert len(by_id(contract)) == 4


def test_premiums_per_learner_and_added_together(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=PRICE, premium_rural=10, premium_nomad=20, premium_women=5,
                                           premium_disability=15))
    plain_run = run_of(contract, link=world["expert"])
    rural_run = run_of(contract, link=world["expert"], mode="rural_mobile", start=dt.date(2026, 7, 1))
    nomad_run = run_of(contract, link=world["expert"], mode="nomad_mobile", start=dt.date(2026, 7, 2))
    man, = enroll(plain_run, 1, sex="M")
    woman, = enroll(plain_run, 1, sex="F")
    villager, = enroll(plain_run, 1, sex="M", residence="rural")
    disabled_woman, = enroll(plain_run, 1, sex="F", has_disability=True)
    rural_team, = enroll(rural_run, 1, sex="M")
    nomad_woman, = enroll(nomad_run, 1, sex="F", residence="nomad")
    found = by_id(contract)
    # premium %: by hand, from the categories each learner is in
    expected = {man.pk: 0, woman.pk: 5, villager.pk: 10, disabled_woman.pk: 20, rural_team.pk: 10,
                nomad_woman.pk: 25}
    assert {pk: x.premium for pk, x in found.items()} == expected
    # enrollment tranche: 30,000,000 × (100 + premium) / 100
    assert {pk: x.amounts["enrollment"] for pk, x in found.items()} == {
        man.pk: 30_000_000, woman.pk: 31_500_000, villager.pk: 33_000_000, disabled_woman.pk: 36_000_000,
        rural_team.pk: 33_000_000, nomad_woman.pk: 37_500_000}
    assert found[disabled_woman.pk].categories == ["woman", "disabled"]
    assert selectors.contract_figures(contract).earned["enrollment"] == 201_000_000


def test_amounts_round_down_to_the_rial(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=333, premium_women=7))
    woman, = enroll(run_of(contract, link=world["expert"]), 1, sex="F")
    # 333 × 30 × 107 / 10000 = 106.893 -> 106
    assert by_id(contract)[woman.pk].amounts["enrollment"] == 106


def test_only_runs_still_bought_count(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=PRICE))
    run = run_of(contract, link=world["expert"])
    unlisted = run_of(contract)  # never listed on the contract
    listed, = enroll(run, 1)
    enroll(unlisted, 1)
    assert list(by_id(contract)) == [listed.pk]
    # The run is moved to another institute, or out of the contract's dates, in training: it stops counting.
    type(run).objects.filter(pk=run.pk).update(unit=world["neighbour"])
    assert by_id(contract) == {}
    type(run).objects.filter(pk=run.pk).update(unit=world["institute"], start_date=dt.date(2027, 4, 1),
                                               end_date=dt.date(2027, 5, 1))
    assert by_id(contract) == {}
    type(run).objects.filter(pk=run.pk).update(start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 8, 1))
    assert list(by_id(contract)) == [listed.pk]


def test_target_groups_narrow_who_counts(world: dict[str, Any]) -> None:
    women_heads = TargetGroup.objects.order_by("order")[0]
    other_group = TargetGroup.objects.order_by("order")[1]
    contract = signed(world, make_contract(world, price=PRICE, target_groups=[women_heads]))
    run = run_of(contract, link=world["expert"])
    member, outsider, other = enroll(run, 3)
    member.trainee.target_groups.add(women_heads, other_group)
    other.trainee.target_groups.add(other_group)
    assert list(by_id(contract)) == [member.pk]
    assert outsider.pk not in by_id(contract)


def test_employment_waits_three_months_and_reads_the_declared_input(world: dict[str, Any]) -> None:
    contract = signed(world, make_contract(world, price=PRICE))
    ended_long_ago = run_of(contract, link=world["expert"], start=dt.date(2026, 4, 1), end=dt.date(2026, 8, 24))
    ended_lately = run_of(contract, link=world["expert"], start=dt.date(2026, 5, 1), end=dt.date(2026, 8, 25))
    old, = enroll(ended_long_ago, 1)
    new, = enroll(ended_lately, 1)
    asked: list[list[int]] = []

    def tracing(ids: list[int]) -> dict[int, str]:
        asked.append(sorted(ids))
        return dict.fromkeys(ids, "بیمه تأمین اجتماعی")

    inputs.provide("employment", tracing, by="a test")
    try:
        found = by_id(contract)
        # 2026-08-24 + 90 days = 2026-11-22 (today): due; a day later: not yet, and not even asked.
        assert found[old.pk].earned["employment"] and not found[new.pk].earned["employment"]
        assert asked == [[old.pk]] and found[old.pk].employer == "بیمه تأمین اجتماعی"
        assert selectors.contract_figures(contract).earned["employment"] == 20_000_000
    finally:
        inputs.withdraw("employment")
    assert not by_id(contract)[old.pk].earned["employment"]  # the default: no evidence entered


def test_employment_evidence_counts_with_its_document_and_covering_the_day(world: dict[str, Any]) -> None:
    from maharat.attachments.tests.files import real_pdf, upload

    contract = signed(world, make_contract(world, price=PRICE))
    run = run_of(contract, link=world["expert"], start=dt.date(2026, 3, 25), end=dt.date(2026, 5, 1))
    covered, left_early, no_file = enroll(run, 3)
    day = dt.date(2026, 5, 1) + dt.timedelta(days=90)  # 2026-07-30
    services.add_evidence(world["expert"], enrollment=covered, employer="کارخانه", from_date=dt.date(2026, 5, 10),
                          document=upload("a.pdf", real_pdf()))
    services.add_evidence(world["expert"], enrollment=left_early, employer="کارگاه", from_date=dt.date(2026, 5, 10),
                          to_date=day - dt.timedelta(days=1), document=upload("b.pdf", real_pdf()))
    bare = services.add_evidence(world["expert"], enrollment=no_file, employer="فروشگاه",
                                 from_date=dt.date(2026, 5, 10), document=upload("c.pdf", real_pdf()))
    from maharat.attachments.models import Attachment

    Attachment.objects.filter(object_id=bare.pk).update(removed_at=timezone.now())
    found = by_id(contract)
    assert [pk for pk, x in found.items() if x.earned["employment"]] == [covered.pk]
    assert found[covered.pk].employer == "کارخانه"


def test_a_draft_or_cancelled_contract_earns_nothing_in_the_figures(world: dict[str, Any]) -> None:
    draft = make_contract(world, price=PRICE)
    enroll(run_of(draft, link=world["expert"]), 2)
    assert len(by_id(draft)) == 2  # the draft's page previews them
    assert selectors.contract_figures(draft).earned["enrollment"] == 0
    assert selectors.contract_figures(draft).committed == 0
    services.cancel(world["manager"], draft, "دیگر لازم نیست")
    assert selectors.figures(Contract.objects.all()).total("earned") == 0
