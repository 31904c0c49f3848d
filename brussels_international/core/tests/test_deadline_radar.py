"""The deadlines radar: registration, the home panel, the iCal feed, the reminder digest."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from brussels_international.core.deadline_services import (
    calendar_token_create,
    calendar_token_revoke,
    deadline_complete,
    deadline_register,
)
from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry, CalendarFeedToken, Deadline, DeadlineStatus
from brussels_international.core.selectors import deadlines_for_user, status_history_for
from brussels_international.core.tasks import send_deadline_reminders
from brussels_international.core.tests.auth import staff_login
from brussels_international.core.workflow import TransitionError

pytestmark = pytest.mark.django_db

D = dt.date
LAW = "Ordonnance du 20 juin 2013, art. 16"


@pytest.fixture
def permits() -> Group:
    groups_setup()
    return Group.objects.get(name="Permits")


@pytest.fixture
def officer(permits: Group) -> User:
    user = User.objects.create_user("officer", email="officer@example.org", password="x" * 12)
    user.groups.add(permits)
    return user


def register(user: User | None = None, group: Group | None = None, **kwargs: object) -> Deadline:
    kwargs.setdefault("title", "Decide on licence BI-1")
    kwargs.setdefault("legal_basis", LAW)
    return deadline_register(actor=None, responsible_user=user, responsible_group=group, **kwargs)  # type: ignore[arg-type]


def test_register_with_working_days_writes_an_audit_entry(officer):
    deadline = register(officer, start=D(2026, 4, 30), days=5, counting="working", url="/admin/x/")
    deadline.refresh_from_db()
    assert deadline.due_date == D(2026, 5, 11)
    assert (deadline.counting, deadline.days, deadline.start_date) == ("working", 5, D(2026, 4, 30))
    assert deadline.status == DeadlineStatus.OPEN
    entry = AuditEntry.objects.get(object_id=str(deadline.pk), object_type__model="deadline")
    assert entry.verb == "created"
    assert entry.payload["due_date"] == "2026-05-11"


def test_register_with_calendar_days_and_a_dossier(officer, permits):
    deadline = register(group=permits, start=D(2026, 5, 4), days=4, counting="calendar", obj=officer)
    assert deadline.due_date == D(2026, 5, 11)  # 8 May is Iris Day
    assert deadline.dossier == officer


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"due": D(2026, 5, 4)}, "une personne ou une unité responsable"),
        ({"user": True, "due": D(2026, 5, 4), "start": D(2026, 5, 1), "days": 3}, "pas les deux"),
        ({"user": True}, "Indiquez la date d’échéance"),
        ({"user": True, "start": D(2026, 5, 1), "days": -1, "counting": "working"}, "ne peut pas être négatif"),
        ({"user": True, "start": D(2026, 5, 1), "days": 1, "counting": "lunar"}, "Mode de calcul inconnu 'lunar'"),
        ({"user": True, "due": D(2026, 5, 4), "title": " "}, "doit avoir un intitulé"),
    ],
)
def test_register_refuses_bad_input(officer, kwargs, message):
    """Translated (French, the workspace's language in tests) and nothing stored."""
    user = officer if kwargs.pop("user", False) else None
    with pytest.raises(ValidationError, match=message):
        register(user, **kwargs)
    assert Deadline.objects.count() == 0


def test_complete(officer, permits):
    other = User.objects.create_user("other")
    deadline = register(group=permits, due=D(2026, 5, 4))
    with translation.override("en"):
        with pytest.raises(
            TransitionError, match=re.escape("Only the person or unit responsible can complete this deadline.")
        ):
            deadline_complete(actor=other, deadline=deadline)
        done = deadline_complete(actor=officer, deadline=deadline, note="answered")
        assert done.status == DeadlineStatus.DONE
        assert done.done_at is not None
        assert [(c.from_status, c.to_status, c.actor, c.note) for c in status_history_for(done)] == [
            ("open", "done", officer, "answered")
        ]
        with pytest.raises(TransitionError, match=re.escape("A case in status “done” cannot move to “done”.")):
            deadline_complete(actor=officer, deadline=deadline)


@pytest.fixture
def radar(officer, permits):
    """Deadlines around Monday 4 May 2026."""
    other = User.objects.create_user("other", email="other@example.org")
    made = {
        "overdue": register(officer, title="Overdue", due=D(2026, 4, 30)),
        "today": register(group=permits, title="Today", due=D(2026, 5, 4)),
        "week_end": register(officer, title="In 7 days", due=D(2026, 5, 11)),
        "later": register(officer, permits, title="Later", due=D(2026, 5, 12)),
        "done": register(officer, title="Done", due=D(2026, 5, 5)),
        "not_mine": register(other, title="Not mine", due=D(2026, 5, 5)),
    }
    deadline_complete(actor=officer, deadline=made["done"])
    return made


def test_deadlines_for_user(officer, radar):
    lists = deadlines_for_user(officer, today=D(2026, 5, 4))
    titles = {key: [d.title for d in items] for key, items in lists.items()}
    assert titles == {"overdue": ["Overdue"], "this_week": ["Today", "In 7 days"], "later": ["Later"]}


def workspace_client(user: User) -> Client:
    client = Client()
    staff_login(client, user)
    return client


@time_machine.travel(dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC), tick=False)
def test_home_panel_lists_the_deadlines(officer, radar):
    response = workspace_client(officer).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mes échéances" in html  # the workspace speaks French by default
    assert html.index("En retard (1)") < html.index("À échéance dans les 7 jours (2)") < html.index("Plus tard (1)")
    assert "Not mine" not in html
    assert ">Done<" not in html
    assert reverse("core_calendar_feed") in html


def feed_events(client: Client, token: str) -> list[icalendar.Event]:
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))


def test_calendar_feed(officer, radar):
    radar["week_end"].url = "/admin/permits/1/"
    radar["week_end"].save()
    token = calendar_token_create(user=officer)
    assert len(token.token) == 43
    events = feed_events(Client(), token.token)
    by_uid = {str(e["UID"]): e for e in events}
    expected = ["overdue", "today", "week_end", "later"]
    assert set(by_uid) == {f"deadline-{radar[k].pk}@brussels-international" for k in expected}
    event = by_uid[f"deadline-{radar['week_end'].pk}@brussels-international"]
    assert str(event["SUMMARY"]) == "In 7 days"
    assert str(event["DESCRIPTION"]) == LAW
    assert str(event["URL"]) == "http://127.0.0.1:8000/admin/permits/1/"
    assert event.decoded("DTSTART") == D(2026, 5, 11)
    assert event.decoded("DTEND") == D(2026, 5, 12)
    # Stable UIDs: a second download gives the same ones.
    assert {str(e["UID"]) for e in feed_events(Client(), token.token)} == set(by_uid)


def test_calendar_tokens_renew_and_revoke(officer):
    first = calendar_token_create(user=officer)
    second = calendar_token_create(user=officer)
    client = Client()
    assert client.get(f"/calendar/{first.token}.ics").status_code == 404
    assert client.get(f"/calendar/{second.token}.ics").status_code == 200
    assert calendar_token_revoke(user=officer) == 1
    assert client.get(f"/calendar/{second.token}.ics").status_code == 404
    assert client.get("/calendar/unknown-token.ics").status_code == 404
    assert calendar_token_revoke(user=officer) == 0


def test_calendar_screen(officer):
    client = workspace_client(officer)
    url = reverse("core_calendar_feed")
    assert "Créer mon adresse de calendrier" in client.get(url).content.decode()
    assert client.post(url, {"renew": "1"}).status_code == 302
    token = CalendarFeedToken.objects.get(user=officer, revoked_at__isnull=True)
    page = client.get(url).content.decode()
    assert f"/calendar/{token.token}.ics" in page
    assert "Oui, la révoquer" not in page
    assert "Oui, la révoquer" in client.get(url, {"revoke": "1"}).content.decode()
    client.post(url, {"revoke": "1"})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get(url).status_code == 302  # login needed


def test_reminder_digest(officer, permits, radar, mailoutbox):
    colleague = User.objects.create_user("colleague", email="colleague@example.org")
    colleague.groups.add(permits)
    idle = User.objects.create_user("idle", email="idle@example.org")
    register(idle, title="Far away", due=D(2026, 6, 30))
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = "en"
    profile.save()

    sent = send_deadline_reminders.call("2026-05-04")

    assert sent == 3
    mails = {m.to[0]: m for m in mailoutbox}
    assert sorted(mails) == ["colleague@example.org", "officer@example.org", "other@example.org"]
    assert mails["officer@example.org"].subject == "3 deadlines to watch"
    assert mails["colleague@example.org"].subject == "1 échéance à surveiller"  # no preference: French
    body = mails["officer@example.org"].body
    assert "Overdue:\n- April 30, 2026 Overdue" in body
    assert "- May 4, 2026 Today\n- May 11, 2026 In 7 days" in body
    french = mails["colleague@example.org"].body
    assert "À échéance dans les 7 jours :\n- 4 mai 2026 " in french
    assert "Later" not in body
    assert "Done" not in body


@pytest.mark.parametrize(
    ("language", "subject", "heading"),
    [
        ("fr", "1 échéance à surveiller", "À échéance dans les 7 jours"),
        ("nl", "1 termijn om op te volgen", "Vervalt binnen 7 dagen"),
    ],
)
def test_reminder_digest_in_the_users_language(officer, mailoutbox, language, subject, heading):
    register(officer, title="Soon", due=D(2026, 5, 5))
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = language
    profile.save()
    send_deadline_reminders.call("2026-05-04")
    assert [m.subject for m in mailoutbox] == [subject]
    assert heading in mailoutbox[0].body


def test_command_queues_todays_reminders(officer, mailoutbox):
    register(officer, title="Soon", due=D(2026, 5, 5))
    with time_machine.travel(dt.datetime(2026, 5, 4, 7, 0, tzinfo=dt.UTC), tick=False):
        call_command("send_deadline_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [m.to for m in mailoutbox] == [["officer@example.org"]]


def test_no_mail_when_nothing_is_due(officer, mailoutbox):
    register(officer, title="Later", due=D(2026, 5, 20))
    assert send_deadline_reminders.call("2026-05-04") == 0
    assert mailoutbox == []


def test_deadlines_for_user_is_one_query(officer, radar, django_assert_num_queries):
    for n in range(5):
        register(officer, title=f"Extra {n}", due=D(2026, 5, 6))
    with django_assert_num_queries(1):
        lists = deadlines_for_user(officer, today=D(2026, 5, 4))
        assert len(lists["this_week"]) == 7


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("", "Échéances de Brussels International"),  # no preference: the default, French
        ("nl", "Termijnen van Brussels International"),
        ("en", "Brussels International deadlines"),
    ],
)
def test_calendar_name_is_in_the_owners_language(officer, language, name):
    profile = UserProfile.get_for_user(officer)
    profile.preferred_language = language
    profile.save()
    token = calendar_token_create(user=officer)
    calendar = icalendar.Calendar.from_ical(Client().get(f"/calendar/{token.token}.ics").content)
    assert str(calendar["X-WR-CALNAME"]) == name


def test_a_second_run_of_the_same_day_sends_no_second_digest(officer, mailoutbox):
    register(officer, title="Soon", due=D(2026, 5, 5))
    assert send_deadline_reminders.call("2026-05-04") == 1  # one mail queued (and sent: immediate backend)
    send_deadline_reminders.call("2026-05-04")  # the command after the scheduled run, say
    assert [m.to for m in mailoutbox] == [["officer@example.org"]]
    assert mailoutbox[0].extra_headers == {"Auto-Submitted": "auto-generated"}
    send_deadline_reminders.call("2026-05-05")  # the next day: a new digest
    assert len(mailoutbox) == 2
