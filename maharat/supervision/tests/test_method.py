"""The method HQ sets: checklist versions (a draft edited and published; a published version never changes) and
the risk weights (every change audited with its old and new values)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from maharat.audit.models import AuditEntry
from maharat.supervision.models import ChecklistItem, ChecklistVersion, RiskSettings
from maharat.supervision.services import checklist
from maharat.supervision.services import settings as weights
from maharat.supervision.services.checklist import ItemData

pytestmark = [pytest.mark.django_db, pytest.mark.unlicensed]

ITEM = ItemData(area="equipment", text="دستگاه جوش دارای ارت", article="ماده 60", weight=3, severity="critical")


def test_a_draft_copies_the_current_version_and_is_opened_once(world: dict[str, Any]) -> None:
    draft = checklist.open_draft(world["hq_planner"], "بازنگری ۱۴۰۶")
    assert (draft.number, draft.status, draft.items.count()) == (2, "draft", 17)
    assert checklist.open_draft(world["hq_planner"]) == draft
    first = ChecklistVersion.objects.get(number=1)
    assert first.items.count() == 17 and not set(first.items.all()) & set(draft.items.all())


def test_only_a_draft_is_edited_and_publishing_freezes_it(world: dict[str, Any]) -> None:
    planner = world["hq_planner"]
    published = ChecklistVersion.objects.get(number=1)
    with pytest.raises(ValidationError):
        checklist.save_item(planner, published, ITEM)
    with pytest.raises(ValidationError):
        checklist.remove_item(planner, published.items.first())
    draft = checklist.open_draft(planner)
    added = checklist.save_item(planner, draft, ITEM)
    assert added.order == 180  # after the last (170)
    checklist.remove_item(planner, draft.items.order_by("order").first())
    checklist.save_item(planner, draft, ItemData(area="fees", text="رسید شهریه به کارآموز داده می‌شود",
                                                 article="ماده 68", weight=2, severity="major"), added)
    assert draft.items.count() == 17 and ChecklistItem.objects.get(pk=added.pk).area == "fees"
    checklist.publish(planner, draft)
    with pytest.raises(ValidationError):
        checklist.save_item(planner, ChecklistVersion.objects.get(pk=draft.pk), ITEM)
    assert AuditEntry.objects.filter(content_type__model="checklistitem", action="delete").count() == 1


def test_an_empty_draft_is_not_published(world: dict[str, Any]) -> None:
    draft = checklist.open_draft(world["hq_planner"])
    draft.items.all().delete()
    with pytest.raises(ValidationError):
        checklist.publish(world["hq_planner"], draft)


@pytest.mark.parametrize("who", ["hq_viewer", "manager", "expert", "institute_manager", "head"])
def test_only_hqs_planner_changes_the_method(world: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        checklist.open_draft(world[who])
    draft = checklist.open_draft(world["hq_planner"])
    for write in (lambda: checklist.save_item(world[who], draft, ITEM), lambda: checklist.publish(world[who], draft),
                  lambda: checklist.remove_item(world[who], draft.items.first()),
                  lambda: weights.update(world[who], {"weight_minor": 2})):
        with pytest.raises(PermissionDenied):
            write()
    assert draft.items.count() == 17 and RiskSettings.objects.get().weight_minor == 1


def test_a_weight_change_is_audited_with_its_old_value(world: dict[str, Any]) -> None:
    weights.update(world["hq_planner"], {"weight_major": "4.5", "interval_grade_3": 4})
    saved = RiskSettings.objects.get()
    assert (str(saved.weight_major), saved.interval_grade_3, saved.updated_by) == ("4.50", 4, world["hq_planner"])
    entry = AuditEntry.objects.get(content_type__model="risksettings")
    assert entry.changes["weight_major"] == ["3.00", "4.50"] and entry.changes["interval_grade_3"] == [6, 4]


def test_the_pages_show_the_method_and_edit_it(world: dict[str, Any]) -> None:
    c = Client()
    c.force_login(world["hq_planner"])
    page = c.get(reverse("checklist_detail", args=[ChecklistVersion.objects.get(number=1).pk])).content.decode()
    assert "ماده ۳۴ آیین‌نامه" in page and "ایمنی کارگاه" in page and 'data-testid="publish"' not in page
    assert c.post(reverse("checklist_draft")).status_code == 302
    draft = ChecklistVersion.objects.get(status="draft")
    assert c.post(reverse("checklist_item_add", args=[draft.pk]), {
        "area": "premises", "text": "کپسول در راهرو", "article": "ماده ۶۰", "weight": "۲", "severity": "minor",
        "order": ""}).status_code == 302
    item = draft.items.get(text="کپسول در راهرو")
    assert c.post(reverse("checklist_item_edit", args=[draft.pk, item.pk]), {
        "area": "premises", "text": "کپسول در راهروی اصلی", "article": "ماده ۶۰", "weight": "۳", "severity": "minor",
        "order": "۵"}).status_code == 302
    assert ChecklistItem.objects.get(pk=item.pk).weight == 3
    assert c.post(reverse("checklist_item_remove", args=[draft.pk, item.pk])).status_code == 302
    assert c.post(reverse("checklist_publish", args=[draft.pk])).status_code == 302
    assert ChecklistVersion.objects.get(pk=draft.pk).status == "published"
    viewer = Client()
    viewer.force_login(world["expert"])
    assert 'data-testid="formula"' in viewer.get(reverse("risk_settings")).content.decode()
    assert viewer.post(reverse("checklist_publish", args=[draft.pk])).status_code == 403
