"""Workspace screens of the correspondence module: the list, registration, the letter page.

Every screen checks on the server that the user may see the letter
(:func:`selectors.letters_visible_to`); a letter the user may not see answers 404, as if it
did not exist. Changes go through :mod:`correspondence.services`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from brussels_international.core.workflow import TransitionError, available_transitions

from .forms import AnswerForm, AssignForm, LetterForm, NoteForm
from .models import Letter, LetterStatus
from .selectors import letter_list, letter_status_history, letter_timeline, letters_visible_to
from .services import letter_answer, letter_assign, letter_close, letter_may_assign, letter_register, letter_reopen
from .workflow import TRANSITIONS

PAGE_SIZE = 25
ACTIONS: dict[str, str] = {LetterStatus.CLOSED: "close", LetterStatus.ASSIGNED: "reopen"}
"""The buttons of an answered letter: the target status → the form's ``action``."""


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # workspace URLs require a logged-in user
    return user


def _visible_letter(request: HttpRequest, pk: int) -> Letter:
    """The letter *pk* if *request.user* may see it; 404 otherwise (its existence is not revealed)."""
    return get_object_or_404(letters_visible_to(request.user).select_related("unit", "assigned_to", "deadline"), pk=pk)


def _form_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form, on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class LetterListView(WagtailAdminTemplateMixin, TemplateView):
    """The letters the user may see, newest first, filtered by status, 25 a page."""

    template_name = "correspondence/letter_list.html"
    page_title = gettext_lazy("Correspondence")
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("correspondence.view_letter"):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        if status not in LetterStatus.values:
            status = ""
        page = Paginator(letter_list(self.request.user, status=status), PAGE_SIZE).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            status=status,
            statuses=LetterStatus.choices,
            can_add=self.request.user.has_perm("correspondence.add_letter"),
        )
        return context


class LetterCreateView(WagtailAdminTemplateMixin, FormView):
    """Register a letter (needs ``correspondence.add_letter``)."""

    template_name = "correspondence/letter_form.html"
    form_class = LetterForm
    page_title = gettext_lazy("Register a letter")
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("correspondence.add_letter"):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("correspondence:list"), "label": _("Correspondence")},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": _user(self.request)}

    def form_valid(self, form: LetterForm) -> HttpResponse:
        try:
            letter = letter_register(actor=_user(self.request), **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Letter %(reference)s registered; answer due on %(due)s.")
            % {"reference": letter.reference, "due": letter.reply_due.strftime("%d/%m/%Y") if letter.reply_due else ""},
        )
        return redirect("correspondence:detail", letter.pk)


class LetterDetailView(WagtailAdminTemplateMixin, TemplateView):
    """The letter's page: facts, officer, status buttons, documents, timeline."""

    template_name = "correspondence/letter_detail.html"
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("correspondence.view_letter"):
            return permission_denied(request)
        self.letter = _visible_letter(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return self.letter.reference

    def get_page_subtitle(self) -> str:
        return self.letter.subject

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("correspondence:list"), "label": _("Correspondence")},
            {"url": "", "label": self.letter.reference},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = _user(self.request)
        letter = self.letter
        moves = available_transitions(letter, actor=user, transitions=TRANSITIONS)
        context.update(
            letter=letter,
            moves=[
                (ACTIONS[move.target], move.label)
                for move in moves
                if letter.status == LetterStatus.ANSWERED and move.target in ACTIONS
            ],
            can_answer=any(move.target == LetterStatus.ANSWERED for move in moves),
            can_assign=letter_may_assign(user, letter),
            assign_form=kwargs.get("assign_form") or AssignForm(unit=letter.unit),
            answer_form=kwargs.get("answer_form") or AnswerForm(),
            timeline=letter_timeline(letter),
            status_history=letter_status_history(letter),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = _user(request)
        action = request.POST.get("action", "")
        try:
            if action == "assign":
                assign_form = AssignForm(request.POST, unit=self.letter.unit)
                if not assign_form.is_valid():
                    return self.render_to_response(self.get_context_data(assign_form=assign_form), status=400)
                letter_assign(actor=user, letter=self.letter, officer=assign_form.cleaned_data["officer"])
                messages.success(request, _("Officer in charge saved."))
            elif action == "answer":
                answer_form = AnswerForm(request.POST)
                if not answer_form.is_valid():
                    return self.render_to_response(self.get_context_data(answer_form=answer_form), status=400)
                try:
                    letter_answer(actor=user, letter=self.letter, **answer_form.cleaned_data)
                except ValidationError as error:  # shown next to the field, not as a message
                    _form_errors(answer_form, error)
                    return self.render_to_response(self.get_context_data(answer_form=answer_form), status=400)
                messages.success(request, _("Answer recorded; the deadline is done."))
            elif action in ("close", "reopen"):
                note_form = NoteForm(request.POST)
                note = note_form.cleaned_data["note"] if note_form.is_valid() else ""
                if action == "close":
                    letter_close(actor=user, letter=self.letter, note=note)
                    messages.success(request, _("Letter closed."))
                else:
                    letter_reopen(actor=user, letter=self.letter, note=note)
                    messages.success(request, _("Letter reopened; its deadline is open again."))
            else:
                raise Http404("Unknown action.")
        except (TransitionError, ValidationError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You are not allowed to do this."))
        return redirect("correspondence:detail", self.letter.pk)
