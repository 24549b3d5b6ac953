import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maharat.factories import make_unit
from maharat.org import selectors, services
from maharat.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_hq_and_31_provinces_are_installed_with_iso_codes() -> None:
    provinces = Unit.objects.filter(kind=UnitKind.PROVINCE)
    assert provinces.count() == 31
    qazvin = selectors.province_by_iso("ir-26")
    assert (qazvin.name, qazvin.name_en, qazvin.path) == ("قزوین", "Qazvin", "IR/IR-26/")
    assert set(provinces.values_list("parent__code", flat=True)) == {"IR"}
    assert Unit.objects.get(code="IR-22").coast == "gulf"


def build_small_tree(province: Unit) -> dict[str, Unit]:
    county = services.unit_create(kind=UnitKind.COUNTY, name="تاکستان", parent=province)
    center = services.unit_create(kind=UnitKind.FIXED_CENTER, name="مرکز ۱", parent=county)
    branch = services.unit_create(kind=UnitKind.URBAN_BRANCH, name="شعبه", parent=center)
    inst = services.unit_create(kind=UnitKind.FREE_INSTITUTE, name="آموزشگاه", parent=county, cluster="services")
    return {"county": county, "center": center, "branch": branch, "institute": inst}


def test_codes_paths_and_denormalised_levels(qazvin: Unit) -> None:
    t = build_small_tree(qazvin)
    assert t["county"].code == "IR-26-01"
    assert t["center"].code == "IR-26-01-C01"
    assert t["branch"].code == "IR-26-01-C01-B01"
    assert t["institute"].code == "IR-26-01-I0001"
    assert t["branch"].path == "IR/IR-26/IR-26-01/IR-26-01-C01/IR-26-01-C01-B01/"
    assert t["branch"].depth == 4
    assert t["branch"].province == qazvin and t["branch"].county == t["county"]
    assert [u.code for u in selectors.ancestors(t["branch"])] == ["IR", "IR-26", "IR-26-01", "IR-26-01-C01"]


def test_subtree_at_every_level_is_one_query(qazvin: Unit) -> None:
    t = build_small_tree(qazvin)
    other = build_small_tree(Unit.objects.get(code="IR-03"))
    expected = {
        "IR": Unit.objects.count(),
        qazvin.code: 5,
        t["county"].code: 4,
        t["center"].code: 2,
        t["branch"].code: 1,
    }
    for code, size in expected.items():
        unit = Unit.objects.get(code=code)
        with CaptureQueriesContext(connection) as ctx:
            members = list(selectors.subtree(unit))
        assert len(ctx.captured_queries) == 1
        assert len(members) == size
    assert other["center"] not in selectors.subtree(qazvin)


def test_shape_of_the_tree_is_enforced(qazvin: Unit) -> None:
    with pytest.raises(ValidationError) as exc:
        services.unit_create(kind=UnitKind.FIXED_CENTER, name="مرکز بی‌شهرستان", parent=qazvin)
    assert "parent" in exc.value.message_dict
    assert "شهرستان" in exc.value.message_dict["parent"][0]


def test_moving_a_center_moves_its_subtree(qazvin: Unit) -> None:
    t = build_small_tree(qazvin)
    other_county = services.unit_create(kind=UnitKind.COUNTY, name="آبیک", parent=qazvin)
    services.unit_move(unit=t["center"], new_parent=other_county)
    branch = Unit.objects.get(pk=t["branch"].pk)
    assert branch.path == f"IR/IR-26/{other_county.code}/IR-26-01-C01/IR-26-01-C01-B01/"
    assert branch.county == other_county
    assert branch in selectors.subtree(other_county)
    assert branch not in selectors.subtree(t["county"])


def test_moving_to_another_province_updates_province_of_descendants(qazvin: Unit) -> None:
    t = build_small_tree(qazvin)
    zanjan_county = services.unit_create(kind=UnitKind.COUNTY, name="ابهر", parent=Unit.objects.get(code="IR-19"))
    services.unit_move(unit=t["center"], new_parent=zanjan_county)
    assert Unit.objects.get(pk=t["branch"].pk).province.code == "IR-19"


def test_a_unit_cannot_move_under_itself(qazvin: Unit) -> None:
    t = build_small_tree(qazvin)
    with pytest.raises(ValidationError):
        services.unit_move(unit=t["center"], new_parent=t["branch"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index plans are checked on PostgreSQL, the production database")
def test_prefix_query_uses_the_path_index(qazvin: Unit) -> None:
    center = make_unit()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table would be scanned anyway; ask for the plan
        sql, params = selectors.subtree(center).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "unit_path_prefix" in plan
