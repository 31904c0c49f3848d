"""Fixtures of the website tests: the organisation slice and the page tree in fr/nl/en."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def site(db, seed_organisation):
    """``setup_site`` run on the factories' organisation; returns the organisation dict."""
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return seed_organisation


# Events (test_events_*.py): ``events_index`` and ``make_event``, in ``events_fixtures.py``.
from .events_fixtures import events_index, make_event  # noqa: E402, F401
