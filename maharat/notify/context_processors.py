"""The inbox badge of the navigation bar: the signed-in user's unread count, one COUNT per page that shows it."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest


class Badge:
    """Counted when a template first asks (a page without the navigation, an htmx fragment, pays nothing)."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        from .selectors import unread_count

        return unread_count(self.user)


def inbox(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}  # no query for a visitor
    return {"inbox": Badge(user)}
