"""SMS to trainees only with their consent; they stop it by reply (notify's hook) or at the desk, on their page
(issue 17). Who may press the button is who may change the trainee."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from maharat.access.models import Account
from maharat.factories import TraineeFactory, make_unit
from maharat.notify.models import SmsMessage
from maharat.notify.sms import is_opted_out
from maharat.org.models import Unit, UnitKind
from maharat.people.sms import send_to_trainee

pytestmark = pytest.mark.django_db


def _user(django_user_model, role: str, unit: Unit, name: str):  # type: ignore[no-untyped-def]
    user = django_user_model.objects.create_user(name, password="sms-consent-pass-1")
    Account.objects.create(user=user, role=role, unit=unit)
    return user


def test_nothing_is_sent_without_consent_nor_after_an_opt_out(settings, tmp_path, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_OUTBOX = tmp_path
    silent = TraineeFactory(mobile="09121110000", sms_consent=False)
    willing = TraineeFactory(mobile="09121110001", sms_consent=True)
    with django_capture_on_commit_callbacks(execute=True):
        refused = send_to_trainee(silent, "یادآوری آزمون", key="exam", purpose="exam")
        sent = send_to_trainee(willing, "یادآوری آزمون", key="exam", purpose="exam")
        again = send_to_trainee(willing, "یادآوری آزمون", key="exam", purpose="exam")
    assert refused.status == "refused_no_consent"
    assert sent.pk == again.pk and SmsMessage.objects.filter(phone="09121110001").count() == 1
    lines = [json.loads(x) for x in (tmp_path / "outbox.jsonl").read_text().splitlines()]
    assert [x["phone"] for x in lines] == ["09121110001"]


def test_the_desk_stops_and_resumes_sms_and_outsiders_cannot(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    center = make_unit(UnitKind.FIXED_CENTER, name="مرکز پیامک")
    trainee = TraineeFactory(mobile="09121110002", sms_consent=True, registered_unit=center)
    head = _user(django_user_model, "center_head", center, "sms-head")
    other = _user(django_user_model, "center_head", make_unit(UnitKind.FIXED_CENTER, name="مرکز دیگر"), "sms-other")
    viewer = _user(django_user_model, "hq_viewer", Unit.objects.get(code="IR"), "sms-viewer")
    url = reverse("trainee_sms", args=[trainee.pk])
    client.force_login(other)
    assert client.post(url, {"stop": "1"}).status_code == 404  # not in its scope: not found
    client.force_login(viewer)
    assert client.post(url, {"stop": "1"}).status_code == 403  # sees the trainee, may not change them
    assert not is_opted_out(trainee.mobile)
    client.force_login(head)
    page = client.get(reverse("trainee_detail", args=[trainee.pk])).content.decode()
    assert 'data-testid="trainee-sms"' in page and "رضایت داده است" in page
    assert client.post(url, {"stop": "1"}).status_code == 302
    assert is_opted_out(trainee.mobile)
    assert "انصراف داده است" in client.get(reverse("trainee_detail", args=[trainee.pk])).content.decode()
    client.post(url, {"stop": "0"})
    assert not is_opted_out(trainee.mobile)


def test_resuming_needs_consent_on_the_record(client, django_user_model) -> None:  # type: ignore[no-untyped-def]
    center = make_unit(UnitKind.FIXED_CENTER, name="مرکز رضایت")
    trainee = TraineeFactory(mobile="09121110003", sms_consent=False, registered_unit=center)
    head = _user(django_user_model, "center_head", center, "consent-head")
    client.force_login(head)
    client.post(reverse("trainee_sms", args=[trainee.pk]), {"stop": "1"})
    assert is_opted_out(trainee.mobile)
    response = client.post(reverse("trainee_sms", args=[trainee.pk]), {"stop": "0"}, follow=True)
    assert is_opted_out(trainee.mobile) and "رضایت کارآموز" in response.content.decode()
