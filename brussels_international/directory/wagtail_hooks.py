"""The directory in the workspace: people (with roles, portfolios and phones), units, partners,
networks, organisations, programmes and topics, each with its history of changes."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.urls import path, reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from brussels_international.core.admin_views import AuditedSnippetViewSet
from brussels_international.core.document_views import DossierInspectView
from brussels_international.core.forms import LinesField

from .admin_views import StaffImportView
from .models import Directorate, EUProgramme, InternationalOrganisation, Network, Partner, Person, Topic, Unit


class AliasesForm(WagtailAdminModelForm):
    """Admin form whose ``aliases`` list is edited one name per line."""

    aliases = LinesField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_field = self._meta.model._meta.get_field("aliases")
        self.fields["aliases"].label = capfirst(model_field.verbose_name)
        self.fields["aliases"].help_text = _("%(help)s One per line.") % {"help": model_field.help_text}


class PersonFilterSet(WagtailFilterSet):
    """Filters of the people listing: published or not, and unit."""

    unit = django_filters.ModelChoiceFilter(
        field_name="roles__unit", queryset=Unit.objects.all(), label=_("Unit"), distinct=True
    )

    class Meta:
        model = Person
        fields = ["is_public"]


def _names() -> list[FieldPanel | FieldRowPanel]:
    return [FieldPanel("slug"), FieldRowPanel([FieldPanel("name_fr"), FieldPanel("name_nl"), FieldPanel("name_en")])]


class PersonViewSet(AuditedSnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = ["full_name", "slug", BooleanColumn("is_public", label=_("published in the directory"))]
    filterset_class = PersonFilterSet
    search_fields = ["given_name", "family_name"]
    ordering = ["family_name", "given_name"]
    base_form_class = AliasesForm
    panels = [
        FieldRowPanel([FieldPanel("given_name"), FieldPanel("family_name")]),
        FieldPanel("slug"),
        FieldPanel("aliases"),
        FieldRowPanel([FieldPanel("employee_number"), FieldPanel("is_public"), FieldPanel("user")]),
        InlinePanel("phones", label=_("Phone numbers"), panels=[FieldPanel("number")]),
        InlinePanel(
            "roles",
            label=_("Roles"),
            panels=[
                # Six units: a plain list reads better than a chooser dialog.
                FieldRowPanel([FieldPanel("unit", widget=forms.Select), FieldPanel("is_head")]),
                FieldRowPanel([FieldPanel("title_fr"), FieldPanel("title_nl"), FieldPanel("title_en")]),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                MultiFieldPanel(
                    [
                        FieldPanel("partners"),
                        FieldPanel("networks"),
                        FieldPanel("organisations"),
                        FieldPanel("programmes"),
                        FieldPanel("topics"),
                    ],
                    heading=_("Portfolio"),
                ),
            ],
        ),
    ]


class UnitViewSet(AuditedSnippetViewSet):
    model = Unit
    icon = "group"
    menu_label = _("Units")
    list_display = ["name", "number", "slug"]
    ordering = ["order"]
    panels = [
        FieldRowPanel([FieldPanel("slug"), FieldPanel("kind"), FieldPanel("number"), FieldPanel("order")]),
        FieldRowPanel([FieldPanel("name_fr"), FieldPanel("name_nl"), FieldPanel("name_en")]),
        FieldPanel("mission_fr"),
        FieldPanel("mission_nl"),
        FieldPanel("mission_en"),
        FieldPanel("staff_group"),
    ]


class PartnerViewSet(AuditedSnippetViewSet):
    model = Partner
    icon = "site"
    menu_label = _("Partners")
    list_display = [
        "name",
        "kind",
        "country",
        BooleanColumn("has_agreement", label=_("bilateral cooperation agreement")),
    ]
    list_filter = ["kind", "has_agreement"]
    search_fields = ["name_fr", "name_nl", "name_en"]
    base_form_class = AliasesForm
    inspect_view_class = DossierInspectView  # with the partner's documents (signed agreements...)
    panels = [
        *_names(),
        FieldPanel("aliases"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("country"), FieldPanel("has_agreement")]),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("note_fr"),
        FieldPanel("note_nl"),
        FieldPanel("note_en"),
    ]


class NetworkViewSet(AuditedSnippetViewSet):
    model = Network
    icon = "link"
    menu_label = _("Networks")
    list_display = ["name", "acronym"]
    search_fields = ["name_fr", "name_nl", "name_en", "acronym"]
    base_form_class = AliasesForm
    panels = [*_names(), FieldPanel("acronym"), FieldPanel("aliases")]


class OrganisationViewSet(AuditedSnippetViewSet):
    model = InternationalOrganisation
    icon = "globe"
    menu_label = _("International organisations")
    list_display = ["name", "acronym", "kind"]
    search_fields = ["name_fr", "name_nl", "name_en", "acronym"]
    base_form_class = AliasesForm
    panels = [*_names(), FieldRowPanel([FieldPanel("acronym"), FieldPanel("kind")]), FieldPanel("aliases")]


class ProgrammeViewSet(AuditedSnippetViewSet):
    model = EUProgramme
    icon = "doc-full"
    menu_label = _("EU programmes")
    list_display = ["name"]
    search_fields = ["name_fr", "name_nl", "name_en"]
    base_form_class = AliasesForm
    panels = [*_names(), FieldPanel("aliases")]


class TopicViewSet(AuditedSnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics and EU policy areas")
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name_fr", "name_nl", "name_en"]
    base_form_class = AliasesForm
    panels = [*_names(), FieldPanel("kind"), FieldPanel("aliases")]


class DirectorateViewSet(AuditedSnippetViewSet):
    model = Directorate
    icon = "home"
    menu_label = _("Directorate")
    list_display = ["name", "slug"]
    panels = [
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("name_fr"), FieldPanel("name_nl"), FieldPanel("name_en")]),
        FieldPanel("tagline_fr"),
        FieldPanel("tagline_nl"),
        FieldPanel("tagline_en"),
        FieldPanel("slogan_fr"),
        FieldPanel("slogan_nl"),
        FieldPanel("slogan_en"),
        FieldPanel("description_fr"),
        FieldPanel("description_nl"),
        FieldPanel("description_en"),
        FieldRowPanel(
            [FieldPanel("director"), FieldPanel("foreign_policy_since"), FieldPanel("stated_agreement_count")]
        ),
    ]


class DirectoryGroup(SnippetViewSetGroup):
    menu_label = _("Directory")
    menu_icon = "user"
    menu_order = 200
    items = (
        PersonViewSet,
        UnitViewSet,
        PartnerViewSet,
        NetworkViewSet,
        OrganisationViewSet,
        ProgrammeViewSet,
        TopicViewSet,
        DirectorateViewSet,
    )


register_snippet(DirectoryGroup)


@hooks.register("register_admin_urls")
def register_staff_import_url() -> list[Any]:
    """The staff-list import screen, under ``/admin/directory/import-staff/``."""
    return [path("directory/import-staff/", StaffImportView.as_view(), name="directory_staff_import")]


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users holding ``permission``."""

    def __init__(self, *args: Any, permission: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request: Any) -> bool:
        return bool(request.user.has_perm(self.permission))


@hooks.register("register_admin_menu_item")
def register_staff_import_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Import a staff list"),
        reverse_lazy("directory_staff_import"),
        icon_name="upload",
        order=201,
        permission="directory.add_person",
    )
