"""Background work: retries for django-tasks, scheduling, and running a failed task again.

The platform runs its background work with Django's task API (the ``django-tasks`` backport)
and the ``django-tasks-db`` database backend: ``enqueue()`` writes a ``DBTaskResult`` row and
the ``manage.py db_worker`` process runs it, recording its status, return value, exception and
traceback on that row. django-tasks 0.12 never runs a failed task again; this module adds:

- :func:`retrying_task`, a decorator used instead of ``django_tasks.task``: when the function
  raises, it queues a new run of the same task with the same arguments ``backoff_seconds``,
  then twice, four times... that delay later (``run_after``), up to ``max_attempts`` runs in
  all, then raises again so that the failed run stays recorded as ``FAILED``. Each run is one
  row; the attempt number travels in the keyword argument :data:`ATTEMPT_KWARG`.
- :func:`enqueue_once`, which queues a task for a given time unless the same run is already
  waiting (used by the daily schedule, ``manage.py schedule_tasks``).
- :func:`task_retry`, the service behind the administrators' "Retry now" button.

Tasks must stay idempotent (a retried mail task may run after a partial failure): design them
so that running twice does no harm.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME, TaskResultStatus, task
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from typing_extensions import ParamSpec

from .models import AuditEntry, AuditVerb
from .services import Actor, audit_record

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPT_KWARG = "retry_attempt"
"""Keyword argument carrying the attempt number (2, 3...) of a retried run; absent on the first run."""

VIEW_TASKS_PERMISSION = "django_tasks_database.view_dbtaskresult"
"""Who may see the task results and run a failed task again (``django-tasks-db``'s app label is
``django_tasks_database``). The Administrator group has it (``core/groups.py``); superusers too."""


def retry_delay(attempt: int, backoff_seconds: float) -> dt.timedelta:
    """The wait before run ``attempt + 1`` after run *attempt* (1-based) failed:
    ``backoff_seconds * 2 ** (attempt - 1)`` seconds (60 s, 120 s, 240 s... by default)."""
    return dt.timedelta(seconds=backoff_seconds * 2 ** (attempt - 1))


def retrying_task(
    *,
    max_attempts: int = 3,
    backoff_seconds: float = 60,
    retry_on: tuple[type[Exception], ...] = (Exception,),
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
) -> Callable[[Callable[P, T]], Task[P, T]]:
    """Decorator: a django-tasks task (``enqueue()``, ``call()``...) that is run again when it fails.

    Args:
        max_attempts: runs in all, the first included (``1`` = no retry).
        backoff_seconds: wait before the second run, in seconds; doubled for each later run.
        retry_on: the exception classes that lead to a retry (others fail at once).
        priority, queue_name, backend: as for ``django_tasks.task``.

    The task's function must be defined at module level and take JSON-serialisable arguments;
    it must not declare a keyword argument named :data:`ATTEMPT_KWARG`. With a backend that cannot
    defer (the immediate backend of the tests), the retry runs at once.

    Raises:
        ValueError: *max_attempts* below 1 or a negative *backoff_seconds*.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1.")
    if backoff_seconds < 0:
        raise ValueError("backoff_seconds cannot be negative.")

    def decorate(func: Callable[P, T]) -> Task[P, T]:
        created: list[Task[P, T]] = []

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> T:
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return func(*args, **kwargs)
            except retry_on:
                if attempt < max_attempts:
                    _enqueue_retry(created[0], args, kwargs, attempt, backoff_seconds)
                else:
                    logger.error(
                        "Task %s failed at attempt %d of %d: no more retries.", func.__name__, attempt, max_attempts
                    )
                raise

        # ``run`` carries the function's module and name (functools.wraps), so the task's path
        # (what the worker imports) stays ``<module>.<function>``.
        made: Task[P, T] = task(priority=priority, queue_name=queue_name, backend=backend)(run)  # type: ignore[arg-type]
        created.append(made)
        return made

    return decorate


def _enqueue_retry(
    made: Task[Any, Any], args: tuple[Any, ...], kwargs: dict[str, Any], attempt: int, backoff_seconds: float
) -> None:
    delay = retry_delay(attempt, backoff_seconds)
    retry = made
    if made.get_backend().supports_defer:
        retry = made.using(run_after=timezone.now() + delay)
    try:
        result = retry.enqueue(*args, **{**kwargs, ATTEMPT_KWARG: attempt + 1})
    except Exception:  # the original error matters more: log this one and let the caller re-raise
        logger.exception("Could not queue attempt %d of task %s.", attempt + 1, made.name)
        return
    logger.warning("Task %s failed at attempt %d; attempt %d queued as %s.", made.name, attempt, attempt + 1, result.id)


def task_attempt(result: DBTaskResult) -> int:
    """The attempt number of the run recorded in *result* (1 for a first run)."""
    kwargs = (result.args_kwargs or {}).get("kwargs") or {}
    return int(kwargs.get(ATTEMPT_KWARG, 1))


def is_pending(made: Task[Any, Any], *, run_after: dt.datetime, args: list[Any] | None = None) -> bool:
    """Whether a run of *made* waits in the database queue for exactly *run_after* (and *args*)."""
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=made.module_path, backend_name=made.backend, run_after=run_after
    )
    if args is None:
        return waiting.exists()
    return any((row.args_kwargs or {}).get("args") == args for row in waiting)


def enqueue_once(made: Task[P, T], *, run_after: dt.datetime, args: list[Any]) -> DBTaskResult | None:
    """Queue *made* with positional *args* to run at *run_after*, unless that very run is
    already waiting (idempotent: the daily schedule may be set up at every start).

    Args:
        made: a task on a backend that can defer (``DatabaseBackend``).
        run_after: an aware date and time.
        args: JSON-serialisable positional arguments.

    Returns:
        The new ``DBTaskResult``, or ``None`` when the run was already queued, or when the
        task's backend is not the database backend (nothing to schedule: the immediate backend
        of the tests runs a task at once and cannot wait).
    """
    if not isinstance(made.get_backend(), DatabaseBackend):
        logger.info("Not scheduling %s: its backend cannot run tasks later.", made.name)
        return None
    with transaction.atomic():
        # Serialise concurrent schedulers on the waiting rows of this task (PostgreSQL; SQLite
        # writes one at a time anyway).
        list(
            DBTaskResult.objects.select_for_update()
            .filter(status=TaskResultStatus.READY, task_path=made.module_path)
            .values_list("pk", flat=True)
        )
        if is_pending(made, run_after=run_after, args=args):
            return None
        result = made.using(run_after=run_after).enqueue(*args)  # type: ignore[call-arg]
    return DBTaskResult.objects.get(pk=result.id)


def user_may_see_tasks(user: Actor) -> bool:
    """Whether *user* may see the background task results (and run a failed one again)."""
    return isinstance(user, User) and user.is_active and user.has_perm(VIEW_TASKS_PERMISSION)


def _same_call(args_kwargs: Any, args: list[Any], kwargs: dict[str, Any]) -> bool:
    """Whether a stored run's arguments are *args* and *kwargs* (the attempt counter ignored)."""
    stored = args_kwargs or {}
    other_kwargs = {k: v for k, v in (stored.get("kwargs") or {}).items() if k != ATTEMPT_KWARG}
    return list(stored.get("args") or []) == args and other_kwargs == kwargs


def task_retry(*, actor: Actor, result: DBTaskResult) -> None:
    """Queue again the task of the failed run *result*, with the same arguments, for now.

    The attempt counter of automatic retries starts again from 1 (a person decided to try
    again, typically after fixing the cause). An audit entry "run again" on *result* is
    written in one transaction; the task is queued when that transaction commits.

    Raises:
        PermissionDenied: *actor* may not see the task results (:func:`user_may_see_tasks`).
        ValidationError: *result* did not fail, was already run again, a later run of the same
            call (same task and arguments) is waiting, running or has succeeded, or its task no
            longer exists in the code.
    """
    if not user_may_see_tasks(actor):
        raise PermissionDenied(_("Only administrators may run a task again."))
    if result.status != TaskResultStatus.FAILED:
        raise ValidationError(_("Only a failed task can be run again."))
    try:
        made = import_string(result.task_path)
    except ImportError:
        made = None
    if not isinstance(made, Task):
        raise ValidationError(
            _("The task %(path)s no longer exists: it cannot be run again.") % {"path": result.task_path}
        )
    args = list((result.args_kwargs or {}).get("args") or [])
    kwargs = {k: v for k, v in ((result.args_kwargs or {}).get("kwargs") or {}).items() if k != ATTEMPT_KWARG}
    again = made.using(priority=result.priority, queue_name=result.queue_name, backend=result.backend_name)
    with transaction.atomic():
        # One retry per failed run, and none while a later run of the same call waits, runs or
        # has succeeded (an automatic retry): a second click or a stale page queues nothing.
        DBTaskResult.objects.select_for_update().filter(pk=result.pk).first()
        if AuditEntry.objects.filter(
            verb=AuditVerb.RETRIED,
            object_type=ContentType.objects.get_for_model(DBTaskResult),
            object_id=str(result.pk),
        ).exists():
            raise ValidationError(_("This run was already run again."))
        later = DBTaskResult.objects.filter(
            task_path=result.task_path,
            enqueued_at__gt=result.enqueued_at,
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.SUCCESSFUL],
        ).only("args_kwargs")
        if any(_same_call(other.args_kwargs, args, kwargs) for other in later):
            raise ValidationError(_("A later run of this task is waiting, running or has succeeded."))
        audit_record(
            actor=actor,
            verb=AuditVerb.RETRIED,
            obj=result,
            payload={"task": result.task_path, "args": args, "kwargs": kwargs},
        )
        transaction.on_commit(lambda: again.enqueue(*args, **kwargs))
