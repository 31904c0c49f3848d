"""Fixtures of the permits tests: a sanctions list is loaded before each database test, as in
production, where a proposal needs every party screened against the lists in force."""

from __future__ import annotations

from pathlib import Path

import pytest

NO_HIT_LIST = Path(__file__).parent / "data" / "no-hit-list.csv"


@pytest.fixture(autouse=True)
def _sanctions_list_loaded(request):  # type: ignore[no-untyped-def]
    """Load ``data/no-hit-list.csv`` (one invented entity that resembles no test party) as list
    ``test-list`` for every test that uses the database; tests that need their own list load
    it as well."""
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db:
        yield
        return
    request.getfixturevalue("transactional_db" if marker is not None and marker.kwargs.get("transaction") else "db")
    from brussels_international.screening.list_services import list_load

    list_load(source="test-list", path=NO_HIT_LIST)
    yield
