"""The iCal feed of a person's open deadlines (``/calendar/<token>.ics``) and its workspace screen.

The feed needs no login: the token in the address is the secret (RFC 5545 calendar, one
all-day event per open deadline, built with ``icalendar``), so calendar clients can
subscribe. Unknown or revoked tokens answer 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .deadline_services import calendar_token_create, calendar_token_revoke
from .i18n import user_language
from .models import CalendarFeedToken, Deadline
from .selectors import open_deadlines_for_user

UID_DOMAIN = "brussels-international"


def deadline_uid(deadline: Deadline) -> str:
    """The stable UID of a deadline's calendar event (the same in every download)."""
    return f"deadline-{deadline.pk}@{UID_DOMAIN}"


def absolute_url(url: str) -> str:
    """*url* made absolute with ``SITE_BASE_URL`` when it is a path."""
    if url.startswith("/"):
        return settings.SITE_BASE_URL.rstrip("/") + url
    return url


def calendar_for(deadlines: Any) -> bytes:
    """Return the iCal text of one all-day VEVENT per deadline in *deadlines*."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Brussels International//Deadlines//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Brussels International deadlines"))
    stamp = timezone.now()
    for deadline in deadlines:
        event = icalendar.Event()
        event.add("uid", deadline_uid(deadline))
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_date)
        event.add("dtend", deadline.due_date + dt.timedelta(days=1))
        event.add("summary", deadline.title)
        if deadline.legal_basis:
            event.add("description", deadline.legal_basis)
        if deadline.url:
            event.add("url", absolute_url(deadline.url))
        cal.add_component(event)
    return bytes(cal.to_ical())


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed of the user who owns live *token*; 404 for unknown or revoked tokens."""
    try:
        feed = CalendarFeedToken.objects.select_related("user").get(token=token, revoked_at__isnull=True)
    except CalendarFeedToken.DoesNotExist:
        raise Http404("No such calendar.") from None
    if not feed.user.is_active:
        raise Http404("No such calendar.")
    with translation.override(user_language(feed.user)):  # the calendar's name, in the owner's language
        body = calendar_for(open_deadlines_for_user(feed.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def feed_url(request: HttpRequest, token: CalendarFeedToken) -> str:
    """The full address of *token*'s feed."""
    return absolute_url(reverse("calendar_feed", kwargs={"token": token.token}))


class CalendarFeedView(WagtailAdminTemplateMixin, TemplateView):
    """Workspace screen: show, renew or revoke the person's calendar address (revoke asks first)."""

    template_name = "core/calendar_feed.html"
    page_title = gettext_lazy("Calendar of my deadlines")
    header_icon = "date"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assert isinstance(user, User)  # workspace URLs require a logged-in user
        live = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).first()
        context["feed_url"] = feed_url(self.request, live) if live else ""
        context["confirm_revoke"] = self.request.GET.get("revoke") == "1" and live is not None
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        assert isinstance(user, User)  # workspace URLs require a logged-in user
        if "renew" in request.POST:
            calendar_token_create(user=user)
            messages.success(request, _("Your calendar has a new address; the previous one no longer works."))
        elif "revoke" in request.POST:
            calendar_token_revoke(user=user)
            messages.success(request, _("Your calendar address no longer works."))
        return redirect("core_calendar_feed")
