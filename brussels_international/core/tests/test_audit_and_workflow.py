"""The audit trail and the shared transition helper, on a test-only case model."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation

from brussels_international.core.models import AuditEntry, AuditVerb, StatusChange
from brussels_international.core.selectors import audit_entries_for, status_history_for
from brussels_international.core.services import audit_record, field_changes
from brussels_international.core.workflow import TransitionError, available_transitions, transition
from tests.workflow_app.models import DemoDossier, DemoStatus
from tests.workflow_app.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db


def make_user(username: str, *perms: str) -> User:
    user = User.objects.create_user(username, password="x" * 12)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return User.objects.get(pk=user.pk)  # fresh instance: permission cache empty


def test_audit_record_writes_actor_verb_object_and_payload():
    user = make_user("alice")
    dossier = DemoDossier.objects.create(title="Visit of the mayor of Prague")
    with transaction.atomic():
        entry = audit_record(
            actor=user, verb=AuditVerb.UPDATED, obj=dossier, payload={"changes": field_changes({"a": 1}, {"a": 2})}
        )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == user
    assert stored.actor_label == "alice"
    assert stored.verb == "updated"
    assert stored.object == dossier
    assert stored.object_repr == "Visit of the mayor of Prague"
    assert stored.payload == {"changes": {"a": [1, 2]}}
    assert list(audit_entries_for(dossier)) == [stored]


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_is_refused():
    dossier = DemoDossier.objects.create(title="x")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, verb=AuditVerb.CREATED, obj=dossier)


def test_audit_entry_rolls_back_with_the_change():
    dossier = DemoDossier.objects.create(title="before")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        dossier.title = "after"
        dossier.save()
        audit_record(actor=None, verb=AuditVerb.UPDATED, obj=dossier)
        1 / 0  # noqa: B018
    dossier.refresh_from_db()
    assert dossier.title == "before"
    assert AuditEntry.objects.count() == 0


def test_field_changes_lists_only_changed_fields():
    assert field_changes({"a": 1, "b": "x", "c": None}, {"a": 1, "b": "y", "d": 3}) == {
        "b": ["x", "y"],
        "d": [None, 3],
    }


def test_transition_moves_records_status_change_and_audit():
    clerk = make_user("clerk", "submit_demodossier")
    dossier = DemoDossier.objects.create(title="d", submitted_by=clerk)
    transition(actor=clerk, obj=dossier, to=DemoStatus.SUBMITTED, transitions=TRANSITIONS, note="complete")
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    change = status_history_for(dossier).get()
    assert (change.from_status, change.to_status, change.actor, change.note) == (
        "draft",
        "submitted",
        clerk,
        "complete",
    )
    entry = audit_entries_for(dossier).get()
    assert entry.verb == AuditVerb.STATUS_CHANGED
    assert entry.payload == {"from": "draft", "to": "submitted", "note": "complete"}


def test_transition_not_in_table_is_refused_and_nothing_written():
    boss = make_user("boss", "submit_demodossier", "approve_demodossier")
    dossier = DemoDossier.objects.create(title="d")
    with pytest.raises(TransitionError) as refused:
        transition(actor=boss, obj=dossier, to=DemoStatus.APPROVED, transitions=TRANSITIONS)
    assert str(refused.value) == "Un dossier au statut « draft » ne peut pas passer à « approved »."  # default: fr
    with translation.override("en"), pytest.raises(TransitionError) as refused:
        transition(actor=boss, obj=dossier, to=DemoStatus.APPROVED, transitions=TRANSITIONS)
    assert str(refused.value) == "A case in status “draft” cannot move to “approved”."
    dossier.refresh_from_db()
    assert dossier.status == "draft"
    assert StatusChange.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_transition_without_permission_is_refused():
    nobody = make_user("nobody")
    dossier = DemoDossier.objects.create(title="d")
    with pytest.raises(PermissionDenied):
        transition(actor=nobody, obj=dossier, to=DemoStatus.SUBMITTED, transitions=TRANSITIONS)
    dossier.refresh_from_db()
    assert dossier.status == "draft"


def test_guard_enforces_four_eyes():
    clerk = make_user("clerk", "submit_demodossier", "approve_demodossier")
    other = make_user("other", "approve_demodossier")
    dossier = DemoDossier.objects.create(title="d", submitted_by=clerk)
    transition(actor=clerk, obj=dossier, to=DemoStatus.SUBMITTED, transitions=TRANSITIONS)
    assert [t.target for t in available_transitions(dossier, actor=clerk, transitions=TRANSITIONS)] == []
    with pytest.raises(TransitionError, match="cannot approve"):
        transition(actor=clerk, obj=dossier, to=DemoStatus.APPROVED, transitions=TRANSITIONS)
    assert [t.target for t in available_transitions(dossier, actor=other, transitions=TRANSITIONS)] == ["approved"]
    transition(actor=other, obj=dossier, to=DemoStatus.APPROVED, transitions=TRANSITIONS)
    dossier.refresh_from_db()
    assert dossier.status == "approved"


def test_system_moves_need_system_flag():
    admin = User.objects.create_superuser("root", password="x" * 12)
    dossier = DemoDossier.objects.create(title="d", status=DemoStatus.APPROVED)
    with pytest.raises(PermissionDenied):
        transition(actor=admin, obj=dossier, to=DemoStatus.CLOSED, transitions=TRANSITIONS)
    transition(actor=None, obj=dossier, to=DemoStatus.CLOSED, transitions=TRANSITIONS, system=True)
    dossier.refresh_from_db()
    assert dossier.status == "closed"
    assert status_history_for(dossier).get().actor is None


def test_changes_display_reads_like_a_sentence_list():
    dossier = DemoDossier.objects.create(title="d")
    with transaction.atomic():
        entry = audit_record(
            actor=None,
            verb=AuditVerb.UPDATED,
            obj=dossier,
            payload={"changes": {"title": ["d", "e"], "phones": [[], ["02 800 37 45"]]}, "source": "staff import"},
        )
    assert entry.changes_display() == "phones: — → 02 800 37 45\ntitle: d → e\nsource: staff import"
