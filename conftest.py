"""Root fixtures: factories registered as pytest fixtures, shared data paths."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The ``../shared/data`` folder; tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED_DATA}")
    return SHARED_DATA
