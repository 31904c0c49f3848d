"""The blog's categories in the workspace (a snippet screen under "Blog categories"), audited like
the directory's reference data. Who may change them: the Communication group
(``core/groups.py``, ``NEWSLETTER_KEEP``) and the administrators."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from brussels_international.core.admin_views import AuditedSnippetViewSet

from .models import BlogCategory


class BlogCategoryViewSet(AuditedSnippetViewSet):
    """List, add, edit and delete blog categories (slug, names in fr/nl/en, order)."""

    model = BlogCategory
    icon = "tag"
    menu_label = _("Blog categories")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["name", "slug", "order"]
    search_fields = ["slug", "name_fr", "name_nl", "name_en"]
    ordering = ["order", "slug"]
    panels = [
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("name_fr"), FieldPanel("name_nl"), FieldPanel("name_en")]),
        FieldPanel("order"),
    ]
