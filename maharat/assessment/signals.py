"""Drop cached verification verdicts when what they show changes (see verification.VERDICT_SECONDS)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from maharat.people.models import Trainee

from .models import Certificate
from .verification import verdict_key


@receiver(post_save, sender=Certificate)
@receiver(post_delete, sender=Certificate)
def certificate_changed(sender: type, instance: Certificate, **kwargs: Any) -> None:
    cache.delete(verdict_key(instance.serial))


@receiver(post_save, sender=Trainee)
def holder_changed(sender: type, instance: Trainee, created: bool, **kwargs: Any) -> None:
    if not created:
        serials = Certificate.objects.filter(trainee=instance).values_list("serial", flat=True)
        cache.delete_many([verdict_key(s) for s in serials])
