"""Workspace screens of the newsletter's subscriber side, in the "Newsletter" submenu.

- Topics: a snippet (create, edit, delete audited; :class:`core.admin_views.AuditedSnippetViewSet`).
- Subscribers: a read-only list (filter by status, language, topic; search by address; 50 a page),
  a page per subscriber with its consents and bounces, and "Erase" (with a confirmation step)
  that calls :func:`.services.subscriber_erase`. No create or edit screen: subscribers sign up and
  change their preferences themselves (their consent, GDPR art. 7), staff only look and erase.

Permissions (Communication group, ``core.groups.NEWSLETTER_KEEP``): ``newsletter.*_topic``;
``view_subscriber`` for the list and pages, ``delete_subscriber`` for erasure.

The submenu is :data:`NEWSLETTER_MENU_HOOK`: other newsletter screens (campaigns) add their items
to it with ``menu_hook = NEWSLETTER_MENU_HOOK`` or ``@hooks.register(NEWSLETTER_MENU_HOOK)``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import Menu, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.views.generic import DeleteView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet

from brussels_international.core.admin_views import AuditedSnippetViewSet

from . import selectors, services
from .models import Subscriber, Topic

NEWSLETTER_MENU_HOOK = "register_newsletter_menu_item"
"""The hook the items of the "Newsletter" submenu register with."""


class TopicViewSet(AuditedSnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    menu_order = 300
    menu_hook = NEWSLETTER_MENU_HOOK
    list_display = ["name_en", "slug", "order", BooleanColumn("active", label=_("offered on the subscription form"))]
    list_filter = ["active"]
    search_fields = ["slug", "name_fr", "name_nl", "name_en"]
    ordering = ["order", "slug"]
    panels = [
        FieldRowPanel([FieldPanel("slug"), FieldPanel("order"), FieldPanel("active")]),
        FieldRowPanel([FieldPanel("name_fr"), FieldPanel("name_nl"), FieldPanel("name_en")]),
    ]


class SubscriberFilterSet(WagtailFilterSet):
    """Filters of the subscriber list: status, language and topic."""

    topics = django_filters.ModelChoiceFilter(queryset=Topic.objects.all(), label=_("Topic"), distinct=True)

    class Meta:
        model = Subscriber
        fields = ["status", "language"]


class SubscriberInspectView(InspectView):
    """A subscriber's page: fields, consents (with IP address and wording), bounces, "Erase"."""

    template_name = "newsletter/admin/subscriber_inspect.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(selectors.subscriber_history(self.object))
        context["erase_url"] = self.get_delete_url()
        return context

    def get_header_buttons(self) -> list[Any]:
        return []  # "Erase" is a button of the page, labelled for what it does

    def get_suspension_reason_display_value(self) -> str:
        """The reason for suspension in the workspace language (stored as an English msgid)."""
        return services.suspension_reason_label(self.object.suspension_reason)


class SubscriberEraseView(DeleteView):
    """Erase a subscriber after confirmation (:func:`.services.subscriber_erase`, GDPR art. 17)."""

    page_title = _("Erase")
    usage_url_name = None

    @property
    def confirmation_message(self) -> str:
        return _gettext(
            "Erase this subscriber? The address, name, topics, consents and bounces are deleted for good; "
            "the figures of past campaigns are kept without the address. This cannot be undone."
        )

    def get_success_message(self) -> str:
        return _gettext("Subscriber #%(pk)s erased.") % {"pk": self.kwargs.get("pk", "")}

    def delete_action(self) -> None:
        services.subscriber_erase(actor=self.request.user, subscriber=self.object)


class SubscriberViewSet(ModelViewSet):
    """The subscriber list, pages and erasure (no create, edit or copy screens)."""

    model = Subscriber
    icon = "mail"
    menu_label = _("Subscribers")
    menu_order = 200
    menu_hook = NEWSLETTER_MENU_HOOK
    inspect_view_enabled = True
    copy_view_enabled = False
    inspect_view_class = SubscriberInspectView
    delete_view_class = SubscriberEraseView
    list_display = ["email", "name", "language", "status", "created_at"]
    filterset_class = SubscriberFilterSet
    search_fields = ["email"]
    search_backend_name = None
    list_per_page = 50
    form_fields = ["name", "language", "topics"]  # unused: no add/edit screen is routed
    inspect_view_fields = [
        "email",
        "name",
        "language",
        "topics",
        "status",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
        "suspended_at",
        "suspension_reason",
        "soft_bounces",
    ]

    def get_queryset(self, request: Any) -> Any:
        return selectors.subscribers_for_workspace()

    def get_common_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_common_view_kwargs(**{"add_url_name": None, "edit_url_name": None, **kwargs})  # type: ignore[no-any-return]

    def get_urlpatterns(self) -> list[URLPattern | URLResolver]:
        return [p for p in super().get_urlpatterns() if getattr(p, "name", "") not in {"add", "edit", "copy"}]


@hooks.register("register_admin_menu_item")
def register_newsletter_menu() -> SubmenuMenuItem:
    """The "Newsletter" submenu, shown when one of its items is."""
    return SubmenuMenuItem(_("Newsletter"), Menu(register_hook_name=NEWSLETTER_MENU_HOOK), icon_name="mail", order=270)


@hooks.register("register_admin_viewset")
def register_subscriber_viewset() -> SubscriberViewSet:
    """``/admin/newsletter-subscribers/``: the subscriber list, pages and erasure."""
    return SubscriberViewSet("newsletter-subscribers")


register_snippet(TopicViewSet)
