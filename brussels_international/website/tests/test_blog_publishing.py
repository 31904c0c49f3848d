"""Scheduled publishing (the every-5-minutes task calling Wagtail's ``publish_scheduled``) and
moderation (draft → review by the Communication group → published)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, Workflow, WorkflowState

from brussels_international.core.groups import groups_setup
from brussels_international.core.tests.test_background_tasks import run_worker
from brussels_international.website.models import BlogPostPage
from brussels_international.website.moderation import TASK_NAME, WORKFLOW_NAME, blog_moderation_setup
from brussels_international.website.tasks import next_publish_run, publish_scheduled_pages

from .blog_helpers import make_post

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
UTC = dt.UTC


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSELS)


# --- scheduled publishing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 3, 2, 10, 2, 30, tzinfo=UTC), dt.datetime(2026, 3, 2, 10, 5, tzinfo=UTC)),
        (dt.datetime(2026, 3, 2, 10, 5, 0, tzinfo=UTC), dt.datetime(2026, 3, 2, 10, 10, tzinfo=UTC)),
        (dt.datetime(2026, 3, 2, 23, 59, 59, tzinfo=UTC), dt.datetime(2026, 3, 3, 0, 0, tzinfo=UTC)),
    ],
)
def test_next_publish_run_is_the_next_five_minute_mark(now, expected):
    assert next_publish_run(now) == expected


def test_a_scheduled_post_goes_live_when_the_task_runs_after_its_time(client, blog, settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    with time_machine.travel(local(2026, 3, 1, 9, 0), tick=False):
        post = make_post(blog["fr"], "Programmé", dt.date(2026, 3, 2), go_live_at=local(2026, 3, 2, 8, 0))
        assert post.live is False
        assert post.get_latest_revision().approved_go_live_at == local(2026, 3, 2, 8, 0)
        assert publish_scheduled_pages.enqueue("2026-03-01T08:05:00+00:00").return_value == 0
        post.refresh_from_db()
        assert post.live is False
        assert client.get("/fr/blog/programme/").status_code == 404

    with time_machine.travel(local(2026, 3, 2, 7, 59), tick=False):
        assert publish_scheduled_pages.enqueue("2026-03-02T06:59:00+00:00").return_value == 0
    post.refresh_from_db()
    assert post.live is False

    with time_machine.travel(local(2026, 3, 2, 8, 5), tick=False):
        assert publish_scheduled_pages.enqueue("2026-03-02T07:05:00+00:00").return_value == 1
        post.refresh_from_db()
        assert post.live is True
        assert post.first_published_at == local(2026, 3, 2, 8, 5)
        assert client.get("/fr/blog/programme/").status_code == 200
        assert ">Programmé</a></h3>" in client.get("/fr/blog/").content.decode()


def test_the_worker_runs_the_chain_every_five_minutes(blog, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = "brussels_international.website.tasks.publish_scheduled_pages"
    with time_machine.travel(local(2026, 3, 2, 9, 58), tick=False) as clock:
        post = make_post(blog["fr"], "Programmé", dt.date(2026, 3, 2), go_live_at=local(2026, 3, 2, 10, 2))
        call_command("schedule_tasks", stdout=StringIO())
        call_command("schedule_tasks", stdout=StringIO())  # idempotent
        waiting = DBTaskResult.objects.get(task_path=path, status=TaskResultStatus.READY)
        assert waiting.run_after == local(2026, 3, 2, 10, 0)
        clock.move_to(local(2026, 3, 2, 10, 0))
        run_worker()
        post.refresh_from_db()
        assert post.live is False  # 10:00: not yet
        clock.move_to(local(2026, 3, 2, 10, 5))
        run_worker()
    post.refresh_from_db()
    assert post.live is True
    assert [r.return_value for r in DBTaskResult.objects.filter(task_path=path, status="SUCCESSFUL")] == [0, 1]
    waiting = DBTaskResult.objects.get(task_path=path, status=TaskResultStatus.READY)
    assert waiting.run_after == local(2026, 3, 2, 10, 10)


# --- moderation ---------------------------------------------------------------------------------


@pytest.fixture
def people(blog, staff_login):  # type: ignore[no-untyped-def]
    groups_setup()
    author = User.objects.create_user("author", "author@example.org", "x")
    author.groups.add(Group.objects.get(name="Permits"))
    reviewer = User.objects.create_user("reviewer", "reviewer@example.org", "x")
    reviewer.groups.add(Group.objects.get(name="Communication"))
    return author, reviewer


def add_form_data(title: str) -> dict[str, str]:
    return {
        "title": title,
        "slug": "visite-a-prague",
        "date": "2026-03-02",
        "intro": "Une introduction.",
        "body": json.dumps({"blocks": [], "entityMap": {}}),
        "image_alt": "",
        "tags": "",
        "seo_title": "",
        "search_description": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


def test_the_blog_review_workflow_is_set_up_once_on_every_blog(blog):
    blog_moderation_setup()
    blog_moderation_setup()
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert [t.name for t in workflow.tasks] == [TASK_NAME]
    assert [g.name for g in workflow.tasks[0].specific.groups.all()] == ["Communication"]
    for index in blog.values():
        assert index.get_workflow() == workflow


def test_unit_staff_submit_a_draft_communication_approves_it(client, blog, people, staff_login):
    author, reviewer = people
    staff_login(client, author)

    response = client.post(
        f"/admin/pages/add/website/blogpostpage/{blog['fr'].pk}/",
        {**add_form_data("Visite à Prague"), "action-submit": "Submit for moderation"},
    )

    assert response.status_code == 302
    post = BlogPostPage.objects.get(title="Visite à Prague")
    assert post.live is False
    assert post.owner == author
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(post.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == TASK_NAME

    # The author cannot publish: no permission, no action in the review task, and a "publish"
    # post of the edit form leaves the page a draft.
    assert post.permissions_for_user(author).can_publish() is False
    assert state.current_task_state.task.specific.get_actions(post, author) == []
    client.post(f"/admin/pages/{post.pk}/edit/", {**add_form_data("Visite à Prague"), "action-publish": "1"})
    post.refresh_from_db()
    assert post.live is False
    # Nor can they write elsewhere on the site.
    assert Page.objects.get(pk=blog["fr"].get_parent().pk).permissions_for_user(author).can_add_subpage() is False

    task = state.current_task_state.task.specific
    assert [name for name, _label, _modal in task.get_actions(post, reviewer)] == ["reject", "approve", "approve"]
    staff_login(client, reviewer)
    response = client.post(
        f"/admin/pages/workflow/action/{post.pk}/approve/{state.current_task_state.pk}/", {"comment": ""}
    )
    assert response.status_code == 302

    post.refresh_from_db()
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert post.live is True
    assert client.get("/fr/blog/visite-a-prague/").status_code == 200
