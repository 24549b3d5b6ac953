"""The demo's supervision (demo.build) on a small Qazvin with the demo's accounts: every state a province's desk
meets, reached through the services, and nothing built twice."""

from __future__ import annotations

from typing import Any

import pytest

from maharat.access.models import Account
from maharat.catalog.models import Cluster
from maharat.factories import TODAY, make_unit
from maharat.institutes.factories import license_unit
from maharat.org.models import Unit, UnitKind
from maharat.supervision import demo, selectors
from maharat.supervision.models import Complaint, SanctionProposal, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]


@pytest.fixture
def qazvin_demo(db: Any, django_user_model: Any) -> dict[str, Any]:
    hq, qazvin = Unit.objects.get(code="IR"), Unit.objects.get(code="IR-26")
    county = make_unit(UnitKind.COUNTY, parent=qazvin, name="شهرستان قزوین")
    institutes = [make_unit(UnitKind.FREE_INSTITUTE, parent=county, name=f"آموزشگاه {i}", cluster=Cluster.SERVICES)
                  for i in range(24)]
    for unit in institutes:
        license_unit(unit)
    people = {}
    for name, role, unit in (("qazvin_manager", "provincial_manager", qazvin), ("qazvin_expert", "provincial_expert",
                             qazvin), ("institute_manager", "institute_manager", institutes[0]),
                             ("hq_planner", "hq_planner", hq)):
        people[name] = django_user_model.objects.create_user(name, password="demo-test-password")
        Account.objects.create(user=people[name], role=role, unit=unit)
    return {"own": institutes[0], **people}


def test_the_demo_builds_every_state_once(qazvin_demo: dict[str, Any]) -> None:
    demo.build(TODAY)
    statuses = sorted(Visit.objects.values_list("status", flat=True))
    assert statuses == ["cancelled", "closed", "done", "done", "planned", "planned", "planned"]
    assert Visit.objects.filter(follow_up_of__isnull=False, status="planned").count() == 1
    assert sorted(Complaint.objects.values_list("status", flat=True)) == ["answered", "in_progress", "received",
                                                                         "rejected"]
    proposal = SanctionProposal.objects.get()
    assert proposal.status == "pending" and proposal.findings.count() == 2 and proposal.kind == "warning"
    own = selectors.visits(qazvin_demo["institute_manager"])
    assert [v.status for v in own] == ["done"]  # its own visit; the hidden and the others' are not its to see
    mine = own.get()
    assert [f.followup.status for f in mine.findings.order_by("seq")] == ["submitted", "open"]
    assert selectors.complaints(qazvin_demo["institute_manager"]).get().status == "answered"
    demo.build(TODAY)
    assert Visit.objects.count() == 7 and Complaint.objects.count() == 4
