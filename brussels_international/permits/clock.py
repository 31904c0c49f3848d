"""The statutory processing clock of a licence application, kept as a core deadline.

- Started at submission (:func:`clock_start`): a :class:`~core.models.Deadline` "decide on
  APP-..." for the Permits unit (and the case manager once assigned), due
  ``processing_days`` of the licence type's manifest entry after the submission date.
- Stopped when a request for information is sent (:func:`clock_stop`) and restarted when the
  applicant answers (:func:`clock_restart`): the due date moves by the calendar days it stood
  still (rolled to the next working day for working-day counts).
- Met by the decision or the withdrawal (:func:`clock_finish`).

Every function runs inside the caller's transaction (the service that changes the case) and
writes through :mod:`core.deadline_services`, which writes the audit entries.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext, override

from brussels_international.core.deadline_services import (
    deadline_complete,
    deadline_reassign,
    deadline_register,
    deadline_reschedule,
)
from brussels_international.core.deadlines import add_calendar_days, next_working_day
from brussels_international.core.models import DeadlineStatus
from brussels_international.core.services import Actor

from .manifest import licence_type
from .models import Application

PERMITS_GROUP = "Permits"
"""The workspace group of the Permits unit (``core.groups``), responsible for every case's clock."""


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("The statutory clock changes inside the case's transaction.")


def clock_start(*, actor: Actor, application: Application, on: dt.date) -> Application:
    """Register the statutory deadline to decide on *application*, submitted on *on*.

    Args:
        actor: the applicant who submitted.
        application: the locked, submitted application (it has its reference).
        on: the submission date (Europe/Brussels).

    Returns:
        *application* with ``deadline`` and ``due_date`` set and saved.

    Raises:
        TransactionManagementError: called outside a transaction.

    Source: the processing time of the licence type's manifest entry (``permits.manifest``).
    """
    _require_transaction()
    spec = licence_type(application.licence_type)
    with override(settings.LANGUAGE_CODE):  # deadline titles are stored in the workspace's default language
        title = gettext("Decide on licence application %(reference)s") % {"reference": application.reference}
    deadline = deadline_register(
        actor=actor,
        title=title,
        legal_basis=spec.legal_basis,
        start=on,
        days=spec.processing_days,
        counting=spec.processing_counting,
        responsible_user=application.case_manager,
        responsible_group=Group.objects.filter(name=PERMITS_GROUP).first(),
        obj=application,
        url=reverse("permits_cases:case", args=[application.pk]),
        notify_responsible=False,
    )
    application.deadline = deadline
    application.due_date = deadline.due_date
    application.save(update_fields=["deadline", "due_date", "updated_at"])
    return application


def clock_stop(*, application: Application, on: dt.date) -> Application:
    """Stop the clock on *on* (a request for information goes out); no-op if it already stands.

    Raises:
        TransactionManagementError: called outside a transaction.
    """
    _require_transaction()
    if application.clock_stopped_on is None:
        application.clock_stopped_on = on
        application.save(update_fields=["clock_stopped_on", "updated_at"])
    return application


def clock_restart(*, actor: Actor, application: Application, on: dt.date) -> Application:
    """Restart the clock on *on* (the applicant answered): the due date moves by the calendar days
    it stood still (``on - clock_stopped_on``), rolled forward to a working day when the type
    counts working days. No-op when the clock runs. The reason kept with the new due date is in
    the workspace's default language (``LANGUAGE_CODE``), whoever answered.

    Raises:
        TransactionManagementError: called outside a transaction.
    """
    _require_transaction()
    if application.clock_stopped_on is None:
        return application
    still = max((on - application.clock_stopped_on).days, 0)
    application.days_stopped += still
    application.clock_stopped_on = None
    if application.due_date is not None and still:
        due = add_calendar_days(application.due_date, still, roll_forward=False)
        if licence_type(application.licence_type).processing_counting == "working":
            due = next_working_day(due)
        application.due_date = due
        if application.deadline is not None and application.deadline.status == DeadlineStatus.OPEN:
            with override(settings.LANGUAGE_CODE):  # stored, read in the workspace: as the deadline's title
                reason = gettext("The clock stood still %(days)s days for a request for information.") % {"days": still}
            deadline_reschedule(actor=actor, deadline=application.deadline, due=due, reason=reason)
    application.save(update_fields=["clock_stopped_on", "days_stopped", "due_date", "updated_at"])
    return application


def clock_assign(*, actor: Actor, application: Application) -> None:
    """Make the case manager of *application* responsible for its open deadline (quietly: the
    casework tells the manager with its own "case_assigned" notification)."""
    _require_transaction()
    if application.deadline is not None and application.deadline.status == DeadlineStatus.OPEN:
        deadline_reassign(
            actor=actor,
            deadline=application.deadline,
            responsible_user=application.case_manager,
            notify_responsible=False,
        )


def clock_finish(*, actor: Actor, application: Application, note: str) -> None:
    """Mark the deadline met (decision issued, application withdrawn); no-op if already done."""
    _require_transaction()
    if application.deadline is not None and application.deadline.status == DeadlineStatus.OPEN:
        deadline_complete(actor=actor, deadline=application.deadline, note=note, from_dossier=True)
