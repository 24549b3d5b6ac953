"""What every page needs to know about the live figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def figures(request: HttpRequest) -> dict[str, Any]:
    """`figures_updating`: some summaries wait for the worker after a catalogue edit (summaries.refresh_stale);
    pages say so rather than show a figure that is about to change. Asked lazily: only pages that show it pay."""
    from django.utils.functional import SimpleLazyObject

    from .summaries import updating

    return {"figures_updating": SimpleLazyObject(lambda: _Flag(updating()))}


class _Flag:
    def __init__(self, value: bool) -> None:
        self.value = value

    def __bool__(self) -> bool:
        return self.value
