"""Workspace screens to mark a deadline done (with an optional note) and to reopen it ("Undo").

Both ask for confirmation on a page of their own, then call
:func:`core.deadline_services.deadline_complete` or ``deadline_reopen``. Someone who is not
responsible for the deadline (its person, a member of its unit, or a superuser) is sent back
to the workspace home with the reason; an unknown deadline answers 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .deadline_services import deadline_complete, deadline_may_complete, deadline_reopen, met_in_dossier
from .models import Deadline, DeadlineStatus
from .workflow import TransitionError

NOTE_MAX_LENGTH = 2000


class DeadlineNoteForm(forms.Form):
    """The optional note kept with the status change."""

    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        help_text=gettext_lazy("For example how it was met, or a reference. Kept in the deadline's history."),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeadlineStatusView(WagtailAdminTemplateMixin, TemplateView):
    """Confirmation page (GET) and change (POST) of a deadline's status; subclasses say which."""

    template_name = "core/deadline_status.html"
    header_icon = "date"
    source_status = DeadlineStatus.OPEN
    refused_message = gettext_lazy("Only the person or unit responsible can complete this deadline.")
    wrong_status_message = gettext_lazy("This deadline is already done.")
    question = gettext_lazy("Mark this deadline as done?")
    submit_label = gettext_lazy("Mark as done")
    deadline: Deadline

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def back_url(self) -> str:
        """Where to go afterwards: the form's ``next`` when it is on this site, else the home."""
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        request = self.request
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            return target
        return reverse("wagtailadmin_home")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.deadline = get_object_or_404(Deadline, pk=kwargs["pk"])
        if not deadline_may_complete(self.deadline, request.user):
            messages.error(request, str(self.refused_message))
            return HttpResponseRedirect(reverse("wagtailadmin_home"))
        if met_in_dossier(self.deadline):  # the services refuse it too; say so before the form
            messages.error(request, _("This deadline is met in its dossier: record the step there."))
            return HttpResponseRedirect(self.deadline.url or reverse("wagtailadmin_home"))
        if self.deadline.status != self.source_status:
            messages.warning(request, str(self.wrong_status_message))
            return HttpResponseRedirect(self.back_url())
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "deadline": self.deadline,
                "form": kwargs.get("form") or DeadlineNoteForm(),
                "question": self.question,
                "submit_label": self.submit_label,
                "next": self.back_url(),
            }
        )
        return context

    def change(self, user: User, note: str) -> Deadline:
        raise NotImplementedError

    def success(self, deadline: Deadline) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = DeadlineNoteForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        user = request.user
        assert isinstance(user, User)  # workspace URLs require a signed-in user
        try:
            deadline = self.change(user, form.cleaned_data["note"])
        except TransitionError as error:  # changed meanwhile (by a colleague, another tab)
            messages.error(request, str(error))
            return HttpResponseRedirect(self.back_url())
        self.success(deadline)
        return HttpResponseRedirect(self.back_url())


class DeadlineCompleteView(DeadlineStatusView):
    """Mark an open deadline done; the success message offers "Undo" (reopen)."""

    page_title = gettext_lazy("Mark a deadline as done")

    def change(self, user: User, note: str) -> Deadline:
        return deadline_complete(actor=user, deadline=self.deadline, note=note)

    def success(self, deadline: Deadline) -> None:
        html = render_to_string(
            "core/deadline_done_message.html", {"deadline": deadline, "next": self.back_url()}, request=self.request
        )
        messages.success(self.request, html)


class DeadlineReopenView(DeadlineStatusView):
    """Put a done deadline back to open (the "Undo" of the success message posts here)."""

    page_title = gettext_lazy("Reopen a deadline")
    source_status = DeadlineStatus.DONE
    refused_message = gettext_lazy("Only the person or unit responsible can reopen this deadline.")
    wrong_status_message = gettext_lazy("This deadline is already open.")
    question = gettext_lazy("Reopen this deadline? It will be listed again among your open deadlines.")
    submit_label = gettext_lazy("Reopen")

    def change(self, user: User, note: str) -> Deadline:
        return deadline_reopen(actor=user, deadline=self.deadline, note=note)

    def success(self, deadline: Deadline) -> None:
        messages.success(self.request, _("Deadline reopened: %(title)s") % {"title": deadline.title})
