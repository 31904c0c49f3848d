"""Background tasks of the permits module: the daily expiry of licences past their validity.

:func:`expire_licences` runs every day at :data:`EXPIRY_TIME` (Europe/Brussels) and queues its
next run; ``manage.py schedule_tasks`` queues the next run when none waits (registered with
:func:`core.tasks.register_daily_schedule` in ``PermitsConfig.ready``).
"""

from __future__ import annotations

import datetime as dt
import logging

from django_tasks_db.models import DBTaskResult

from brussels_international.core.background import enqueue_once, retrying_task
from brussels_international.core.tasks import next_daily_run

logger = logging.getLogger(__name__)

EXPIRY_TIME = dt.time(0, 30)
"""The licences of the day before expire shortly after midnight in Brussels."""


def schedule_licence_expiry(now: dt.datetime | None = None) -> DBTaskResult | None:
    """Queue :func:`expire_licences` for the next 00:30 in Brussels unless that run already waits.

    Returns:
        The queued task result, or ``None`` (already queued, or a backend that cannot wait).
    """
    run = next_daily_run(EXPIRY_TIME, now)
    return enqueue_once(expire_licences, run_after=run, args=[run.date().isoformat()])


@retrying_task(max_attempts=3, backoff_seconds=300)
def expire_licences(today_iso: str) -> int:
    """Expire the licences whose last valid day is before *today_iso* (``YYYY-MM-DD``), then make
    sure tomorrow's run is queued (also when this run fails). Idempotent.

    Returns:
        How many applications moved to ``expired``.
    """
    from .case_services import licences_expire

    try:
        return len(licences_expire(today=dt.date.fromisoformat(today_iso)))
    finally:
        try:
            schedule_licence_expiry()
        except Exception:  # a failed schedule must not hide the run's own outcome
            logger.exception("Could not schedule the next expiry of licences.")
