"""Monitoring's figures depend on the date (the current year's progress, open and locked months, which year a
course counts in): every test here runs on the same day, maharat.factories.TODAY, whatever the machine's clock."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _on_a_fixed_day(today):  # type: ignore[no-untyped-def]
    yield
