"""Evidence: the owner attaches its documents to an open item and says it is done; an outsider's upload is
answered 404 (as for an item that does not exist) and stores nothing; once submitted, the evidence stands
as it was until the level above decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from maharat.attachments.models import Attachment
from maharat.attachments.tests import files
from maharat.followup import services
from maharat.followup.models import FollowUp

pytestmark = pytest.mark.django_db


def upload(client: Any, item: FollowUp, name: str = "عکس کپسول نصب شده.pdf") -> int:
    url = reverse("attachment_upload", args=["followup.followup", item.pk])
    # A different document each time (the same file twice on one record is refused as a duplicate).
    data = files.pdf(body=b"/Title (" + name.encode() + b")")
    return client.post(url, {"attachment-file": files.upload(name, data)}).status_code


def stored() -> list[Path]:
    root = Path(settings.ATTACHMENTS_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_owner_attaches_its_evidence_and_sees_it_on_the_page(client: Any, world: dict[str, Any],
                                                                 items: dict[str, FollowUp]) -> None:
    item = items["mine"]
    client.force_login(world["head"])
    assert upload(client, item) == 302
    attached = Attachment.objects.get(object_id=item.pk)
    assert attached.original_name == "عکس کپسول نصب شده.pdf" and attached.uploaded_by == world["head"]
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'data-testid="attachments"' in page and "عکس کپسول نصب شده" in page
    client.force_login(world["manager"])  # the level above reads it, and may add its own while it is open
    assert client.get(reverse("attachment_download", args=[attached.pk])).status_code == 200
    assert upload(client, item, "صورتجلسه بازدید.pdf") == 302
    assert Attachment.objects.filter(object_id=item.pk).count() == 2


@pytest.mark.parametrize("outsider", ["neighbour_head", "branch_head", "far_head", "other_manager", "trainer",
                                      "institute_manager", "partner_viewer", "hq_viewer"])
def test_an_outsiders_upload_is_404_and_stores_nothing(client: Any, world: dict[str, Any],
                                                       items: dict[str, FollowUp], outsider: str) -> None:
    client.force_login(world[outsider])
    assert upload(client, items["mine"]) == 404
    assert not Attachment.objects.exists() and stored() == []


def test_once_submitted_the_evidence_stands_until_it_is_decided(client: Any, world: dict[str, Any],
                                                                items: dict[str, FollowUp]) -> None:
    item = items["mine"]
    client.force_login(world["head"])
    assert upload(client, item) == 302
    services.respond(world["head"], item, "کپسول نصب شد؛ عکس پیوست است")
    assert upload(client, item, "دیگری.pdf") == 404
    attached = Attachment.objects.get()
    assert client.post(reverse("attachment_remove", args=[attached.pk])).status_code == 404
    client.force_login(world["expert"])
    assert upload(client, item, "دیگری.pdf") == 404
    assert Attachment.objects.filter(removed_at=None).count() == 1
    services.reject(world["manager"], item, "عکس خوانا نیست")  # open again: the owner may add more
    client.force_login(world["head"])
    assert upload(client, item, "عکس خوانا.pdf") == 302
    assert Attachment.objects.filter(removed_at=None).count() == 2
