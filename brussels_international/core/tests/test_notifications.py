"""Notifications: rendering in the recipient's language, the in-app row, the mail after commit,
the "deadline_assigned" notification, and the workspace screens (list, open, read/unread, menu).

Language: the strings of the notification templates have no French or Dutch translation yet,
so the choice of language is tested with probe templates (a locmem template loader) whose text
is a string the catalogues already translate ("Overdue": "En retard", "Verstreken") and which
print the active language (``{% get_current_language %}``). The real "deadline_assigned" texts
are checked for a recipient who chose English.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.test import Client
from django.urls import reverse
from wagtail.users.models import UserProfile

from brussels_international.core.deadline_services import deadline_register
from brussels_international.core.models import Deadline, Notification
from brussels_international.core.notifications import (
    notification_mark_read,
    notification_mark_unread,
    notifications_mark_all_read,
    notify,
    notify_many,
)
from brussels_international.core.selectors import notifications_for_user, unread_notification_count
from brussels_international.core.tests.auth import staff_login

pytestmark = pytest.mark.django_db

PROBES = {
    "core/notifications/probe/subject.txt": "{% load i18n %}{% translate 'Overdue' %}: {{ title }}",
    "core/notifications/probe/body.txt": "{% load i18n %}{% get_current_language as LANG %}{{ LANG }} {{ title }}",
    "core/notifications/probe_html/subject.txt": "{{ title }}",
    "core/notifications/probe_html/body.txt": "{{ title }}",
    "core/notifications/probe_html/body.html": "<p>{{ title }}</p>",
}


@pytest.fixture
def probe_templates(settings):
    """The project's templates, plus the probe kinds above (found first)."""
    settings.TEMPLATES = [
        {
            **django_settings.TEMPLATES[0],
            "APP_DIRS": False,
            "OPTIONS": {
                **django_settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", PROBES),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]


def make_user(username: str, language: str = "en", email: str | None = None, **extra: object) -> User:
    user = User.objects.create_user(
        username,
        email=f"{username}@example.org" if email is None else email,
        password="x" * 12,
        first_name=username.title(),
        last_name="Doe",
        **extra,  # type: ignore[arg-type]
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return user


@pytest.fixture
def officer() -> User:
    return make_user("officer")


@pytest.fixture
def manager() -> User:
    return make_user("manager", language="fr")


# --- Rendering and language ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "subject", "seen"),
    [
        ("fr", "En retard: Visit", "fr"),
        ("nl", "Verstreken: Visit", "nl"),
        ("en", "Overdue: Visit", "en"),
        ("", "En retard: Visit", "fr"),  # no preference: the workspace's default language
    ],
)
def test_title_body_and_mail_are_in_the_recipients_language(
    probe_templates, mailoutbox, django_capture_on_commit_callbacks, language, subject, seen
):
    recipient = make_user(f"user-{language or 'none'}", language=language)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=recipient, kind="probe", context={"title": "Visit"})
    assert (notification.title, notification.body) == (subject, f"{seen} Visit")
    assert [m.subject for m in mailoutbox] == [subject]
    assert mailoutbox[0].body.startswith(f"{seen} Visit\n\n")


def test_languages_of_several_recipients(probe_templates, mailoutbox, django_capture_on_commit_callbacks):
    fr, nl = make_user("fr-user", language="fr"), make_user("nl-user", language="nl")
    with django_capture_on_commit_callbacks(execute=True):
        made = notify_many(recipients=[fr, nl, fr], kind="probe", context={"title": "X"})
    assert [(n.recipient, n.title) for n in made] == [(fr, "En retard: X"), (nl, "Verstreken: X")]
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("fr-user@example.org", "En retard: X"),
        ("nl-user@example.org", "Verstreken: X"),
    ]


def test_text_is_not_html_escaped_and_html_is(probe_templates, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=officer, kind="probe_html", context={"title": "Tom & <Jerry>"})
    assert notification.title == notification.body == "Tom & <Jerry>"
    message = mailoutbox[0]
    assert message.body.startswith("Tom & <Jerry>\n")
    assert message.alternatives[0] == ("<p>Tom &amp; &lt;Jerry&gt;</p>", "text/html")


def test_subject_is_one_line(probe_templates, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=officer, kind="probe_html", context={"title": "Line one\nBcc: x@evil.example"})
    assert notification.title == "Line one Bcc: x@evil.example"
    assert mailoutbox[0].subject == "Line one Bcc: x@evil.example"
    assert mailoutbox[0].recipients() == ["officer@example.org"]


def test_mail_headers(probe_templates, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=officer, kind="probe_html", context={"title": "T"}, url="/admin/somewhere/")
    message = mailoutbox[0]
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert message.extra_headers == {"Auto-Submitted": "auto-generated"}
    assert message.body == (
        "T\n\n"
        "Open it in the workspace: http://127.0.0.1:8000/admin/somewhere/\n\n"
        "-- \n"
        "All your notifications: http://127.0.0.1:8000/admin/notifications/\n"
    )


# --- Transactions --------------------------------------------------------------------------------


def test_the_mail_is_sent_once_after_the_commit(
    probe_templates, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            notify(recipient=officer, kind="probe", context={"title": "T"})
            assert mailoutbox == []  # not before the commit
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    assert Notification.objects.filter(recipient=officer).count() == 1


def test_rollback_leaves_neither_notification_nor_mail(
    probe_templates, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ZeroDivisionError),
        transaction.atomic(),
    ):
        notify(recipient=officer, kind="probe", context={"title": "T"})
        1 / 0  # noqa: B018
    assert callbacks == []
    assert mailoutbox == []
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(("email", "active"), [("", True), ("gone@example.org", False)])
def test_no_mail_without_address_or_when_inactive(
    probe_templates, mailoutbox, django_capture_on_commit_callbacks, email, active
):
    user = make_user("someone", email=email, is_active=active)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(recipient=user, kind="probe", context={"title": "T"})
    assert callbacks == []
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=user).count() == 1  # still listed in the workspace


def test_mail_false_sends_no_mail(probe_templates, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=officer, kind="probe", context={"title": "T"}, mail=False)
    assert mailoutbox == []


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")


def test_a_mail_server_failure_does_not_undo_the_notification(
    probe_templates, officer, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailServer"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient=officer, kind="probe", context={"title": "T"})
    assert Notification.objects.get() == notification  # the task failed (and was retried), the caller did not


def test_bad_kinds_write_nothing(officer):
    with pytest.raises(ValueError, match="Invalid notification kind"):
        notify(recipient=officer, kind="../secrets", context={})
    with pytest.raises(TemplateDoesNotExist):
        notify(recipient=officer, kind="no_such_kind", context={})
    assert Notification.objects.count() == 0


# --- The "deadline_assigned" notification --------------------------------------------------------


def test_deadline_assigned_in_the_app_and_by_mail(officer, manager, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        deadline = deadline_register(
            actor=manager,
            title="Decide on licence BI-1",
            legal_basis="Ordonnance du 20 juin 2013, art. 16",
            due=dt.date(2026, 5, 11),
            responsible_user=officer,
            url="/admin/permits/1/",
        )
    assert len(callbacks) == 1
    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (officer, manager, "deadline_assigned")
    assert notification.about == deadline
    assert notification.url == "/admin/permits/1/"
    assert notification.read_at is None
    assert notification.title == "New deadline for you: Decide on licence BI-1"
    assert notification.body == (
        "Hello Officer Doe,\n\n"
        "Manager Doe registered a deadline for which you are responsible:\n\n"
        "Decide on licence BI-1\n"
        "Due date: May 11, 2026\n"
        "Legal basis: Ordonnance du 20 juin 2013, art. 16"
    )
    [message] = mailoutbox
    assert message.to == ["officer@example.org"]
    assert message.subject == notification.title
    assert message.body.startswith(notification.body + "\n\n")
    assert "Open it in the workspace: http://127.0.0.1:8000/admin/permits/1/" in message.body


def test_deadline_assigned_by_the_system_links_to_the_home(officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        deadline_register(
            actor=None, title="Report", legal_basis="", due=dt.date(2026, 5, 11), responsible_user=officer
        )
    notification = Notification.objects.get()
    assert notification.actor is None
    assert notification.url == "/admin/"
    assert "A deadline was registered for which you are responsible:" in notification.body
    assert len(mailoutbox) == 1


def test_no_notification_for_ones_own_deadline_or_a_units(officer, mailoutbox, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import Group

    unit = Group.objects.create(name="Permits")
    with django_capture_on_commit_callbacks(execute=True):
        deadline_register(
            actor=officer, title="Mine", legal_basis="", due=dt.date(2026, 5, 11), responsible_user=officer
        )
        deadline_register(
            actor=officer, title="Unit's", legal_basis="", due=dt.date(2026, 5, 11), responsible_group=unit
        )
    assert Deadline.objects.count() == 2
    assert Notification.objects.count() == 0
    assert mailoutbox == []


# --- Read state ----------------------------------------------------------------------------------


def some_notifications(user: User, count: int) -> list[Notification]:
    deadline = deadline_register(
        actor=None, title="Report", legal_basis="", due=dt.date(2026, 5, 11), responsible_user=user
    )
    first = Notification.objects.get(recipient=user)
    made = [first]
    for n in range(count - 1):
        made.append(
            notify(recipient=user, kind="deadline_assigned", context={"deadline": deadline}, url=f"/admin/x/{n}/")
        )
    return made


def test_read_unread_and_all_read_services(officer, manager):
    first, _second = some_notifications(officer, 2)
    notification_mark_read(user=officer, notification=first)
    assert unread_notification_count(officer) == 1
    first.refresh_from_db()
    stamped = first.read_at
    assert stamped is not None
    notification_mark_read(user=officer, notification=first)  # already read: unchanged
    first.refresh_from_db()
    assert first.read_at == stamped
    notification_mark_unread(user=officer, notification=first)
    assert unread_notification_count(officer) == 2
    with pytest.raises(PermissionDenied):
        notification_mark_read(user=manager, notification=first)
    assert notifications_mark_all_read(user=officer) == 2
    assert unread_notification_count(officer) == 0


def test_unread_first_then_newest(officer):
    made = some_notifications(officer, 3)
    notification_mark_read(user=officer, notification=made[2])  # the newest, read
    assert list(notifications_for_user(officer)) == [made[1], made[0], made[2]]
    assert list(notifications_for_user(officer, unread_only=True)) == [made[1], made[0]]


# --- Screens -------------------------------------------------------------------------------------


def signed_in(user: User) -> Client:
    """A client signed in as *user*, who may enter the workspace."""
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = Client()
    staff_login(client, user)
    return client


def test_list_pages_and_filters(officer, django_assert_max_num_queries):
    made = some_notifications(officer, 30)
    notification_mark_read(user=officer, notification=made[-1])
    client = signed_in(officer)
    url = reverse("core_notifications")
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert page.count('class="notification notification--') == 25
    assert "Unread (29)" in page
    assert reverse("core_notification_open", args=[made[-2].pk]) in page  # unread first, newest first
    assert reverse("core_notification_open", args=[made[-1].pk]) not in page  # the read one is last: page 2
    page_two = client.get(url, {"p": 2}).content.decode()
    assert page_two.count('class="notification notification--') == 5
    assert 'class="notification notification--read' in page_two
    unread = client.get(url, {"show": "unread"}).content.decode()
    assert 'class="notification notification--read' not in unread


def test_list_query_count_does_not_grow_with_the_page(officer, django_assert_max_num_queries):
    some_notifications(officer, 3)
    client = signed_in(officer)
    with django_assert_max_num_queries(12):
        client.get(reverse("core_notifications"))


def test_open_marks_read_and_goes_to_the_link(officer, manager):
    _first, second = some_notifications(officer, 2)
    response = signed_in(officer).get(reverse("core_notification_open", args=[second.pk]))
    assert (response.status_code, response["Location"]) == (302, "/admin/x/0/")
    second.refresh_from_db()
    assert second.read_at is not None


def test_open_refuses_links_off_the_site(officer):
    [first] = some_notifications(officer, 1)
    Notification.objects.filter(pk=first.pk).update(url="https://evil.example/")
    response = signed_in(officer).get(reverse("core_notification_open", args=[first.pk]))
    assert response["Location"] == reverse("core_notifications")


def test_other_users_get_404(officer, manager):
    [first] = some_notifications(officer, 1)
    client = signed_in(manager)
    assert client.get(reverse("core_notification_open", args=[first.pk])).status_code == 404
    assert client.post(reverse("core_notification_read", args=[first.pk])).status_code == 404
    assert client.post(reverse("core_notification_unread", args=[first.pk])).status_code == 404
    client.post(reverse("core_notifications_read_all"))
    first.refresh_from_db()
    assert first.read_at is None
    assert (
        reverse("core_notification_open", args=[first.pk])
        not in client.get(reverse("core_notifications")).content.decode()
    )


def test_read_and_unread_buttons(officer):
    [first] = some_notifications(officer, 1)
    client = signed_in(officer)
    back = reverse("core_notifications") + "?show=unread"
    response = client.post(reverse("core_notification_read", args=[first.pk]), {"next": back})
    assert (response.status_code, response["Location"]) == (302, back)
    first.refresh_from_db()
    assert first.read_at is not None
    client.post(reverse("core_notification_unread", args=[first.pk]), {"next": "https://evil.example/"})
    first.refresh_from_db()
    assert first.read_at is None
    assert client.get(reverse("core_notification_read", args=[first.pk])).status_code == 405  # POST only


def test_mark_all_as_read_and_menu_count(officer):
    some_notifications(officer, 3)
    client = signed_in(officer)
    assert "Notifications (3)" in client.get(reverse("wagtailadmin_home")).content.decode()
    response = client.post(reverse("core_notifications_read_all"))
    assert response["Location"] == reverse("core_notifications")
    page = client.get(reverse("core_notifications")).content.decode()
    assert "3 notifications marked as read." in page
    assert "Notifications (3)" not in page
    assert "Mark all as read" not in page
    assert unread_notification_count(officer) == 0


def test_screens_need_sign_in(officer):
    [first] = some_notifications(officer, 1)
    response = Client().get(reverse("core_notification_open", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    first.refresh_from_db()
    assert first.read_at is None
