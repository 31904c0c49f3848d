"""Background tasks of the newsletter: start a scheduled campaign, send it chunk by chunk, resume.

- :func:`start_campaign` runs at the campaign's ``scheduled_for`` (``run_after``): it makes the
  deliveries (:func:`~newsletter.campaign_services.campaign_start`) and queues the first chunk.
- :func:`send_campaign_chunk` takes the campaign's lease, first queues its own continuation for when
  the lease ends (``enqueue_once``: if this worker dies, that run resumes the campaign), sends for
  ``NEWSLETTER_CHUNK_SECONDS`` (:func:`~newsletter.sending.send_chunk`), gives the lease back, then
  queues the next chunk at once when deliveries still wait, or marks the campaign sent. After a lost
  SMTP connection, or when the only deliveries left were deferred by a 4xx answer, the continuation
  waits until the lease's end (chunk length + grace, :func:`~newsletter.sending.lease_grace_seconds`)
  before trying again.
- :func:`schedule_campaign_sending`, run by ``manage.py schedule_tasks`` at every start (registered in
  ``NewsletterConfig.ready``), queues again the start of scheduled campaigns and the continuation of
  campaigns left ``sending`` (a worker restarted after a crash).

Tasks are idempotent: a chunk without the lease does nothing, a start of a campaign that is no longer
scheduled does nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from brussels_international.core.background import enqueue_once

from . import campaign_services, sending
from .models import Campaign, CampaignStatus

logger = logging.getLogger(__name__)


@task()
def start_campaign(campaign_id: int) -> int | None:
    """Start sending campaign *campaign_id* if it is scheduled and its time has come.

    Returns:
        The number of deliveries made, or ``None`` (not scheduled any more, or too early: then the
        start is queued again for ``scheduled_for``, which may have changed since this run was queued).
    """
    made = campaign_services.campaign_start(campaign_id=campaign_id)
    if made is None:
        campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SCHEDULED).first()
        if campaign is not None and campaign.scheduled_for and start_campaign.get_backend().supports_defer:
            queue_campaign_start(campaign_id, campaign.scheduled_for)
    return made


@task()
def send_campaign_chunk(campaign_id: int) -> dict[str, Any]:
    """One sending chunk of campaign *campaign_id* (see the module's description).

    Returns:
        ``{"sent": n, "failed": n, "stopped": reason}`` (reasons: :class:`~newsletter.sending.ChunkResult`;
        ``"deferred"`` and ``"connection"`` leave the retry to the continuation at the lease's end), or
        ``{"stopped": "busy"}`` when another chunk holds the lease or the campaign is not being sent.
    """
    seconds = sending.chunk_seconds()
    lease = sending.lease_take(campaign_id, now=timezone.now(), seconds=seconds + sending.lease_grace_seconds())
    if lease is None:
        return {"stopped": "busy"}
    # The safety net first: if this process dies, this run takes over when the lease ends.
    if send_campaign_chunk.get_backend().supports_defer:
        enqueue_once(send_campaign_chunk, run_after=lease, args=[campaign_id])
    try:
        result = sending.send_chunk(campaign_id, lease_until=lease, seconds=seconds)
    finally:
        sending.lease_release(campaign_id, lease)
    if result.stopped == "done":
        campaign_services.campaign_finish(campaign_id=campaign_id)
    elif result.stopped == "time":
        queue_campaign_chunk(campaign_id)
    return {"sent": result.sent, "failed": result.failed, "stopped": result.stopped}


def queue_campaign_start(campaign_id: int, when: dt.datetime) -> None:
    """Queue :func:`start_campaign` for *when* (once); a backend that cannot wait runs it now."""
    if start_campaign.get_backend().supports_defer:
        enqueue_once(start_campaign, run_after=when, args=[campaign_id])
    else:
        start_campaign.enqueue(campaign_id)


def queue_campaign_chunk(campaign_id: int, when: dt.datetime | None = None) -> None:
    """Queue a :func:`send_campaign_chunk` for *when* (default now); a backend that cannot wait runs it now."""
    if send_campaign_chunk.get_backend().supports_defer:
        enqueue_once(send_campaign_chunk, run_after=when or timezone.now(), args=[campaign_id])
    else:
        send_campaign_chunk.enqueue(campaign_id)


def schedule_campaign_sending() -> DBTaskResult | None:
    """Queue again what a restarted worker must do (idempotent): the start of every scheduled campaign
    at its ``scheduled_for``, and a chunk of every campaign left ``sending`` (at the end of its lease
    when a lease is still held, else now).

    Returns:
        The last task queued, or ``None`` when nothing was queued (nothing to do, already queued, or a
        backend that cannot wait).
    """
    if not send_campaign_chunk.get_backend().supports_defer:
        return None
    now = timezone.now()
    last: DBTaskResult | None = None
    for campaign in Campaign.objects.filter(status__in=[CampaignStatus.SCHEDULED, CampaignStatus.SENDING]):
        if campaign.status == CampaignStatus.SCHEDULED:
            queued = enqueue_once(start_campaign, run_after=campaign.scheduled_for or now, args=[campaign.pk])
        else:
            lease = campaign.sender_lease_until
            queued = enqueue_once(
                send_campaign_chunk, run_after=lease if lease and lease > now else now, args=[campaign.pk]
            )
        last = queued or last
    return last
