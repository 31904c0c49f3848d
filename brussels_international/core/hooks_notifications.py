"""Workspace hooks of the staff workspace core (issue 3): notifications (list, menu entry with
the unread count), background tasks for administrators (Settings menu), and the screens that
mark a deadline done or reopen it. Imported at the end of :mod:`core.wagtail_hooks`."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks

from .deadline_views import DeadlineCompleteView, DeadlineReopenView
from .notification_views import (
    NotificationListView,
    NotificationMarkView,
    NotificationsMarkAllReadView,
    NotificationsMenuItem,
    notification_open,
)
from .task_views import TaskResultViewSet


@hooks.register("register_admin_urls")
def register_workspace_core_urls() -> list[Any]:
    """Notifications (``/admin/notifications/...``) and deadline status screens (``/admin/deadlines/...``)."""
    return [
        path("notifications/", NotificationListView.as_view(), name="core_notifications"),
        path("notifications/<int:pk>/open/", notification_open, name="core_notification_open"),
        path("notifications/<int:pk>/read/", NotificationMarkView.as_view(read=True), name="core_notification_read"),
        path(
            "notifications/<int:pk>/unread/", NotificationMarkView.as_view(read=False), name="core_notification_unread"
        ),
        path("notifications/read-all/", NotificationsMarkAllReadView.as_view(), name="core_notifications_read_all"),
        path("deadlines/<int:pk>/done/", DeadlineCompleteView.as_view(), name="core_deadline_complete"),
        path("deadlines/<int:pk>/reopen/", DeadlineReopenView.as_view(), name="core_deadline_reopen"),
    ]


@hooks.register("register_admin_menu_item")
def register_notifications_menu_item() -> NotificationsMenuItem:
    """The menu entry "Notifications (3)", for everyone."""
    return NotificationsMenuItem(
        gettext_lazy("Notifications"), reverse("core_notifications"), name="notifications", icon_name="mail", order=50
    )


@hooks.register("register_admin_viewset")
def register_task_results_viewset() -> TaskResultViewSet:
    """*Settings → Background tasks*, for administrators."""
    return TaskResultViewSet()
