"""Moderation of the blog: draft → review → published, by the communication team (Wagtail workflows).

- The staff of the units (groups with ``blog_author`` in ``core/groups.py``: Bilateral Relations,
  Multilateral and Europe, EU Delegation, Finance and Travel, Permits) may add and edit posts
  under the blog index pages, save drafts and submit them for review; they cannot publish.
- The workflow :data:`WORKFLOW_NAME` ("Blog review") has one task, :data:`TASK_NAME`, a
  ``GroupApprovalTask`` of the :data:`REVIEWERS` group ("Communication"), and is assigned to the
  blog index page of each language, so it applies to every post under them. A reviewer approves
  (the post is published, or scheduled when it has a go-live date) or requests changes (back to
  the author, with a comment).
- Communication, the Director and the Administrator hold publish permission on the whole site
  (``edit_pages``) and may still publish a post directly.

:func:`blog_moderation_setup` creates all this idempotently; ``manage.py setup_site`` runs it.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from brussels_international.core.groups import blog_authors_setup

from .models import BlogIndexPage

WORKFLOW_NAME = "Blog review"
TASK_NAME = "Review by the communication team"
REVIEWERS = "Communication"


@transaction.atomic
def blog_moderation_setup() -> Workflow:
    """Create or update the "Blog review" workflow and assign it to every blog index page; give
    the unit groups their page permissions on those pages (``core.groups.blog_authors_setup``).

    Idempotent: run again, it creates nothing new; the task's reviewers are reset to exactly the
    Communication group (created empty if ``setup_groups`` has not run yet) and the workflow
    is made active again if it was disabled.

    Returns:
        The workflow.
    """
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    elif not task.active:
        task.active = True
        task.save(update_fields=["active"])
    task.groups.set([reviewers])
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for index in BlogIndexPage.objects.all():
        WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
    blog_authors_setup()
    return workflow
