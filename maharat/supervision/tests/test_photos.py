"""Photos as evidence: the same file on two visits is flagged on both visits' pages and in the list's filter.
The attachments app stores each file as sent and keeps its SHA-256 (attachments.Attachment.sha256), so two
uploads of the very same photo are found by that digest; another visit outside the viewer's reach is counted,
never named, and the institute is shown no flag at all."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from maharat.attachments import services as attachments
from maharat.attachments.tests import files
from maharat.supervision import selectors

from .conftest import done

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]


def photo(colour: tuple[int, int, int] = (200, 120, 40), size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG, as a phone's camera gives (the same colour and size: the very same bytes)."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def attach(user: Any, visit: Any, data: bytes, name: str = "کارگاه.jpg") -> Any:
    return attachments.attach(user, visit, files.upload(name, data), title="عکس کارگاه")


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_same_photo_on_two_visits_is_flagged(world: dict[str, Any]) -> None:
    shot = photo()
    first, second, clean = (done(world, failing=1), done(world, where="neighbour", failing=0),
                            done(world, failing=0))
    a = attach(world["expert"], first, shot, "کپسول.jpg")
    b = attach(world["manager"], second, shot, "کپسول-دوباره.jpg")
    attach(world["expert"], clean, photo((201, 120, 40)))  # another photo: not flagged
    assert a.sha256 == b.sha256
    [on_first] = selectors.reused(world["expert"], first)
    assert on_first.attachment == a and on_first.seen == [second] and on_first.elsewhere == 0
    assert selectors.reused(world["expert"], clean) == []
    flagged = selectors.with_reused_photos(selectors.visits(world["expert"]))
    assert set(flagged) == {first, second}
    page = client_for(world["expert"]).get(first.get_absolute_url()).content.decode()
    assert 'data-testid="reused-photos"' in page and second.number in page
    listed = client_for(world["expert"]).get(reverse("visit_list"), {"reused": "yes"}).context["object_list"]
    assert set(listed) == {first, second}


def test_a_reuse_outside_ones_reach_is_counted_not_named(world: dict[str, Any]) -> None:
    shot = photo((10, 20, 30))
    mine = done(world, failing=0)
    far = done(world, by="other_expert", where="far", failing=0)
    attach(world["expert"], mine, shot)
    attach(world["other_expert"], far, shot)
    [reuse] = selectors.reused(world["expert"], mine)
    assert reuse.seen == [] and reuse.elsewhere == 1
    page = client_for(world["expert"]).get(mine.get_absolute_url()).content.decode()
    assert far.number not in page and "بیرون از حوزه شما" in page
    [national] = selectors.reused(world["hq_viewer"], mine)
    assert national.seen == [far] and national.elsewhere == 0


def test_the_institute_sees_its_evidence_but_no_flag(world: dict[str, Any]) -> None:
    shot = photo((90, 90, 90))
    first, second = done(world, failing=1), done(world, failing=0)
    attach(world["expert"], first, shot)
    attach(world["expert"], second, shot)
    c = client_for(world["institute_manager"])
    page = c.get(first.get_absolute_url()).content.decode()
    assert 'data-testid="reused-photos"' not in page and "عکس کارگاه" in page
    assert set(c.get(reverse("visit_list"), {"reused": "yes"}).context["object_list"]) == {first, second}


def test_a_closed_file_takes_no_more_evidence(world: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    from maharat.supervision.services import visits

    visit = done(world, failing=0)
    visit = visits.close_visit(world["expert"], visit)
    with pytest.raises(PermissionDenied):
        attach(world["expert"], visit, photo())
