"""Workspace (Wagtail admin) building blocks shared by every app.

:class:`AuditedSnippetViewSet` makes the create, edit and delete screens of a snippet
write the audit trail (with the changed fields, old and new values) and a Wagtail log
entry that the object's history page shows ("who, when, what changed").
"""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, IndexView, SnippetViewSet

from .models import AuditVerb
from .services import audit_change, snapshot_for_audit
from .text import fold


class FoldedSearchIndexView(IndexView):
    """Listing whose search ignores case and accents and looks at every name a record has.

    A model that defines ``admin_search_text()`` (all its names, other spellings, phone
    numbers...) is searched on that text, folded (``"gerard"`` finds Pierre Gérard, ``"Kiev"``
    finds Kyiv); the directory's tables are small (hundreds of rows), so this runs in Python.
    Other models use the ORM search on ``search_fields``.
    """

    def search_queryset(self, queryset: Any) -> Any:
        if not self.is_searching or not hasattr(queryset.model, "admin_search_text"):
            return super().search_queryset(queryset)
        needle = fold(self.search_query)
        digits = "".join(ch for ch in self.search_query if ch.isdigit())
        matching = [
            obj.pk
            for obj in queryset
            if needle in fold(obj.admin_search_text())
            or (len(digits) >= 4 and digits in "".join(ch for ch in obj.admin_search_text() if ch.isdigit()))
        ]
        return queryset.filter(pk__in=matching)


class AuditedEditView(EditView):
    """Edit screen that records what changed (audit trail + history entry)."""

    def save_instance(self) -> models.Model:
        stored = type(self.object)._default_manager.get(pk=self.object.pk)
        before = snapshot_for_audit(stored)
        instance: models.Model = super().save_instance()
        saved = type(instance)._default_manager.get(pk=instance.pk)  # children and links as stored
        changes = audit_change(actor=self.request.user, obj=saved, before=before, verb=AuditVerb.UPDATED)
        if changes:
            # Put the changes on Wagtail's own "edited" entry, so the history shows one row per save.
            entry = (
                ModelLogEntry.objects.filter(
                    content_type__app_label=instance._meta.app_label,
                    content_type__model=instance._meta.model_name,
                    object_id=str(instance.pk),
                    action="wagtail.edit",
                )
                .order_by("-timestamp", "-pk")
                .first()
            )
            if entry is not None:
                entry.data = {**(entry.data or {}), "changes": changes}
                entry.save(update_fields=["data"])
            else:
                log(instance, "wagtail.edit", user=self.request.user, data={"changes": changes})
        return instance


class AuditedCreateView(CreateView):
    """Create screen that records the new object in the audit trail."""

    def save_instance(self) -> models.Model:
        instance: models.Model = super().save_instance()
        audit_change(actor=self.request.user, obj=instance, before={}, verb=AuditVerb.CREATED)
        return instance


class AuditedDeleteView(DeleteView):
    """Delete screen (Wagtail asks for confirmation) that keeps a copy of the deleted values."""

    def delete_action(self) -> None:
        from django.db import transaction

        with transaction.atomic():
            before = snapshot_for_audit(self.object)
            audit_change(actor=self.request.user, obj=self.object, before=before, verb=AuditVerb.DELETED)
            super().delete_action()


class AuditedSnippetViewSet(SnippetViewSet):
    """A snippet viewset whose writes are audited.

    ``base_form_class`` (optional) is the admin form the ``panels`` are built on, for
    fields that need a custom form field (such as lists edited one item per line).
    """

    index_view_class = FoldedSearchIndexView
    edit_view_class = AuditedEditView
    add_view_class = AuditedCreateView
    delete_view_class = AuditedDeleteView
    base_form_class: type[WagtailAdminModelForm] | None = None
    # A read-only page per record: where search results and documents link to, for users who may
    # view but not change it.
    inspect_view_enabled = True
    # Listing search with the ORM (``icontains`` on ``search_fields``): the same on SQLite and
    # PostgreSQL, and always up to date (the database search backend failed on field-restricted
    # searches on SQLite).
    search_backend_name = None

    def get_edit_handler(self) -> Any:
        if self.base_form_class is not None and getattr(self, "panels", None):
            return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(self.model)
        return super().get_edit_handler()
