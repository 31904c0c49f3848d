"""Fixtures of the website tests: the organisation slice and the page tree in fr/nl/en."""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture
def site(db, seed_organisation):
    """``setup_site`` run on the factories' organisation; returns the organisation dict."""
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return seed_organisation


@pytest.fixture
def blog(site):  # type: ignore[no-untyped-def]
    """The blog index pages of ``setup_site`` by language, ``{"fr": ..., "nl": ..., "en": ...}``
    (``setup_site`` also creates the reference categories and the "Blog review" workflow)."""
    from brussels_international.website.models import BlogIndexPage

    return {index.locale.language_code: index for index in BlogIndexPage.objects.select_related("locale")}


# Events (test_events_*.py): ``events_index`` and ``make_event``, in ``events_fixtures.py``.
from .events_fixtures import events_index, make_event  # noqa: E402, F401
