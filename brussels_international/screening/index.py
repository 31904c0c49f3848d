"""The candidate index of the active list versions (filled in by the matcher work)."""

from __future__ import annotations


def index_rebuild() -> None:
    """Build the candidate index of every active list version and store it (placeholder)."""
