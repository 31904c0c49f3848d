"""Background tasks of the core (django-tasks): the daily deadline reminder digest and its schedule.

The digest runs every day at :data:`REMINDER_TIME` in :data:`REMINDER_TIME_ZONE`: each run queues
the next one (``run_after``), and ``manage.py schedule_tasks`` (run by ``make run`` and
``bootstrap`` before the worker starts) queues the next run when none waits, so the chain
starts on a new database and survives a lost run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult

from .background import enqueue_once, retrying_task
from .feeds import absolute_url
from .i18n import user_language
from .models import Deadline, DeadlineStatus, ReminderDigestSent
from .selectors import deadlines_for_user

logger = logging.getLogger(__name__)

REMINDER_WINDOW_DAYS = 7
REMINDER_TIME = dt.time(7, 0)
REMINDER_TIME_ZONE = ZoneInfo("Europe/Brussels")


def reminder_message(user: User, *, today: dt.date) -> tuple[str, str] | None:
    """The (subject, body) of *user*'s digest for *today*, in their language; ``None`` when
    nothing is overdue or due within :data:`REMINDER_WINDOW_DAYS` calendar days."""
    # A person's own and their units' deadlines; a head of unit reads their staff's on the home page.
    lists = deadlines_for_user(user, today=today, include_staff=False)
    overdue, soon = lists["overdue"], lists["this_week"]
    if not overdue and not soon:
        return None
    with translation.override(user_language(user)):
        count = len(overdue) + len(soon)
        subject = ngettext("%(count)d deadline to watch", "%(count)d deadlines to watch", count) % {"count": count}
        lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()}, ""]
        for heading, items in ((_("Overdue"), overdue), (_("Due within 7 days"), soon)):
            if items:
                lines.append(_("%(heading)s:") % {"heading": heading})
                for deadline in items:
                    line = f"- {date_format(deadline.due_date, 'DATE_FORMAT')} {deadline.title}"
                    if deadline.url:
                        line += f" {absolute_url(deadline.url)}"
                    lines.append(line)
                lines.append("")
        lines.append(_("Your deadlines in the workspace: %(url)s") % {"url": absolute_url("/admin/")})
    return subject, "\n".join(lines)


def next_daily_run(at: dt.time, now: dt.datetime | None = None) -> dt.datetime:
    """The next time of day *at* in Brussels strictly after *now* (default: now), aware; ``zoneinfo``
    picks the offset (CET or CEST) of that day."""
    local = timezone.localtime(now or timezone.now(), REMINDER_TIME_ZONE)
    run = dt.datetime.combine(local.date(), at, tzinfo=REMINDER_TIME_ZONE)
    if run <= local:
        run = dt.datetime.combine(local.date() + dt.timedelta(days=1), at, tzinfo=REMINDER_TIME_ZONE)
    return run


def next_reminder_run(now: dt.datetime | None = None) -> dt.datetime:
    """The next :data:`REMINDER_TIME` (07:00) in Brussels strictly after *now* (default: now).

    Returns:
        An aware date and time in Europe/Brussels: 07:00 is 06:00 UTC in winter (CET) and 05:00
        UTC in summer (CEST); ``zoneinfo`` picks the offset of that day.
    """
    return next_daily_run(REMINDER_TIME, now)


DailySchedule = Callable[[], "DBTaskResult | None"]
"""A function that queues the next run of a daily task unless it already waits (idempotent)."""

_DAILY_SCHEDULES: dict[str, DailySchedule] = {}


def register_daily_schedule(label: str, schedule: DailySchedule) -> None:
    """Let ``manage.py schedule_tasks`` queue another app's daily task (an app registers its
    schedule in ``AppConfig.ready``; the core does not import the apps)."""
    _DAILY_SCHEDULES[label] = schedule


def daily_schedules() -> dict[str, DailySchedule]:
    """The registered daily schedules by label (the deadline reminders are the core's own)."""
    return dict(_DAILY_SCHEDULES)


def schedule_deadline_reminders(now: dt.datetime | None = None) -> DBTaskResult | None:
    """Queue the reminder digest for the next 07:00 in Brussels (:func:`next_reminder_run`), for
    that day, unless that run already waits (idempotent).

    Returns:
        The queued task result, or ``None`` when it was already queued or the task backend cannot
        run tasks later (the immediate backend of the tests).
    """
    run = next_reminder_run(now)
    return enqueue_once(send_deadline_reminders, run_after=run, args=[run.date().isoformat()])


@retrying_task(max_attempts=3, backoff_seconds=300)
def send_deadline_reminders(today_iso: str) -> int:
    """Queue one digest mail (:func:`send_deadline_reminder_mail`) per user with open deadlines
    overdue or due within 7 days, then make sure tomorrow's run is queued
    (:func:`schedule_deadline_reminders`, also when this run fails).

    Each mail is its own task, retried on its own: a mail server failure for one person does not
    send the others' mails twice.

    Args:
        today_iso: the day of the run, ``YYYY-MM-DD`` (the command passes today in Brussels).

    Returns:
        The number of mails queued. Users with nothing due, inactive users and users without an
        e-mail address get none.
    """
    try:
        today = dt.date.fromisoformat(today_iso)
        horizon = today + dt.timedelta(days=REMINDER_WINDOW_DAYS)
        due = Deadline.objects.filter(status=DeadlineStatus.OPEN, due_date__lte=horizon)
        users = (
            User.objects.filter(is_active=True)
            .exclude(email="")
            .filter(Q(deadlines__in=due) | Q(groups__deadlines__in=due))
            .distinct()
            .order_by("pk")
        )
        user_ids = list(users.values_list("pk", flat=True))
        for user_id in user_ids:
            send_deadline_reminder_mail.enqueue(user_id, today_iso)
        return len(user_ids)
    finally:
        try:
            schedule_deadline_reminders()
        except Exception:  # a failed schedule must not hide the run's own outcome
            logger.exception("Could not schedule the next deadline reminders.")


@retrying_task(max_attempts=3, backoff_seconds=60)
def send_deadline_reminder_mail(user_id: int, today_iso: str) -> int:
    """Send user *user_id* their deadline digest of *today_iso* (see :func:`reminder_message`).

    Returns:
        1 when sent; 0 when the user is gone, inactive, without address, has nothing due any
        more, or already got the digest of that day (:class:`~core.models.ReminderDigestSent`).
        Mail server errors raise, so the task is retried.
    """
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return 0
    day = dt.date.fromisoformat(today_iso)
    message = reminder_message(user, today=day)
    if message is None:
        return 0
    subject, body = message
    with transaction.atomic():
        # Once a day per person: the marker and the mail go together (a mail server error rolls
        # the marker back, so the retry sends it).
        _, first = ReminderDigestSent.objects.get_or_create(user=user, day=day)
        if not first:
            return 0
        mail = EmailMessage(subject, body, None, [user.email], headers={"Auto-Submitted": "auto-generated"})
        return mail.send()
