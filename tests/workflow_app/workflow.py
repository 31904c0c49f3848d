"""The status graph of the test dossier (the shape every case app's ``workflow.py`` takes)."""

from __future__ import annotations

from typing import Any

from brussels_international.core.workflow import Transition

from .models import DemoStatus


def not_own_dossier(obj: Any, actor: Any) -> str | None:
    """Four eyes: the user who submitted cannot approve."""
    if actor is not None and obj.submitted_by_id == actor.pk:
        return "The person who submitted cannot approve."
    return None


TRANSITIONS = (
    Transition(DemoStatus.DRAFT, DemoStatus.SUBMITTED, "workflow_app.submit_demodossier", label="Submit"),
    Transition(DemoStatus.SUBMITTED, DemoStatus.APPROVED, "workflow_app.approve_demodossier", not_own_dossier),
    Transition(DemoStatus.APPROVED, DemoStatus.CLOSED, None, label="Close (system)"),
)
