"""Background tasks of the core (django-tasks): the daily deadline reminder digest."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from .feeds import absolute_url
from .i18n import user_language
from .models import Deadline, DeadlineStatus
from .selectors import deadlines_for_user

REMINDER_WINDOW_DAYS = 7


def reminder_message(user: User, *, today: dt.date) -> tuple[str, str] | None:
    """The (subject, body) of *user*'s digest for *today*, in their language; ``None`` when
    nothing is overdue or due within :data:`REMINDER_WINDOW_DAYS` calendar days."""
    lists = deadlines_for_user(user, today=today)
    overdue, soon = lists["overdue"], lists["this_week"]
    if not overdue and not soon:
        return None
    with translation.override(user_language(user)):
        count = len(overdue) + len(soon)
        subject = ngettext("%(count)d deadline to watch", "%(count)d deadlines to watch", count) % {"count": count}
        lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.get_username()}, ""]
        for heading, items in ((_("Overdue"), overdue), (_("Due within 7 days"), soon)):
            if items:
                lines.append(f"{heading}:")
                for deadline in items:
                    line = f"- {deadline.due_date.isoformat()} {deadline.title}"
                    if deadline.url:
                        line += f" {absolute_url(deadline.url)}"
                    lines.append(line)
                lines.append("")
        lines.append(_("Your deadlines in the workspace: %(url)s") % {"url": absolute_url("/admin/")})
    return subject, "\n".join(lines)


@task()
def send_deadline_reminders(today_iso: str) -> int:
    """Send one digest mail per user with open deadlines overdue or due within 7 days.

    Args:
        today_iso: the day of the run, ``YYYY-MM-DD`` (the command passes today in Brussels).

    Returns:
        The number of mails sent. Users with nothing due, inactive users and users without an
        e-mail address get none.
    """
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
    sent = 0
    for user in users:
        message = reminder_message(user, today=today)
        if message is None:
            continue
        subject, body = message
        sent += send_mail(subject, body, None, [user.email])
    return sent
