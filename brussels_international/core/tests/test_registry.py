"""The record-kind registry: keys, order, deny by default."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from brussels_international.core.models import Deadline
from brussels_international.core.registry import (
    RecordKind,
    kind_for,
    record_kinds,
    register_kind,
    unregister_kind,
    user_can_change,
    user_can_view,
)
from brussels_international.directory.models import Partner, Person

pytestmark = pytest.mark.django_db


def test_the_modules_register_their_kinds_in_order() -> None:
    keys = [kind.key for kind in record_kinds()]
    assert keys[:3] == ["directory.person", "directory.partner", "correspondence.letter"]
    assert kind_for(Person) is not None and kind_for(Person).key == "directory.person"  # type: ignore[union-attr]


def test_a_key_must_name_its_model() -> None:
    with pytest.raises(ValueError, match=r"record kind key 'core\.wrong' must be 'core\.deadline'"):
        register_kind(RecordKind(key="core.wrong", model=Deadline, label="x", visible_to=lambda u: None, url=str))  # type: ignore[arg-type,return-value]


def test_unregistered_kinds_and_anonymous_users_see_nothing(partner_factory) -> None:  # type: ignore[no-untyped-def]
    root = User.objects.create_superuser("root", "root@example.invalid", "x" * 12)
    partner = partner_factory()
    assert user_can_view(root, partner) is True
    assert user_can_change(root, partner) is True
    assert user_can_view(AnonymousUser(), partner) is False
    viewer = User.objects.create_user("viewer", password="x" * 12)
    assert user_can_view(viewer, partner) is False  # no directory.view_partner
    unregister_kind("directory.partner")
    try:
        assert user_can_view(root, partner) is False
    finally:
        from brussels_international.directory.kinds import register_directory_kinds

        register_directory_kinds()
    assert kind_for(Partner) is not None
