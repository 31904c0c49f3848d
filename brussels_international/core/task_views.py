"""Workspace screens of the background tasks (*Settings → Background tasks*), for administrators.

A read-only listing of the task results kept by the database backend (``DBTaskResult``):
newest first, filtered by status and task; a page per result with its arguments, attempt,
exception and traceback; and, for a failed result, "Retry now" (confirmation, then
:func:`core.background.task_retry`). Only users with ``django_tasks_database.view_dbtaskresult``
(the Administrator group) and superusers see them; the others are refused like any other
workspace screen they may not open.
"""

from __future__ import annotations

import json
from typing import Any

import django_filters
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .background import ATTEMPT_KWARG, task_attempt, task_retry

STATUS_LABELS = {
    TaskResultStatus.READY: gettext_lazy("Waiting"),
    TaskResultStatus.RUNNING: gettext_lazy("Running"),
    TaskResultStatus.FAILED: gettext_lazy("Failed"),
    TaskResultStatus.SUCCESSFUL: gettext_lazy("Succeeded"),
}


def status_label(result: DBTaskResult) -> str:
    """The translated status of *result*."""
    return str(STATUS_LABELS.get(TaskResultStatus(result.status), result.status))


def short_task_name(task_path: str) -> str:
    """``brussels_international.core.tasks.send_deadline_reminders`` → ``send_deadline_reminders``."""
    return task_path.rsplit(".", 1)[-1]


def run_after_display(result: DBTaskResult) -> Any:
    """When the task may run at the earliest, or ``"—"`` for "as soon as possible"."""
    return "—" if result.run_after == get_date_max() else result.run_after


class TaskResultPermissionPolicy(ModelPermissionPolicy):
    """Only "view" can ever be granted, superusers included: task results are written by the worker."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        return action == "view" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return "view" in actions and super().user_has_permission(user, "view")


register_permission_policy(DBTaskResult, TaskResultPermissionPolicy(DBTaskResult))


def _task_choices() -> list[tuple[str, str]]:
    paths = DBTaskResult.objects.order_by("task_path").values_list("task_path", flat=True).distinct()
    return [(task_path, short_task_name(task_path)) for task_path in paths]


class TaskResultFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=[(str(k), v) for k, v in STATUS_LABELS.items()]
    )
    task_path = django_filters.ChoiceFilter(label=gettext_lazy("Task"), choices=_task_choices)

    class Meta:
        model = DBTaskResult
        fields = ["status", "task_path"]


class TaskResultIndexView(IndexView):
    """Newest first; columns with translated headings."""

    page_title = gettext_lazy("Background tasks")

    @cached_property
    def columns(self) -> list[Any]:
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column(
                "task_name",
                label=gettext_lazy("Task"),
                accessor=lambda result: short_task_name(result.task_path),
                get_url=self.get_inspect_url,
            ),
            Column("status", label=gettext_lazy("Status"), accessor=status_label, sort_key="status"),
            Column("attempt", label=gettext_lazy("Attempt"), accessor=task_attempt),
            DateColumn("enqueued_at", label=gettext_lazy("Queued"), sort_key="enqueued_at"),
            Column("run_after", label=gettext_lazy("Not before"), accessor=run_after_display),
            DateColumn("finished_at", label=gettext_lazy("Finished"), sort_key="finished_at"),
        ]


class TaskResultInspectView(InspectView):
    """Everything recorded about one run, and "Retry now" when it failed."""

    labels = {
        "task_path": gettext_lazy("Task"),
        "status": gettext_lazy("Status"),
        "attempt": gettext_lazy("Attempt"),
        "arguments": gettext_lazy("Arguments"),
        "enqueued_at": gettext_lazy("Queued"),
        "run_after": gettext_lazy("Not before"),
        "started_at": gettext_lazy("Started"),
        "finished_at": gettext_lazy("Finished"),
        "worker_ids": gettext_lazy("Workers"),
        "return_value": gettext_lazy("Result"),
        "exception_class_path": gettext_lazy("Exception"),
        "traceback": gettext_lazy("Traceback"),
    }
    retry_url_name = ""

    def get_page_subtitle(self) -> str:
        return short_task_name(self.object.task_path)

    def get_field_label(self, field_name: str, field: Any) -> str:
        return str(self.labels.get(field_name) or super().get_field_label(field_name, field))

    def get_status_display_value(self) -> str:
        return status_label(self.object)

    def get_attempt_display_value(self) -> int:
        return task_attempt(self.object)

    def get_arguments_display_value(self) -> str:
        args_kwargs = self.object.args_kwargs or {}
        kwargs = {k: v for k, v in (args_kwargs.get("kwargs") or {}).items() if k != ATTEMPT_KWARG}
        shown = {"args": args_kwargs.get("args") or [], "kwargs": kwargs}
        return format_html("<pre>{}</pre>", json.dumps(shown, indent=2, ensure_ascii=False))

    def get_run_after_display_value(self) -> Any:
        return run_after_display(self.object)

    def get_worker_ids_display_value(self) -> str:
        return ", ".join(self.object.worker_ids or []) or "—"

    def get_return_value_display_value(self) -> str:
        value = self.object.return_value
        return "—" if value is None else json.dumps(value, ensure_ascii=False)

    def get_exception_class_path_display_value(self) -> str:
        return self.object.exception_class_path or "—"

    def get_traceback_display_value(self) -> str:
        if not self.object.traceback:
            return "—"
        return format_html('<pre class="task-traceback">{}</pre>', self.object.traceback)

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        return []

    @cached_property
    def header_buttons(self) -> list[Any]:
        if self.object.status != TaskResultStatus.FAILED or not self.retry_url_name:
            return []
        url = reverse(self.retry_url_name, args=[self.object.pk])
        return [HeaderButton(_("Retry now"), url=url, icon_name="rotate")]


class TaskRetryView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """GET: "Run this task again?"; POST: :func:`~core.background.task_retry`, back to the listing."""

    model = DBTaskResult
    permission_required = "view"
    template_name = "core/task_retry.html"
    page_title = gettext_lazy("Retry a task")
    header_icon = "rotate"
    index_url_name = ""
    inspect_url_name = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.object = get_object_or_404(DBTaskResult, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Background tasks")},
            {"url": reverse(self.inspect_url_name, args=[self.object.pk]), "label": self.get_page_subtitle()},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_page_subtitle(self) -> str:
        return short_task_name(self.object.task_path)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "result": self.object,
                "task_name": short_task_name(self.object.task_path),
                "failed": self.object.status == TaskResultStatus.FAILED,
                "inspect_url": reverse(self.inspect_url_name, args=[self.object.pk]),
            }
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        assert isinstance(user, User)  # workspace URLs require a signed-in user
        try:
            task_retry(actor=user, result=self.object)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse(self.inspect_url_name, args=[self.object.pk]))
        messages.success(
            request, _("The task %(name)s is queued again.") % {"name": short_task_name(self.object.task_path)}
        )
        return HttpResponseRedirect(reverse(self.index_url_name))


class TaskResultViewSet(ModelViewSet):
    """The task results, read-only, in the Settings menu; no add, edit, copy or delete screen."""

    model = DBTaskResult
    name = "background_tasks"
    url_prefix = "background-tasks"
    icon = "tasks"
    menu_label = gettext_lazy("Background tasks")
    menu_order = 900
    add_to_settings_menu = True
    index_view_class = TaskResultIndexView
    inspect_view_class = TaskResultInspectView
    inspect_view_enabled = True
    inspect_view_fields = [
        "task_path",
        "status",
        "attempt",
        "arguments",
        "enqueued_at",
        "run_after",
        "started_at",
        "finished_at",
        "worker_ids",
        "return_value",
        "exception_class_path",
        "traceback",
    ]
    copy_view_enabled = False
    filterset_class = TaskResultFilterSet
    ordering = ["-enqueued_at"]
    list_per_page = 50
    search_fields = ["task_path"]
    search_backend_name = None
    exclude_form_fields: list[str] = []

    def get_inspect_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_inspect_view_kwargs(retry_url_name=self.get_url_name("retry"), **kwargs)

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for name in ("add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"):
            view_kwargs[name] = None
        return view_kwargs

    @property
    def retry_view(self) -> Any:
        return TaskRetryView.as_view(
            index_url_name=self.get_url_name("index"), inspect_url_name=self.get_url_name("inspect")
        )

    def get_urlpatterns(self) -> list[Any]:
        kept = {"index", "index_results", "inspect"}
        patterns = [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]
        return [*patterns, path("retry/<uuid:pk>/", self.retry_view, name="retry")]
