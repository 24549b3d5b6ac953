"""Units for tests: created through org.services, as pages and imports create them (path, province, county)."""

from __future__ import annotations

from typing import Any

from maharat.catalog.models import Cluster
from maharat.org.models import Unit, UnitKind
from maharat.org.services import unit_create


def make_unit(kind: str = UnitKind.FIXED_CENTER, parent: Unit | None = None, name: str = "", **kw: Any) -> Unit:
    """A unit under Qazvin by default (a county is created when a center needs one).

    A function, not a DjangoModelFactory: a unit's place in the tree is derived by unit_create, which a
    plain model save would skip."""
    if parent is None:
        province = Unit.objects.get(code="IR-26")
        if kind == UnitKind.COUNTY:
            parent = province
        else:
            parent = Unit.objects.filter(parent=province, kind=UnitKind.COUNTY).first() or unit_create(
                kind=UnitKind.COUNTY, name="قزوین", parent=province
            )
    if kind == UnitKind.FREE_INSTITUTE:
        kw.setdefault("cluster", Cluster.SERVICES)
    return unit_create(kind=kind, name=name or f"واحد {kind}", parent=parent, **kw)


def unit_for_role(role: str, county: Unit) -> Unit:
    """Where an account of `role` sits in a test: HQ, Qazvin province, or a new unit of the right kind in
    `county` (the same places for every role-by-role test)."""
    if role.startswith("hq_"):
        return Unit.objects.get(code="IR")
    if role.startswith("provincial_"):
        return Unit.objects.get(code="IR-26")
    if role == "institute_manager":
        return make_unit(UnitKind.FREE_INSTITUTE, parent=county)
    if role == "partner_viewer":
        return make_unit(UnitKind.PARTNER, parent=county, partner_type="relief")
    return make_unit(UnitKind.FIXED_CENTER, parent=county)
