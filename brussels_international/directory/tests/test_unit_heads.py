"""A head of unit (a person with a current head role, linked to a workspace account) sees the
unit's deadlines: the unit's own and each member's; other people see their own and their units'."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User

from brussels_international.core.deadline_services import deadline_register
from brussels_international.core.groups import groups_setup
from brussels_international.core.selectors import deadlines_for_user, open_deadlines_for_user
from brussels_international.core.tasks import reminder_message

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def _member(username: str, group: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.invalid", "x" * 12)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def unit(unit_factory, person_factory, role_factory):  # type: ignore[no-untyped-def]
    groups_setup()
    permits = unit_factory(name_en="Permits", staff_group="Permits")
    head = _member("head", "Permits")
    role_factory(person=person_factory(given_name="Hana", family_name="Head", user=head), unit=permits, is_head=True)
    officer = _member("officer", "Permits")
    role_factory(person=person_factory(given_name="Otto", family_name="Officer", user=officer), unit=permits)
    other = _member("other", "Bilateral Relations")

    def register(title: str, **responsible):  # type: ignore[no-untyped-def]
        return deadline_register(
            actor=None, title=title, legal_basis="", due=TODAY + dt.timedelta(days=3), **responsible
        )

    register("Officer's own", responsible_user=officer)
    register("Unit's", responsible_group=Group.objects.get(name="Permits"))
    register("Other unit's officer", responsible_user=other)
    register("Head's own", responsible_user=head)
    return {"head": head, "officer": officer, "other": other, "role": head.person.roles.get()}


def titles(user: User, **options: bool) -> list[str]:
    return sorted(open_deadlines_for_user(user, **options).values_list("title", flat=True))


def test_the_head_sees_the_units_deadlines_and_each_members(unit) -> None:  # type: ignore[no-untyped-def]
    assert titles(unit["head"]) == ["Head's own", "Officer's own", "Unit's"]
    assert titles(unit["officer"]) == ["Officer's own", "Unit's"]
    assert titles(unit["other"]) == ["Other unit's officer"]
    assert titles(unit["head"], include_staff=False) == ["Head's own", "Unit's"]


def test_an_ended_head_role_or_an_unlinked_account_sees_only_their_own(unit) -> None:  # type: ignore[no-untyped-def]
    role = unit["role"]
    role.end_date = dt.date(2026, 1, 31)
    role.save()
    with time_machine.travel("2026-06-15 10:00 +02:00"):
        assert titles(unit["head"]) == ["Head's own", "Unit's"]
    role.end_date = None
    role.save()
    person = role.person
    person.user = None
    person.save()
    assert titles(unit["head"]) == ["Head's own", "Unit's"]


def test_the_home_shows_whose_deadline_it_is_and_the_digest_stays_personal(unit, client) -> None:  # type: ignore[no-untyped-def]
    from brussels_international.core.tests.auth import staff_login

    staff_login(client, unit["head"])
    with time_machine.travel("2026-06-15 10:00 +02:00"):
        page = client.get("/admin/").content.decode()
        lists = deadlines_for_user(unit["head"], today=TODAY)
        message = reminder_message(unit["head"], today=TODAY)
    assert [d.title for d in lists["this_week"]] == ["Officer's own", "Unit's", "Head's own"]
    assert "responsable : officer" in page
    assert message is not None
    assert "Officer's own" not in message[1] and "Unit's" in message[1]
