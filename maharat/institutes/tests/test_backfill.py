"""Institutes recorded before licensing get licences that cover every past course run (the migration)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps

from maharat.catalog.models import Cluster
from maharat.factories import TODAY, CourseRunFactory, StandardFactory, make_unit
from maharat.institutes import backfill, selectors
from maharat.institutes.models import Decision, DecisionKind, Licence, LicenceStatus
from maharat.org.models import Unit, UnitKind

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]


def test_every_past_run_stays_licensed_and_the_term_reaches_today() -> None:
    county = make_unit(UnitKind.COUNTY, parent=Unit.objects.get(code="IR-26"))
    old = make_unit(UnitKind.FREE_INSTITUTE, parent=county, cluster=Cluster.SERVICES,
                    established_on=dt.date(2005, 6, 1))
    runs = [CourseRunFactory(unit=old, standard=StandardFactory(cluster=cluster), start_date=start,
                             end_date=start + dt.timedelta(days=40))
            for cluster, start in ((Cluster.SERVICES, dt.date(2006, 1, 10)), (Cluster.ICT, dt.date(2019, 5, 1)),
                                   (Cluster.SERVICES, TODAY - dt.timedelta(days=10)))]
    young = make_unit(UnitKind.FREE_INSTITUTE, parent=county, cluster=Cluster.INDUSTRY)
    assert backfill.run(apps.get_model, TODAY) == 2
    assert backfill.run(apps.get_model, TODAY) == 0  # once only
    licence = Licence.objects.get(institute_id=old.pk)
    assert licence.issued_on == dt.date(2005, 6, 1) and licence.expires_on >= TODAY + dt.timedelta(days=30)
    assert sorted(licence.clusters) == sorted([Cluster.ICT, Cluster.SERVICES])
    for run in runs:
        assert selectors.why_not_licensed(old.pk, run.start_date, run.end_date) == ""
    decisions = list(Decision.objects.filter(licence=licence).order_by("decided_on").values_list("kind", flat=True))
    assert decisions[0] == DecisionKind.GRANT and set(decisions[1:]) == {DecisionKind.RENEW}
    assert len(decisions) == 5  # five terms from 1384 (2005): the last one runs past today
    fresh = Licence.objects.get(institute_id=young.pk)
    assert fresh.status == LicenceStatus.ACTIVE and fresh.clusters == [Cluster.INDUSTRY]
    assert len({licence.number, fresh.number}) == 2
