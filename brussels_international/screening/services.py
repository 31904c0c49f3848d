"""Screening services: screen a party, record hits, review them, re-screen after a list change."""

from __future__ import annotations


def rescreen_after_list_change(*, version_id: int) -> None:
    """Queue the re-screening of the parties of all active licences after *version_id* became
    active (placeholder until the screening service lands)."""
