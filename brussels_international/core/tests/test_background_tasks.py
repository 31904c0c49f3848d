"""Background work: retries, the administrators' task screens, "Retry now", the daily schedule.

These tests switch the task backend to the database backend (``django_tasks_db``) that
production uses, and run the real worker loop (``db_worker``'s ``Worker``) in the test, in
batch mode: it runs every task that is due, then stops.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from wagtail.users.models import UserProfile

from brussels_international.core.background import (
    ATTEMPT_KWARG,
    retry_delay,
    retrying_task,
    task_attempt,
    task_retry,
)
from brussels_international.core.deadline_services import deadline_register
from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry
from brussels_international.core.tasks import next_reminder_run, send_deadline_reminders
from brussels_international.core.tests.auth import staff_login

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = dt.UTC
RUNS: Counter[str] = Counter()


class FlakyError(Exception):
    pass


@retrying_task(max_attempts=3, backoff_seconds=60)
def flaky(label: str, fail_times: int) -> str:
    """Fails the first *fail_times* runs for *label*, then returns ``"ok <label>"``."""
    RUNS[label] += 1
    if RUNS[label] <= fail_times:
        raise FlakyError(f"run {RUNS[label]} of {label} fails")
    return f"ok {label}"


@pytest.fixture(autouse=True)
def _reset_runs():
    RUNS.clear()


@pytest.fixture
def db_backend(settings):
    """The production task backend: tasks wait in the database until a worker runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """Run every task that is due, in this process, then return (``db_worker --batch``).

    The worker calls ``close_old_connections()`` between tasks; inside the test's transaction that
    would drop the connection, so it is neutralised here, as Django's test client does for requests.
    """
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()


def rows(label: str) -> list[DBTaskResult]:
    return sorted(
        (r for r in DBTaskResult.objects.filter(task_path__endswith=".flaky") if r.args_kwargs["args"][0] == label),
        key=task_attempt,
    )


T0 = dt.datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_retry_delay_doubles():
    assert [retry_delay(n, 60) for n in (1, 2, 3)] == [dt.timedelta(seconds=s) for s in (60, 120, 240)]


def test_retrying_task_refuses_bad_settings():
    with pytest.raises(ValueError, match="max_attempts"):
        retrying_task(max_attempts=0)
    with pytest.raises(ValueError, match="backoff_seconds"):
        retrying_task(backoff_seconds=-1)


def test_a_task_failing_twice_then_succeeding_runs_three_times(db_backend):
    with time_machine.travel(T0, tick=False) as clock:
        flaky.enqueue("twice", 2)
        run_worker()
        assert [(r.status, task_attempt(r)) for r in rows("twice")] == [("FAILED", 1), ("READY", 2)]
        assert rows("twice")[1].run_after == T0 + dt.timedelta(seconds=60)  # backoff: 60 s
        run_worker()  # too early: nothing runs
        assert RUNS["twice"] == 1

        clock.move_to(T0 + dt.timedelta(seconds=60))
        run_worker()
        assert rows("twice")[2].run_after == T0 + dt.timedelta(seconds=60 + 120)  # then 120 s

        clock.move_to(T0 + dt.timedelta(seconds=180))
        run_worker()

    results = rows("twice")
    assert RUNS["twice"] == 3
    assert [(r.status, task_attempt(r)) for r in results] == [("FAILED", 1), ("FAILED", 2), ("SUCCESSFUL", 3)]
    assert results[-1].return_value == "ok twice"
    assert results[0].exception_class_path.endswith("FlakyError")
    assert "run 1 of twice fails" in results[0].traceback
    assert results[-1].args_kwargs == {"args": ["twice", 2], "kwargs": {ATTEMPT_KWARG: 3}}


def test_a_task_always_failing_stops_at_max_attempts(db_backend):
    with time_machine.travel(T0, tick=False) as clock:
        flaky.enqueue("always", 99)
        for seconds in (0, 60, 180, 420, 900):
            clock.move_to(T0 + dt.timedelta(seconds=seconds))
            run_worker()
    assert RUNS["always"] == 3
    assert [(r.status, task_attempt(r)) for r in rows("always")] == [("FAILED", 1), ("FAILED", 2), ("FAILED", 3)]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path__endswith=".flaky").exists()


def test_retries_with_the_immediate_backend_run_at_once():
    result = flaky.enqueue("immediate", 1)  # the test settings' backend: runs now, retry included
    assert RUNS["immediate"] == 2
    assert result.status == TaskResultStatus.FAILED  # the first run's own result


# --- Administrators' screens ---------------------------------------------------------------------


def member_of(group_name: str) -> Client:
    user = User.objects.create_user(f"member-{group_name.lower()}", password="x" * 12)
    user.groups.add(Group.objects.get(name=group_name))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client = Client()
    staff_login(client, user)
    return client


@pytest.fixture
def failed_runs(db_backend):
    groups_setup()
    with time_machine.travel(T0, tick=False) as clock:
        flaky.enqueue("always", 99)
        for seconds in (0, 60, 180):
            clock.move_to(T0 + dt.timedelta(seconds=seconds))
            run_worker()
    return rows("always")


def test_failures_are_listed_for_administrators(failed_runs, django_assert_max_num_queries):
    client = member_of("Administrator")
    url = reverse("background_tasks:index")
    with django_assert_max_num_queries(20):
        response = client.get(url, {"status": "FAILED"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<td class="title">') == 3
    for result in failed_runs:
        assert reverse("background_tasks:inspect", args=[result.pk]) in html

    page = client.get(reverse("background_tasks:inspect", args=[failed_runs[0].pk])).content.decode()
    assert "FlakyError" in page
    assert "run 1 of always fails" in page  # the traceback
    assert "&quot;always&quot;" in page  # the arguments
    assert reverse("background_tasks:retry", args=[failed_runs[0].pk]) in page


def test_task_list_filters_by_status_and_task(failed_runs):
    client = member_of("Administrator")
    url = reverse("background_tasks:index")
    assert client.get(url, {"status": "SUCCESSFUL"}).content.decode().count('<td class="title">') == 0
    assert client.get(url, {"status": "FAILED"}).content.decode().count('<td class="title">') == 3
    task_path = failed_runs[0].task_path
    assert client.get(url, {"task_path": task_path}).content.decode().count('<td class="title">') == 3
    assert (
        client.get(url, {"task_path": "brussels_international.core.tasks.send_deadline_reminders"}).status_code == 200
    )


@pytest.mark.parametrize("group_name", ["Director", "Communication", "Permits"])
def test_other_groups_are_refused(failed_runs, group_name):
    client = member_of(group_name)
    for url in (
        reverse("background_tasks:index"),
        reverse("background_tasks:inspect", args=[failed_runs[0].pk]),
        reverse("background_tasks:retry", args=[failed_runs[0].pk]),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
    response = client.post(reverse("background_tasks:retry", args=[failed_runs[0].pk]))
    assert response.status_code == 302
    assert DBTaskResult.objects.count() == 3  # nothing queued


def test_retry_now_queues_the_same_task_again(failed_runs, django_capture_on_commit_callbacks):
    client = member_of("Administrator")
    failed = failed_runs[1]
    url = reverse("background_tasks:retry", args=[failed.pk])
    assert "Run the task flaky again" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert (response.status_code, response["Location"]) == (302, reverse("background_tasks:index"))
    queued = DBTaskResult.objects.get(status=TaskResultStatus.READY, task_path=failed.task_path)
    assert queued.args_kwargs == {"args": ["always", 99], "kwargs": {}}  # attempts start again
    entry = AuditEntry.objects.get(verb="retried")
    assert entry.actor.username == "member-administrator"
    assert entry.object_id == str(failed.pk)
    assert entry.payload == {"task": failed.task_path, "args": ["always", 99], "kwargs": {}}

    # A second click, or the earlier failed attempt while the new run waits: nothing more queued.
    with translation.override("en"):
        with pytest.raises(ValidationError, match="already run again"):
            task_retry(actor=entry.actor, result=failed)
        with pytest.raises(ValidationError, match="later run of this task is waiting"):
            task_retry(actor=entry.actor, result=failed_runs[0])
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=failed.task_path).count() == 1


def test_retry_is_refused_for_a_task_that_did_not_fail(db_backend):
    groups_setup()
    admin = User.objects.create_superuser("root", password="x" * 12)
    flaky.enqueue("fine", 0)
    run_worker()
    done = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    with pytest.raises(ValidationError, match="Seule une tâche échouée peut être relancée"):
        task_retry(actor=admin, result=done)
    with pytest.raises(PermissionDenied):
        task_retry(actor=User.objects.create_user("nobody"), result=done)
    client = Client()
    staff_login(client, admin)
    response = client.post(reverse("background_tasks:retry", args=[done.pk]))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(verb="retried").count() == 0


# --- The daily schedule --------------------------------------------------------------------------


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("now", "expected_utc"),
    [
        (local(2026, 5, 4, 6, 59), dt.datetime(2026, 5, 4, 5, 0, tzinfo=UTC)),  # later today (CEST, UTC+2)
        (local(2026, 5, 4, 7, 0), dt.datetime(2026, 5, 5, 5, 0, tzinfo=UTC)),  # 07:00 itself: tomorrow
        (local(2026, 1, 15, 22, 0), dt.datetime(2026, 1, 16, 6, 0, tzinfo=UTC)),  # winter (CET, UTC+1)
        (local(2026, 3, 28, 9, 0), dt.datetime(2026, 3, 29, 5, 0, tzinfo=UTC)),  # into summer time
        (local(2026, 10, 24, 9, 0), dt.datetime(2026, 10, 25, 6, 0, tzinfo=UTC)),  # back to winter time
    ],
)
def test_next_reminder_run_is_the_next_seven_oclock_in_brussels(now, expected_utc):
    run = next_reminder_run(now)
    assert run == expected_utc
    assert run.astimezone(BRUSSELS).time() == dt.time(7, 0)


def test_schedule_tasks_is_idempotent(db_backend):
    with time_machine.travel(local(2026, 3, 28, 9, 0), tick=False):
        call_command("schedule_tasks", stdout=StringIO())
        out = StringIO()
        call_command("schedule_tasks", stdout=out)
    assert "already queued" in out.getvalue()
    assert "Refresh of the sanctions lists: not queued (already queued, switched off in the settings" in out.getvalue()
    # One run of each recurring task: the core's reminders and the tasks apps register (licence expiry,
    # scheduled publishing;
    # the refresh of the sanctions lists is off unless SCREENING_REFRESH_DAILY is set).
    assert sorted(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "brussels_international.core.tasks.send_deadline_reminders",
        "brussels_international.permits.tasks.expire_licences",
        "brussels_international.website.tasks.publish_scheduled_pages",  # every 5 minutes
    ]
    queued = DBTaskResult.objects.get(task_path="brussels_international.core.tasks.send_deadline_reminders")
    assert queued.status == TaskResultStatus.READY
    assert queued.run_after == dt.datetime(2026, 3, 29, 5, 0, tzinfo=UTC)  # 07:00 CEST, the day DST starts
    assert queued.args_kwargs == {"args": ["2026-03-29"], "kwargs": {}}


def test_schedule_tasks_does_nothing_with_the_immediate_backend():
    out = StringIO()
    call_command("schedule_tasks", stdout=out)
    assert "already queued, or the task backend cannot wait" in out.getvalue()
    assert DBTaskResult.objects.count() == 0


def test_the_reminder_sends_its_mails_and_queues_tomorrows_run(db_backend, mailoutbox):
    officer = User.objects.create_user("officer", email="officer@example.org")
    deadline_register(
        actor=officer, title="Report", legal_basis="", due=dt.date(2026, 10, 26), responsible_user=officer
    )
    with time_machine.travel(local(2026, 10, 24, 9, 0), tick=False) as clock:
        call_command("schedule_tasks", stdout=StringIO())
        run_worker()
        assert mailoutbox == []  # not yet 07:00
        clock.move_to(local(2026, 10, 25, 7, 0))  # the day summer time ends
        run_worker()
    assert [m.to for m in mailoutbox] == [["officer@example.org"]]
    assert "Report" in mailoutbox[0].body
    done = DBTaskResult.objects.get(task_path__endswith=".send_deadline_reminders", status="SUCCESSFUL")
    assert done.return_value == 1
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY, task_path=done.task_path)
    assert waiting.run_after == dt.datetime(2026, 10, 26, 6, 0, tzinfo=UTC)  # 07:00 CET
    assert waiting.args_kwargs["args"] == ["2026-10-26"]


def test_a_manual_run_does_not_duplicate_the_schedule(db_backend):
    with time_machine.travel(local(2026, 5, 4, 9, 0), tick=False):
        call_command("schedule_tasks", stdout=StringIO())
        send_deadline_reminders.enqueue("2026-05-04")  # what `manage.py send_deadline_reminders` does
        run_worker()
    assert (
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path__endswith=".send_deadline_reminders"
        ).count()
        == 1
    )
