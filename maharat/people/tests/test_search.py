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
        sql, params = person_search(Trainee.objects.order_by(), "زهرا احمد").query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    # Both words in one scan of the full-name index (people/migrations/0005), not a bitmap per word.
    assert plan.count("Bitmap Index Scan on people_trainee_full_name_trgm") == 1, plan
    assert "BitmapAnd" not in plan and "BitmapOr" not in plan, plan


def test_a_word_matches_either_name_but_never_across_them() -> None:
    TraineeFactory(first_name="علی", last_name="رضایی")
    TraineeFactory(first_name="رضا", last_name="علوی")
    names = lambda q: sorted(t.last_name for t in person_search(Trainee.objects.all(), q))  # noqa: E731
    assert names("رضا") == ["رضایی", "علوی"]  # a first name in one, part of a last name in the other
    assert names("علی رضا") == ["رضایی"]  # both words, in either name
    assert names("علی_") == [] and names("%") == []  # LIKE wildcards typed by a user are plain characters
