"""Workspace screens of the newsletter campaigns: list, compose, campaign page (preview, test, schedule,
figures and progress), confirmation of unschedule/cancel, and the progress figures as JSON.

Permissions: ``newsletter.view_campaign`` to see, ``add_campaign`` / ``change_campaign`` to compose and
test, ``send_campaign`` to schedule, unschedule and cancel (the Communication group has them all).
Changes go through :mod:`newsletter.campaign_services`.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from brussels_international.core.i18n import LANGUAGE_CODES, user_language
from brussels_international.core.workflow import TransitionError

from .campaign_forms import CONTENT_FIELD_NAMES, CampaignForm, ConfirmForm, ScheduleForm, TestSendForm
from .campaign_selectors import campaign_figures, campaign_list, campaign_recipient_languages
from .campaign_services import (
    campaign_cancel,
    campaign_create,
    campaign_schedule,
    campaign_schedule_problems,
    campaign_send_test,
    campaign_unschedule,
    campaign_update,
)
from .models import Campaign, CampaignStatus
from .sending import render_campaign

PAGE_SIZE = 25
CONFIRM_ACTIONS = {
    "unschedule": (CampaignStatus.SCHEDULED,),
    "cancel": (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.SENDING),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # workspace URLs require a logged-in user
    return user


def _form_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form, on its field when it names one."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class _CampaignMixin(WagtailAdminTemplateMixin):
    """Permission check and breadcrumbs of the campaign screens."""

    header_icon = "mail"
    permission = "newsletter.view_campaign"
    request: HttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        if "pk" in kwargs:
            self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        if hasattr(self, "campaign"):
            context["campaign"] = self.campaign
        return context

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        items = [*self.breadcrumbs_items, {"url": reverse("newsletter_campaigns:list"), "label": _("Campaigns")}]
        if hasattr(self, "campaign"):
            items.append(
                {"url": reverse("newsletter_campaigns:detail", args=[self.campaign.pk]), "label": self.campaign.title}
            )
        return [*items, {"url": "", "label": self.get_page_title()}]


class CampaignListView(_CampaignMixin, TemplateView):
    """Campaigns newest first with their status and figures, filtered by status, 25 a page."""

    template_name = "newsletter/campaign/list.html"
    page_title = gettext_lazy("Newsletter campaigns")

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        if status not in CampaignStatus.values:
            status = ""
        page = Paginator(campaign_list(status=status), PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            status=status,
            statuses=CampaignStatus.choices,
            can_add=self.request.user.has_perm("newsletter.add_campaign"),
        )
        return context


class CampaignCreateView(_CampaignMixin, FormView):
    """Compose a new campaign (a draft)."""

    template_name = "newsletter/campaign/form.html"
    form_class = CampaignForm
    permission = "newsletter.add_campaign"
    page_title = gettext_lazy("New campaign")

    def form_valid(self, form: CampaignForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            campaign = campaign_create(
                actor=_user(self.request),
                content={name: data[name] for name in CONTENT_FIELD_NAMES},
                posts=data["posts"],
                topics=data["topics"],
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Campaign “%(title)s” saved as a draft.") % {"title": campaign.title})
        return redirect("newsletter_campaigns:detail", campaign.pk)


class CampaignEditView(_CampaignMixin, FormView):
    """Change a draft campaign; other statuses are sent back to the campaign page with a message."""

    template_name = "newsletter/campaign/form.html"
    form_class = CampaignForm
    permission = "newsletter.change_campaign"
    page_title = gettext_lazy("Edit the campaign")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.campaign.status != CampaignStatus.DRAFT:
            messages.error(request, _("Only a draft can be changed: unschedule the campaign first."))
            return redirect("newsletter_campaigns:detail", self.campaign.pk)
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return CampaignForm.initial_for(self.campaign)

    def form_valid(self, form: CampaignForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            campaign_update(
                actor=_user(self.request),
                campaign=self.campaign,
                content={name: data[name] for name in CONTENT_FIELD_NAMES},
                posts=data["posts"],
                topics=data["topics"],
            )
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Campaign saved."))
        return redirect("newsletter_campaigns:detail", self.campaign.pk)


class CampaignDetailView(_CampaignMixin, TemplateView):
    """The campaign page: facts, figures and progress, what prevents scheduling, the preview per
    language (HTML in a sandboxed frame, and the text version), a test send and the schedule form."""

    template_name = "newsletter/campaign/detail.html"

    def get_page_title(self) -> str:
        return self.campaign.title

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("newsletter_campaigns:list"), "label": _("Campaigns")},
            {"url": "", "label": self.campaign.title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = _user(self.request)
        campaign = self.campaign
        language = self.request.GET.get("lang", "")
        if language not in LANGUAGE_CODES:
            language = user_language(user)
        preview = render_campaign(campaign, language)
        is_draft = campaign.status == CampaignStatus.DRAFT
        context.update(
            campaign=campaign,
            figures=campaign_figures(campaign),
            languages=[(code, name) for code, name in self._languages()],
            preview_language=language,
            preview=preview,
            recipient_languages=campaign_recipient_languages(campaign) if is_draft else {},
            problems=campaign_schedule_problems(campaign) if is_draft else {},
            can_edit=is_draft and user.has_perm("newsletter.change_campaign"),
            can_test=user.has_perm("newsletter.change_campaign"),
            can_send=user.has_perm("newsletter.send_campaign"),
            is_draft=is_draft,
            is_sending=campaign.status == CampaignStatus.SENDING,
            can_unschedule=campaign.status in CONFIRM_ACTIONS["unschedule"],
            can_cancel=campaign.status in CONFIRM_ACTIONS["cancel"],
            schedule_form=kwargs.get("schedule_form") or ScheduleForm(),
            test_form=kwargs.get("test_form") or TestSendForm(initial={"to": user.email, "language": language}),
            posts=list(campaign.posts.select_related("locale").order_by("-date")),
            topics=list(campaign.topics.all()),
        )
        return context

    @staticmethod
    def _languages() -> list[tuple[str, str]]:
        return [("fr", _("French")), ("nl", _("Dutch")), ("en", _("English"))]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = _user(request)
        action = request.POST.get("action", "")
        if action == "test":
            if not user.has_perm("newsletter.change_campaign"):
                return permission_denied(request)
            test_form = TestSendForm(request.POST)
            if not test_form.is_valid():
                return self.render_to_response(self.get_context_data(test_form=test_form), status=400)
            try:
                campaign_send_test(actor=user, campaign=self.campaign, **test_form.cleaned_data)
            except ValidationError as error:
                _form_errors(test_form, error)
                return self.render_to_response(self.get_context_data(test_form=test_form), status=400)
            except (smtplib.SMTPException, OSError) as error:
                messages.error(request, _("The mail server did not accept the test: %(error)s") % {"error": error})
                return redirect("newsletter_campaigns:detail", self.campaign.pk)
            except ValueError:  # BadHeaderError: a subject or title with a line break (saved before the check)
                messages.error(
                    request,
                    _(
                        "The test was not sent: a subject of the campaign contains a line break or another "
                        "control character. Edit the campaign and write each subject on one line."
                    ),
                )
                return redirect("newsletter_campaigns:detail", self.campaign.pk)
            messages.success(
                request,
                _("Test sent to %(address)s (not counted in the figures).") % {"address": test_form.cleaned_data["to"]},
            )
        elif action == "schedule":
            if not user.has_perm("newsletter.send_campaign"):
                return permission_denied(request)
            schedule_form = ScheduleForm(request.POST)
            if not schedule_form.is_valid():
                return self.render_to_response(self.get_context_data(schedule_form=schedule_form), status=400)
            try:
                campaign = campaign_schedule(
                    actor=user, campaign=self.campaign, send_at=schedule_form.cleaned_data["send_at"]
                )
            except ValidationError as error:
                _form_errors(schedule_form, error)
                return self.render_to_response(self.get_context_data(schedule_form=schedule_form), status=400)
            except (TransitionError, PermissionDenied) as error:
                messages.error(request, str(error) or _("You are not allowed to do this."))
                return redirect("newsletter_campaigns:detail", self.campaign.pk)
            messages.success(request, _("Campaign scheduled; the worker sends it at the time given."))
            return redirect("newsletter_campaigns:detail", campaign.pk)
        else:
            raise Http404("Unknown action.")
        return redirect("newsletter_campaigns:detail", self.campaign.pk)


class CampaignConfirmView(_CampaignMixin, FormView):
    """Confirmation page of "unschedule" and "cancel" (GET shows it, POST does it)."""

    template_name = "newsletter/campaign/confirm.html"
    form_class = ConfirmForm
    permission = "newsletter.send_campaign"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.action = kwargs["action"]
        if self.action not in CONFIRM_ACTIONS:
            raise Http404("Unknown action.")
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        if self.action == "unschedule":
            return _("Unschedule the campaign")
        if self.campaign.status == CampaignStatus.SENDING:
            return _("Stop sending the campaign")
        return _("Cancel the campaign")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(campaign=self.campaign, action=self.action, figures=campaign_figures(self.campaign))
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.campaign.status not in CONFIRM_ACTIONS[self.action]:
            messages.error(
                request,
                _("This campaign is %(status)s: nothing to do.") % {"status": self.campaign.get_status_display()},
            )
            return redirect("newsletter_campaigns:detail", self.campaign.pk)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: ConfirmForm) -> HttpResponse:
        user = _user(self.request)
        try:
            if self.action == "unschedule":
                campaign_unschedule(actor=user, campaign=self.campaign)
                messages.success(self.request, _("Campaign unscheduled: it is a draft again."))
            else:
                campaign_cancel(actor=user, campaign=self.campaign, note=form.cleaned_data["note"])
                messages.success(self.request, _("Campaign cancelled."))
        except (TransitionError, PermissionDenied) as error:
            messages.error(self.request, str(error) or _("You are not allowed to do this."))
        return redirect("newsletter_campaigns:detail", self.campaign.pk)


@never_cache
def campaign_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's status and figures as JSON, read by the progress bar of the campaign page."""
    if not request.user.has_perm("newsletter.view_campaign"):
        raise PermissionDenied
    campaign = get_object_or_404(Campaign, pk=pk)
    figures = campaign_figures(campaign)
    return JsonResponse(
        {
            "status": campaign.status,
            "status_label": str(campaign.get_status_display()),
            "recipients": figures.recipients,
            "sent": figures.sent,
            "failed": figures.failed,
            "waiting": figures.waiting,
            "done": figures.done,
            "percent": figures.percent,
        }
    )
