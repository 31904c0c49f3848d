"""Workspace screens of the notifications: the list (all or unread), open, mark read or unread.

Every screen shows or changes only the signed-in user's own notifications: another user's
notification answers 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import Notification
from .notifications import notification_mark_read, notification_mark_unread, notifications_mark_all_read
from .selectors import notifications_for_user, unread_notification_count

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # workspace URLs require a signed-in user
    return user


def _safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` address of the form when it points into this site, else *fallback*."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def request_unread_count(request: HttpRequest) -> int:
    """The signed-in user's number of unread notifications, counted once per request (the list
    and the menu entry both show it)."""
    cached = getattr(request, "_unread_notification_count", None)
    if cached is None:
        cached = unread_notification_count(request.user) if isinstance(request.user, User) else 0
        request._unread_notification_count = cached  # type: ignore[attr-defined]
    return cached


class NotificationListView(WagtailAdminTemplateMixin, TemplateView):
    """The signed-in user's notifications, unread first then newest first, 25 a page;
    ``?show=unread`` lists only the unread ones."""

    template_name = "core/notifications.html"
    page_title = gettext_lazy("Notifications")
    header_icon = "mail"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = _user(self.request)
        unread_only = self.request.GET.get("show") == "unread"
        paginator = WagtailPaginator(notifications_for_user(user, unread_only=unread_only), PAGE_SIZE)
        page = paginator.get_page(self.request.GET.get("p"))
        context.update(
            {
                "page_obj": page,
                "notifications": page.object_list,
                "elided_page_range": paginator.get_elided_page_range(page.number),
                "unread_only": unread_only,
                "unread_count": request_unread_count(self.request),
                "here": self.request.get_full_path(),
            }
        )
        return context


def notification_open(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Mark the notification read and go to the address it links to (the list when it has none
    or when it points off the site)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=_user(request))
    notification_mark_read(user=_user(request), notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect("core_notifications")


class NotificationMarkView(View):
    """POST: mark one notification read (``read = True``) or unread, then back to the list."""

    read = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        user = _user(request)
        notification = get_object_or_404(Notification, pk=pk, recipient=user)
        if self.read:
            notification_mark_read(user=user, notification=notification)
            messages.success(request, _("Marked as read: %(title)s") % {"title": notification.title})
        else:
            notification_mark_unread(user=user, notification=notification)
            messages.success(request, _("Marked as unread: %(title)s") % {"title": notification.title})
        return HttpResponseRedirect(_safe_next(request, reverse("core_notifications")))


class NotificationsMarkAllReadView(View):
    """POST: mark all the user's notifications read."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        count = notifications_mark_all_read(user=_user(request))
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
            % {"count": count},
        )
        return HttpResponseRedirect(_safe_next(request, reverse("core_notifications")))


class NotificationsMenuItem(MenuItem):
    """The workspace menu entry "Notifications", with the number of unread ones: "Notifications (3)".

    Menu items are created once and shared by all requests, so the label is computed in
    :meth:`render_component` (one ``COUNT`` query per workspace page) and never stored.
    """

    def render_component(self, request: HttpRequest) -> LinkMenuItem:
        count = request_unread_count(request)
        label = _("Notifications (%(count)d)") % {"count": count} if count else _("Notifications")
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )
