"""Scheduled publishing of pages (blog posts, events...): a background task every
:data:`PUBLISH_INTERVAL`.

Wagtail publishes a page with a "go live" date (``go_live_at``) in the future only when its
``publish_scheduled`` management command runs, and unpublishes pages whose "expiry" date
(``expire_at``) has passed at the same time. :func:`publish_scheduled_pages` runs that command
(Wagtail's own logic, so its log entries and ``page_published`` signals — public cache, navigation —
are the usual ones), then queues its next run at the next multiple of five minutes (``run_after``).
``manage.py schedule_tasks`` queues a run when none waits (registered in
``WebsiteConfig.ready`` with ``core.tasks.register_daily_schedule``), so the chain starts on a new
database and survives a lost run. A post scheduled for 10:02 is thus live by 10:05 (plus the
worker's polling delay).
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import Revision

from brussels_international.core.background import enqueue_once, retrying_task

logger = logging.getLogger(__name__)

PUBLISH_INTERVAL = dt.timedelta(minutes=5)


def next_publish_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next multiple of :data:`PUBLISH_INTERVAL` (5 minutes) strictly after *now* (default: now),
    aware, in UTC (10:02:30 → 10:05:00; 10:05:00 → 10:10:00)."""
    now = now or timezone.now()
    step = int(PUBLISH_INTERVAL.total_seconds())
    stamp = int(now.timestamp()) // step * step + step
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC)


def schedule_scheduled_publishing(now: dt.datetime | None = None) -> DBTaskResult | None:
    """Queue :func:`publish_scheduled_pages` for :func:`next_publish_run` unless that run already
    waits (idempotent).

    Returns:
        The queued task result, or ``None`` when it was already queued or the task backend cannot
        run tasks later (the immediate backend of the tests).
    """
    run = next_publish_run(now)
    return enqueue_once(publish_scheduled_pages, run_after=run, args=[run.isoformat()])


def due_revision_count() -> int:
    """How many approved revisions wait for a go-live time already past (what the next run publishes)."""
    return Revision.objects.filter(approved_go_live_at__lt=timezone.now()).count()


@retrying_task(max_attempts=1)
def publish_scheduled_pages(run_iso: str) -> int:
    """Publish the pages (and other draft-state objects) whose go-live time has passed and
    unpublish the expired ones, with Wagtail's ``publish_scheduled`` command; then queue the next
    run (also when this one fails: the chain must not stop).

    Not retried: the next run, five minutes later, does the same work.

    Args:
        run_iso: the planned time of the run, ISO 8601 (it tells the runs apart in the queue).

    Returns:
        The number of revisions that were due (published by this run).
    """
    try:
        due = due_revision_count()
        call_command("publish_scheduled", stdout=io.StringIO())
        if due:
            logger.info("Scheduled publishing (run of %s): %d revision(s) published.", run_iso, due)
        return due
    finally:
        try:
            schedule_scheduled_publishing()
        except Exception:  # a failed schedule must not hide the run's own outcome
            logger.exception("Could not schedule the next run of the scheduled publishing.")
