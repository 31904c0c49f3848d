"""The status graph of a newsletter campaign (``core.workflow``)::

    draft → scheduled → sending → sent
    scheduled → draft                 (unscheduled, to change it)
    draft, scheduled → cancelled
    sending → cancelled               (stopped: deliveries not yet made are not made)

``newsletter.send_campaign`` (the Communication group) schedules, unschedules and cancels;
``scheduled → sending → sent`` are system moves made by the sending task.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from brussels_international.core.workflow import Transition

from .models import CampaignStatus as S

SEND = "newsletter.send_campaign"

TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.DRAFT, S.SCHEDULED, SEND, label=gettext_lazy("Schedule")),
    Transition(S.SCHEDULED, S.DRAFT, SEND, label=gettext_lazy("Unschedule")),
    Transition(S.DRAFT, S.CANCELLED, SEND, label=gettext_lazy("Cancel")),
    Transition(S.SCHEDULED, S.CANCELLED, SEND, label=gettext_lazy("Cancel")),
    Transition(S.SENDING, S.CANCELLED, SEND, label=gettext_lazy("Stop sending")),
    Transition(S.SCHEDULED, S.SENDING, None),
    Transition(S.SENDING, S.SENT, None),
)
