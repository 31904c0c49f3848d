"""Workspace screens of the arms-embargo table (``/admin/screening/embargoes/``, namespace
``screening_embargoes``): the list with its filters, a row with its history, the create and edit
forms, the delete confirmation, and the destination check.

Every screen checks its permission on the server: ``screening.view_armsembargo`` to read (the
Permits group and the Director), ``add``/``change``/``delete_armsembargo`` to write (the Permits
group, ``core/groups.py``). Changes go through :mod:`.embargo_services`; every form posts, then
redirects (POST-redirect-GET).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from brussels_international.core.models import AuditVerb
from brussels_international.core.selectors import audit_entries_for

from . import embargo_services as services
from .embargo_forms import DestinationCheckForm, EmbargoForm, country_choices
from .embargo_selectors import CURATED_AS_OF, NO_COUNTRY, LegalForce, destination_check, embargo_list, legal_force
from .models import ArmsEmbargo, IssuingBody

VIEW = "screening.view_armsembargo"
ADD = "screening.add_armsembargo"
CHANGE = "screening.change_armsembargo"
DELETE = "screening.delete_armsembargo"
STATUSES = (
    ("in_force", gettext_lazy("In force today")),
    ("lifted", gettext_lazy("Lifted")),
    ("all", gettext_lazy("All")),
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # workspace URLs require a signed-in user
    return user


def target_names() -> dict[str, str]:
    """Country code → name in the active language, with ``ZZ`` named as no country."""
    return {**dict(country_choices()), NO_COUNTRY: _("No country (named group)")}


class _Screen(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "warning"
    permission = VIEW

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(self.permission):
            return permission_denied(request)
        return super().dispatch(request, *args, **kwargs)

    def crumbs(self, *items: tuple[str, str]) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("screening_embargoes:list"), "label": gettext_lazy("Arms embargoes")},
            *({"url": url, "label": label} for url, label in items),
        ]

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.crumbs(("", str(self.get_page_title())))

    def embargo(self) -> ArmsEmbargo:
        return get_object_or_404(ArmsEmbargo, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(can_add=user.has_perm(ADD), can_change=user.has_perm(CHANGE), can_delete=user.has_perm(DELETE))
        return context


def _row(embargo: ArmsEmbargo, names: dict[str, str]) -> dict[str, Any]:
    force = legal_force(embargo.scope) or LegalForce.BINDING
    return {
        "embargo": embargo,
        "country": names.get(embargo.target, embargo.target),
        "legal_force": LegalForce.LABELS[force],
        "binding": force == LegalForce.BINDING,
    }


class EmbargoListView(_Screen):
    """The table, filtered by status (in force today, lifted, all) and issuing body."""

    template_name = "screening/embargoes/list.html"
    page_title = gettext_lazy("Arms embargoes")

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "in_force")
        if status not in dict(STATUSES):
            status = "in_force"
        body = self.request.GET.get("body", "")
        if body not in IssuingBody.values:
            body = ""
        names = target_names()
        rows = [_row(embargo, names) for embargo in embargo_list(status=status, issuing_body=body)]
        context.update(rows=rows, status=status, statuses=STATUSES, body=body, bodies=IssuingBody.choices)
        return context


class EmbargoDetailView(_Screen):
    """One embargo with every field and its history (the audit entries of the row, newest first)."""

    template_name = "screening/embargoes/detail.html"

    def get_page_title(self) -> str:
        return str(self.embargo())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        embargo = self.embargo()
        context.update(
            row=_row(embargo, target_names()),
            embargo=embargo,
            history=embargo_history(embargo),
        )
        return context


def embargo_history(embargo: ArmsEmbargo) -> list[dict[str, Any]]:
    """The audit entries of *embargo*, newest first, each with the fields it changed
    (``[(label, old, new)]``; none listed for the entry that created the row)."""
    labels = {f.name: str(f.verbose_name) for f in ArmsEmbargo._meta.get_fields() if hasattr(f, "verbose_name")}
    items = []
    for entry in audit_entries_for(embargo).order_by("-created_at", "-pk"):
        changes = (entry.payload or {}).get("changes", {})
        creation = entry.verb == AuditVerb.CREATED or all(pair[0] is None for pair in changes.values())
        items.append(
            {
                "when": entry.created_at,
                "who": entry.actor_label or "—",
                "what": entry.get_verb_display(),
                "changes": []
                if creation
                else [(labels.get(name, name), pair[0], pair[1]) for name, pair in sorted(changes.items())],
            }
        )
    return items


def _values(form: EmbargoForm) -> dict[str, Any]:
    return {name: form.cleaned_data.get(name) for name in services.EMBARGO_FIELDS}


def _form_errors(form: EmbargoForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class EmbargoCreateView(_Screen):
    """A new row of the table (``screening.add_armsembargo``)."""

    template_name = "screening/embargoes/form.html"
    permission = ADD
    page_title = gettext_lazy("New arms embargo")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("form", EmbargoForm())
        context["cancel_url"] = reverse("screening_embargoes:list")
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        form = EmbargoForm(request.POST)
        if form.is_valid():
            try:
                embargo = services.embargo_create(actor=_user(request), values=_values(form))
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Arms embargo “%(name)s” added.") % {"name": embargo})
                return redirect("screening_embargoes:detail", pk=embargo.pk)
        return self.render_to_response(self.get_context_data(form=form))


class EmbargoEditView(_Screen):
    """Change a row (``screening.change_armsembargo``); the change is audited with its fields."""

    template_name = "screening/embargoes/form.html"
    permission = CHANGE

    def get_page_title(self) -> str:
        return _("Edit: %(name)s") % {"name": self.embargo()}

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        embargo = self.embargo()
        return self.crumbs((reverse("screening_embargoes:detail", args=[embargo.pk]), str(embargo)), ("", _("Edit")))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        embargo = self.embargo()
        initial = {name: getattr(embargo, name) for name in services.EMBARGO_FIELDS}
        context.setdefault("form", EmbargoForm(initial=initial))
        context.update(embargo=embargo, cancel_url=reverse("screening_embargoes:detail", args=[embargo.pk]))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        embargo = self.embargo()
        form = EmbargoForm(request.POST)
        if form.is_valid():
            try:
                changes = services.embargo_update(actor=_user(request), embargo=embargo, values=_values(form))
            except ValidationError as error:
                _form_errors(form, error)
            else:
                if changes:
                    messages.success(request, _("Arms embargo “%(name)s” saved.") % {"name": embargo})
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("screening_embargoes:detail", pk=embargo.pk)
        return self.render_to_response(self.get_context_data(form=form))


class EmbargoDeleteView(_Screen):
    """Asks for confirmation (GET), then deletes the row (POST; ``screening.delete_armsembargo``)."""

    template_name = "screening/embargoes/delete.html"
    permission = DELETE

    def get_page_title(self) -> str:
        return _("Delete: %(name)s") % {"name": self.embargo()}

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        embargo = self.embargo()
        return self.crumbs((reverse("screening_embargoes:detail", args=[embargo.pk]), str(embargo)), ("", _("Delete")))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        embargo = self.embargo()
        context.update(embargo=embargo, row=_row(embargo, target_names()))
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        embargo = self.embargo()
        name = str(embargo)
        services.embargo_delete(actor=_user(request), embargo=embargo)
        messages.success(request, _("Arms embargo “%(name)s” deleted.") % {"name": name})
        return redirect("screening_embargoes:list")


class DestinationCheckView(_Screen):
    """A country and a day (default today) → the embargoes in force there that day and the verdict
    (:func:`.embargo_selectors.destination_check`)."""

    template_name = "screening/embargoes/check.html"
    page_title = gettext_lazy("Destination check")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        answer = None
        if "country" in self.request.GET:
            data = {
                "country": self.request.GET.get("country", ""),
                "on": self.request.GET.get("on") or timezone.localdate().isoformat(),
            }
            form = DestinationCheckForm(data)
            if form.is_valid():
                try:
                    answer = destination_check(country=form.cleaned_data["country"], on=form.cleaned_data["on"])
                except ValueError as error:
                    form.add_error("country", str(error))
        else:
            form = DestinationCheckForm()
        names = target_names()
        context.update(
            form=form,
            answer=answer,
            country_name=names.get(answer.country, answer.country) if answer else "",
            as_of=CURATED_AS_OF,
        )
        return context
