"""Marking a deadline done from the workspace home, with an optional note, and undoing it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from brussels_international.core.deadline_services import deadline_complete, deadline_register, deadline_reopen
from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry, Deadline, DeadlineStatus
from brussels_international.core.selectors import status_history_for
from brussels_international.core.tests.auth import staff_login
from brussels_international.core.workflow import TransitionError

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username, password="x" * 12)
    user.groups.add(Group.objects.get(name=group))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the new strings have no French yet
    profile.save()
    return user


@pytest.fixture
def people() -> dict[str, User]:
    groups_setup()
    return {
        "officer": staff("officer", "Permits"),
        "colleague": staff("colleague", "Permits"),
        "outsider": staff("outsider", "Communication"),
    }


@pytest.fixture
def deadline(people) -> Deadline:
    return deadline_register(
        actor=None,
        title="Decide on licence BI-1",
        legal_basis="Ordonnance du 20 juin 2013, art. 16",
        due=dt.date(2026, 5, 6),
        responsible_group=Group.objects.get(name="Permits"),
    )


def signed_in(user: User) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def texts(response) -> list[str]:
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", str(m))).strip() for m in get_messages(response.wsgi_request)]


@time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=False)
def test_the_home_panel_has_a_button_per_deadline(people, deadline):
    html = signed_in(people["colleague"]).get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{reverse("core_deadline_complete", args=[deadline.pk])}"' in html
    assert 'Mark as done<span class="w-sr-only">: Decide on licence BI-1</span>' in html


def test_mark_done_with_a_note_then_undo(people, deadline):
    client = signed_in(people["colleague"])
    url = reverse("core_deadline_complete", args=[deadline.pk])
    page = client.get(url).content.decode()
    assert "Mark this deadline as done?" in page
    assert "Decide on licence BI-1" in page
    assert 'name="note"' in page

    response = client.post(url, {"note": "Licence granted on 5 May", "next": HOME})
    assert (response.status_code, response["Location"]) == (302, HOME)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.DONE
    assert deadline.done_at is not None
    [message] = texts(response)
    assert message == "Deadline marked as done: Decide on licence BI-1 Undo"

    home = client.post(url, {"note": "again", "next": HOME}, follow=True).content.decode()  # already done
    assert "This deadline is already done." in home

    undo = client.post(reverse("core_deadline_reopen", args=[deadline.pk]), {"note": "", "next": HOME})
    assert undo["Location"] == HOME
    assert texts(undo) == ["Deadline reopened: Decide on licence BI-1"]
    deadline.refresh_from_db()
    assert (deadline.status, deadline.done_at) == (DeadlineStatus.OPEN, None)
    changes = [(c.from_status, c.to_status, c.actor.username, c.note) for c in status_history_for(deadline)]
    assert changes == [("open", "done", "colleague", "Licence granted on 5 May"), ("done", "open", "colleague", "")]
    verbs = list(
        AuditEntry.objects.filter(object_type__model="deadline", object_id=str(deadline.pk))
        .order_by("created_at", "id")
        .values_list("verb", "actor_label", "payload")
    )
    assert verbs == [
        ("created", "system", {"due_date": "2026-05-06", "responsible": "Permits"}),
        ("status_changed", "colleague", {"from": "open", "to": "done", "note": "Licence granted on 5 May"}),
        ("status_changed", "colleague", {"from": "done", "to": "open", "note": ""}),
    ]


def test_the_success_message_carries_the_undo_form(people, deadline):
    client = signed_in(people["officer"])
    home = client.post(
        reverse("core_deadline_complete", args=[deadline.pk]), {"note": "", "next": HOME}, follow=True
    ).content.decode()
    assert "Deadline marked as done: Decide on licence BI-1" in home
    form = re.search(r'<form method="post" action="([^"]+)" class="w-inline">(.*?)</form>', home, re.S)
    assert form is not None
    assert form.group(1) == reverse("core_deadline_reopen", args=[deadline.pk])
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert ">Undo</button>" in form.group(2)
    client.post(form.group(1), {"note": "Undone right after marking it done.", "next": HOME})
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN


def test_someone_not_responsible_is_refused(people, deadline):
    url = reverse("core_deadline_complete", args=[deadline.pk])
    for response in (signed_in(people["outsider"]).get(url), signed_in(people["outsider"]).post(url, {"note": "x"})):
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home"))
        assert texts(response) == ["Only the person or unit responsible can complete this deadline."]
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN
    assert status_history_for(deadline).count() == 0

    deadline_complete(actor=people["officer"], deadline=deadline)
    response = signed_in(people["outsider"]).post(reverse("core_deadline_reopen", args=[deadline.pk]))
    assert texts(response) == ["Only the person or unit responsible can reopen this deadline."]
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.DONE


def test_the_reopen_page_asks_first(people, deadline):
    deadline_complete(actor=people["officer"], deadline=deadline)
    client = signed_in(people["officer"])
    url = reverse("core_deadline_reopen", args=[deadline.pk])
    assert "Reopen this deadline?" in client.get(url).content.decode()
    deadline_reopen(actor=people["officer"], deadline=deadline)
    response = client.get(url)
    assert texts(response) == ["This deadline is already open."]


def test_a_too_long_note_is_refused_and_nothing_changes(people, deadline):
    client = signed_in(people["officer"])
    response = client.post(reverse("core_deadline_complete", args=[deadline.pk]), {"note": "x" * 2001})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The form has an error." in page
    assert "Ensure this value has at most 2000 characters (it has 2001)." in page
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.OPEN


def test_unknown_deadline_is_404_and_next_must_stay_on_the_site(people, deadline):
    client = signed_in(people["officer"])
    assert client.get(reverse("core_deadline_complete", args=[deadline.pk + 100])).status_code == 404
    response = client.post(
        reverse("core_deadline_complete", args=[deadline.pk]), {"note": "", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("wagtailadmin_home")


def test_reopen_service_checks_responsibility_and_status(people, deadline):
    with translation.override("en"):
        with pytest.raises(TransitionError, match="cannot move to “open”"):
            deadline_reopen(actor=people["officer"], deadline=deadline)
        deadline_complete(actor=people["officer"], deadline=deadline)
        refusal = re.escape("Only the person or unit responsible can reopen this deadline.")
        with pytest.raises(TransitionError, match=refusal):
            deadline_reopen(actor=people["outsider"], deadline=deadline)
        reopened = deadline_reopen(actor=people["colleague"], deadline=deadline, note="not finished")
    assert (reopened.status, reopened.done_at) == (DeadlineStatus.OPEN, None)
