"""Background tasks of the screening module: the daily refresh of the official lists.

When ``settings.SCREENING_REFRESH_DAILY`` is on (environment ``SCREENING_REFRESH_DAILY=1``, for
production), :func:`refresh_lists` runs every day at :data:`REFRESH_TIME` (Europe/Brussels):
it downloads and loads every official list (``manage.py screening_refresh``); each list that
changed becomes a new version, which queues the re-screening of the registered subjects. Off by
default, so that a machine without network access does not fail a download every day.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from brussels_international.core.background import enqueue_once, retrying_task
from brussels_international.core.tasks import next_daily_run

logger = logging.getLogger(__name__)

REFRESH_TIME = dt.time(5, 30)
"""Before the working day in Brussels; the UN, EU and OFAC lists publish during the previous day."""


def schedule_list_refresh(now: dt.datetime | None = None) -> DBTaskResult | None:
    """Queue :func:`refresh_lists` for the next 05:30 in Brussels unless that run already waits,
    or nothing when ``settings.SCREENING_REFRESH_DAILY`` is off."""
    if not settings.SCREENING_REFRESH_DAILY:
        return None
    run = next_daily_run(REFRESH_TIME, now)
    return enqueue_once(refresh_lists, run_after=run, args=[run.date().isoformat()])


@retrying_task(max_attempts=3, backoff_seconds=1800)
def refresh_lists(day_iso: str) -> str:
    """Download and load every official list (``screening_refresh``), then queue tomorrow's run
    (also when this one fails). Returns the command's report.

    Raises:
        CommandError: a list could not be downloaded or read (the others were loaded); the task
            is retried up to three times, 30 minutes apart.
    """
    from io import StringIO

    out = StringIO()
    try:
        call_command("screening_refresh", stdout=out, stderr=out)
        return out.getvalue()
    finally:
        try:
            schedule_list_refresh()
        except Exception:  # a failed schedule must not hide the run's own outcome
            logger.exception("Could not schedule the next refresh of the sanctions lists (%s).", day_iso)
