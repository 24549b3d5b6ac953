"""Evaluation meeting remarks: written by the province, audited like every write."""

from __future__ import annotations

from django.urls import reverse

from maharat.access.models import Account
from maharat.audit.models import AuditEntry
from maharat.common import jalali
from maharat.factories import make_unit
from maharat.org.models import Unit, UnitKind
from maharat.plans.models import EvaluationRemark


def test_a_remark_is_saved_audited_and_removed(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    qazvin = Unit.objects.get(code="IR-26")
    user = django_user_model.objects.create_user("qz-remark", password="remark-password-1")
    Account.objects.create(user=user, role="provincial_manager", unit=qazvin)
    center = make_unit(UnitKind.FIXED_CENTER)
    year = jalali.today().year
    client.force_login(user)
    url = f"{reverse('monitoring_evaluation', args=[qazvin.code])}?year={year}"
    client.post(url, {"unit": center.pk, "remark": "عقب‌ماندگی در شهریور؛ برنامه جبرانی"})
    remark = EvaluationRemark.objects.get(unit=center, year=year)
    assert remark.text == "عقب‌ماندگی در شهریور؛ برنامه جبرانی"
    created = AuditEntry.objects.get(content_type__model="evaluationremark", action="create")
    assert (created.username, created.unit_id) == ("qz-remark", center.pk)
    client.post(url, {"unit": center.pk, "remark": ""})
    assert not EvaluationRemark.objects.filter(unit=center).exists()
    assert AuditEntry.objects.filter(content_type__model="evaluationremark", action="delete").count() == 1
