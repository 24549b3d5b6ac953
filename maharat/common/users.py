"""The user types the code passes around (django-stubs types `request.user` as `User | AnonymousUser`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:  # importing auth.models at run time needs the app registry ready
    from django.contrib.auth.models import AnonymousUser, User

AnyUser: TypeAlias = "User | AnonymousUser"  # what request.user is
MaybeUser: TypeAlias = "User | AnonymousUser | None"  # permission checks; commands and the demo pass None
StoredUser: TypeAlias = "User | None"  # whoever is written into a foreign key (None: the system)


class SignedInRequest(HttpRequest):
    """A request behind login_required: its user is a stored account."""

    user: User
