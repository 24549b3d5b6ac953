import pytest
from django.db import connection

from maharat.factories import TraineeFactory
from maharat.people.models import Trainee
from maharat.people.selectors import person_search

pytestmark = pytest.mark.django_db


def test_name_fragments_and_codes() -> None:
    TraineeFactory(first_name="زهرا", last_name="احمدی‌نژاد", national_code="0499370899")
    TraineeFactory(first_name="مریم", last_name="کاظمی")
    assert [t.first_name for t in person_search(Trainee.objects.all(), "زهرا احمد")] == ["زهرا"]
    assert person_search(Trainee.objects.all(), "499370899").get().first_name == "زهرا"  # the lost zero restored
    assert person_search(Trainee.objects.all(), "0499").count() == 1  # a prefix of the code


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_name_search_can_use_the_trigram_index() -> None:
    TraineeFactory()
    with connection.cursor() as cursor:
        # A tiny table would be scanned anyway; rule out the scans to see which index the planner can use.
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET enable_indexscan = off")
        sql, params = person_search(Trainee.objects.order_by(), "احمد").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    assert "_trgm" in plan
