"""The admin's list is the superusers' read-only view; a kind of record taking attachments must be scoped."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from maharat.attachments import checks, services

from . import files
from .conftest import _enable

pytestmark = pytest.mark.django_db


def test_superusers_read_the_list_and_nobody_edits_it(world: dict) -> None:
    a = services.attach(world["head"], world["run"], files.upload("r.pdf", files.real_pdf()))
    root = get_user_model().objects.create_superuser("root", password="attach-test-password")
    client = Client()
    client.force_login(root)
    assert client.get(reverse("admin:attachments_attachment_changelist")).status_code == 200
    change = reverse("admin:attachments_attachment_change", args=[a.pk])
    page = client.get(change)
    assert page.status_code == 200 and a.sha256 in page.content.decode()
    assert client.post(change, {"title": "changed"}).status_code == 403
    assert client.get(reverse("admin:attachments_attachment_add")).status_code == 403
    assert client.get(reverse("admin:attachments_attachment_delete", args=[a.pk])).status_code == 403


def test_staff_who_are_not_superusers_do_not_see_it(world: dict) -> None:
    staff: Any = world["hq_planner"]
    staff.is_staff = True
    staff.save()
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("admin:attachments_attachment_changelist")).status_code in (302, 403)


def test_enabling_a_model_the_permission_layer_cannot_scope_stops_start_up(db: Any) -> None:
    assert checks.attachments_are_private() == []
    gen = _enable(ContentType)
    next(gen)
    try:
        assert [e.id for e in checks.attachments_are_private()] == ["maharat.attachments.E002"]
    finally:
        next(gen, None)
    assert checks.attachments_are_private() == []
