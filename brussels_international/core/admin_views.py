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
from wagtail.snippets.views.snippets import CreateView, DeleteView, EditView, SnippetViewSet

from .models import AuditVerb
from .services import audit_change, snapshot_for_audit


class AuditedEditView(EditView):
    """Edit screen that records what changed (audit trail + history entry)."""

    def save_instance(self) -> models.Model:
        stored = type(self.object)._default_manager.get(pk=self.object.pk)
        before = snapshot_for_audit(stored)
        instance: models.Model = super().save_instance()
        saved = type(instance)._default_manager.get(pk=instance.pk)  # children and links as stored
        changes = audit_change(actor=self.request.user, obj=saved, before=before, verb=AuditVerb.UPDATED)
        if changes:
            log(instance, "bi.changed", user=self.request.user, data={"changes": changes})
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

    edit_view_class = AuditedEditView
    add_view_class = AuditedCreateView
    delete_view_class = AuditedDeleteView
    base_form_class: type[WagtailAdminModelForm] | None = None
    # Listing search with the ORM (``icontains`` on ``search_fields``): the same on SQLite and
    # PostgreSQL, and always up to date (the database search backend failed on field-restricted
    # searches on SQLite).
    search_backend_name = None

    def get_edit_handler(self) -> Any:
        if self.base_form_class is not None and getattr(self, "panels", None):
            return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(self.model)
        return super().get_edit_handler()
