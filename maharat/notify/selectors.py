"""Reads of the inbox: always one user's own messages."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from .models import Notification


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's messages: unread first, each group newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return (Notification.objects.filter(recipient=user).annotate(unread=unread)
            .order_by("-unread", "-created_at", "-pk"))


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
