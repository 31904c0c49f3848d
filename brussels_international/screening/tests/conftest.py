"""Fixtures of the screening tests: a small invented list loaded through the real services."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def demo_list(db):  # type: ignore[no-untyped-def]
    """The invented generic list ``tests/data/generic-sample.csv`` loaded as list ``national``
    (Ivan PETROV, Baltic Dual Use Trading OU, SEA FALCON), with the candidate index built."""
    from brussels_international.screening.list_services import list_load

    return list_load(source="national", path=DATA / "generic-sample.csv")
