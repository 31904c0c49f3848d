"""Workspace hooks of the newsletter campaigns (imported by ``wagtail_hooks.py``): screens and menu item."""

from __future__ import annotations

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import campaign_views
from .subscriber_hooks import NEWSLETTER_MENU_HOOK

app_name = "newsletter_campaigns"
urlpatterns = [
    path("", campaign_views.CampaignListView.as_view(), name="list"),
    path("new/", campaign_views.CampaignCreateView.as_view(), name="create"),
    path("<int:pk>/", campaign_views.CampaignDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", campaign_views.CampaignEditView.as_view(), name="edit"),
    path("<int:pk>/progress/", campaign_views.campaign_progress_view, name="progress"),
    path("<int:pk>/confirm/<str:action>/", campaign_views.CampaignConfirmView.as_view(), name="confirm"),
]


@hooks.register("register_admin_urls")
def register_campaign_urls() -> list[Any]:
    """``/admin/newsletter-campaigns/``: list, compose, campaign page, confirmations, progress."""
    return [path("newsletter-campaigns/", include((urlpatterns, app_name), namespace=app_name))]


class CampaignMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm("newsletter.view_campaign"))


@hooks.register(NEWSLETTER_MENU_HOOK)
def register_campaign_menu_item() -> MenuItem:
    """ "Campaigns" in the workspace's "Newsletter" submenu, for users who may see campaigns."""
    return CampaignMenuItem(_("Campaigns"), reverse("newsletter_campaigns:list"), icon_name="mail", order=100)
