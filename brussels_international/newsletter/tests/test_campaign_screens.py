"""Campaign screens and services: compose, edit only in draft, list with figures, preview, test send,
schedule (now, later, refused), unschedule and cancel with confirmation, progress, permissions, and
the resume of sending by ``manage.py schedule_tasks``."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from brussels_international.core.models import StatusChange
from brussels_international.core.workflow import TransitionError
from brussels_international.newsletter.campaign_services import (
    campaign_schedule,
    campaign_schedule_problems,
    campaign_start,
    campaign_update,
)
from brussels_international.newsletter.models import Campaign, CampaignStatus, Delivery

from .campaign_fixtures import *  # noqa: F403 (the fixtures comms, topics, blog)
from .campaign_fixtures import make_campaign, make_post, make_subscriber

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def client_comms(comms: User, staff_login: Any) -> Client:
    client = Client()
    staff_login(client, comms)
    return client


def _url(name: str, *args: Any) -> str:
    return reverse(f"newsletter_campaigns:{name}", args=args)


def test_compose_on_the_screen_makes_a_draft_with_posts_and_topics(client_comms, comms, blog, topics):
    post = make_post(blog, "Expo 2030")
    response = client_comms.post(
        _url("create"),
        {
            "title": "June letter",
            "subject_fr": "Lettre de juin",
            "subject_nl": "",
            "subject_en": "June letter",
            "text_fr": "Bonjour.",
            "text_nl": "",
            "text_en": "Hello.",
            "posts": [post.pk],
            "topics": [topics["events"].pk],
        },
    )

    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("detail", campaign.pk)
    assert (campaign.title, campaign.status, campaign.subject_nl, campaign.created_by) == (
        "June letter",
        "draft",
        "",
        comms,
    )
    assert list(campaign.posts.all()) == [post] and list(campaign.topics.all()) == [topics["events"]]


def test_compose_without_a_title_says_which_field(client_comms):
    with translation.override("en"):
        response = client_comms.post(_url("create"), {"title": "", "subject_fr": "x" * 201}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert Campaign.objects.count() == 0
    form = response.context["form"]
    assert set(form.errors) == {"title", "subject_fr"}
    assert 'href="#id_title"' in response.content.decode()


def test_a_campaign_is_edited_only_as_a_draft(client_comms, comms):
    make_subscriber("a@example.org")
    campaign = make_campaign(comms)
    response = client_comms.post(_url("edit", campaign.pk), {"title": "July letter", "subject_fr": "Juillet"})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.subject_fr, campaign.subject_nl) == ("July letter", "Juillet", "")

    campaign_update(
        actor=comms,
        campaign=campaign,
        content={
            "title": "July letter",
            "subject_fr": "Juillet",
            "subject_nl": "Juli",
            "subject_en": "July",
            "text_fr": "x",
        },
        posts=[],
        topics=[],
    )
    campaign_schedule(actor=comms, campaign=campaign)
    response = client_comms.get(_url("edit", campaign.pk))
    assert response.status_code == 302 and response["Location"] == _url("detail", campaign.pk)
    with pytest.raises(ValidationError):
        campaign_update(actor=comms, campaign=campaign, content={"title": "Changed"}, posts=[], topics=[])
    assert Campaign.objects.get(pk=campaign.pk).title == "July letter"


def test_the_list_shows_status_and_figures_and_is_paginated(client_comms, comms, django_assert_max_num_queries):
    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    sent = make_campaign(comms, title="Sent one")
    campaign_schedule(actor=comms, campaign=sent)
    campaign_start(campaign_id=sent.pk)
    Delivery.objects.filter(campaign=sent, subscriber__email="a@example.org").update(status="sent")
    for n in range(25):
        make_campaign(comms, title=f"Draft {n:02d}")

    with django_assert_max_num_queries(25):
        response = client_comms.get(_url("list"))
    page = response.context["page"]
    assert page.paginator.count == 26 and len(page.object_list) == 25
    assert "Sent one" not in response.content.decode()  # oldest: on page 2

    response = client_comms.get(_url("list"), {"p": 2})
    [row] = response.context["page"].object_list
    assert (row.title, row.status, row.recipients, row.sent, row.failed, row.waiting) == (
        "Sent one",
        "sending",
        2,
        1,
        0,
        1,
    )
    assert client_comms.get(_url("list"), {"status": "sending"}).context["page"].paginator.count == 1


def test_the_preview_shows_the_html_and_text_of_the_chosen_language(client_comms, comms):
    campaign = make_campaign(comms)
    response = client_comms.get(_url("detail", campaign.pk), {"lang": "nl"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span lang="nl" class="campaign-preview-subject">Brief van juni</span>' in html
    assert "sandbox srcdoc=" in html and "&lt;html lang=&quot;nl&quot;&gt;" in html
    text = response.context["preview"].text
    assert "Dag allemaal." in text and "/nl/newsletter/unsubscribe/" in text


def test_send_a_test_to_the_typed_address_marked_and_not_counted(client_comms, comms, mailoutbox):
    make_subscriber("a@example.org")
    campaign = make_campaign(comms)
    page = client_comms.get(_url("detail", campaign.pk))
    assert page.context["test_form"].initial["to"] == "emil@example.invalid"

    response = client_comms.post(
        _url("detail", campaign.pk), {"action": "test", "to": "me@example.org", "language": "en"}
    )

    assert response.status_code == 302
    [message] = mailoutbox
    assert (message.subject, message.to) == ("[TEST] June letter", ["me@example.org"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Delivery.objects.count() == 0
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT

    bad = client_comms.post(
        _url("detail", campaign.pk), {"action": "test", "to": "me@example.org\nBcc: x@y.z", "language": "en"}
    )
    assert bad.status_code == 400 and len(mailoutbox) == 1
    assert "to" in bad.context["test_form"].errors


@time_machine.travel(NOW, tick=False)
def test_schedule_now_sends_through_the_worker(client_comms, comms, mailoutbox, django_capture_on_commit_callbacks):
    make_subscriber("a@example.org")
    make_subscriber("b@example.org", language="en")
    campaign = make_campaign(comms)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_comms.post(_url("detail", campaign.pk), {"action": "schedule", "when": "now"})

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_for, campaign.started_at, campaign.finished_at) == (
        "sent",
        NOW,
        NOW,
        NOW,
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]
    moves = list(StatusChange.objects.order_by("pk").values_list("from_status", "to_status", "actor__username"))
    assert moves == [("draft", "scheduled", "emil"), ("scheduled", "sending", None), ("sending", "sent", None)]


@time_machine.travel(NOW, tick=False)
def test_schedule_later_reads_brussels_time_and_waits(
    client_comms, comms, mailoutbox, django_capture_on_commit_callbacks
):
    make_subscriber("a@example.org")
    campaign = make_campaign(comms)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_comms.post(
            _url("detail", campaign.pk), {"action": "schedule", "when": "later", "send_at": "2026-06-20T09:30"}
        )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_for) == ("scheduled", dt.datetime(2026, 6, 20, 7, 30, tzinfo=dt.UTC))
    assert mailoutbox == [] and Delivery.objects.count() == 0  # too early: the start did nothing
    with time_machine.travel(dt.datetime(2026, 6, 20, 7, 30, tzinfo=dt.UTC), tick=False):
        assert campaign_start(campaign_id=campaign.pk) == 1

    past = make_campaign(comms)
    response = client_comms.post(
        _url("detail", past.pk), {"action": "schedule", "when": "later", "send_at": "2026-06-15T09:59"}
    )
    assert response.status_code == 400 and "send_at" in response.context["schedule_form"].errors


def test_no_recipients_or_a_missing_subject_cannot_be_scheduled(client_comms, comms, topics):
    campaign = make_campaign(comms, subject_nl="", topics=[topics["europe"]])
    make_subscriber("events@example.org", language="nl", topics=[topics["events"]])
    with translation.override("en"):
        assert campaign_schedule_problems(campaign) == {
            "topics": "No active subscriber matches the campaign's topics: there is no one to send it to."
        }
        campaign_update(
            actor=comms,
            campaign=campaign,
            content={"title": "T", "subject_fr": "S", "text_fr": "x"},
            posts=[],
            topics=[topics["events"]],
        )
        with pytest.raises(ValidationError) as error:
            campaign_schedule(actor=comms, campaign=campaign)
    assert error.value.message_dict == {
        "subject_nl": ["No subject in Dutch, but 1 recipients read Dutch."],
        "text_nl": ["No text in Dutch and no blog post: 1 recipients would get an empty mail."],
    }
    response = client_comms.post(_url("detail", campaign.pk), {"action": "schedule", "when": "now"})
    assert response.status_code == 400
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


def test_unschedule_and_cancel_ask_for_confirmation(client_comms, comms):
    make_subscriber("a@example.org")
    campaign = make_campaign(comms)
    campaign_schedule(actor=comms, campaign=campaign, send_at=timezone.now() + dt.timedelta(days=1))

    page = client_comms.get(_url("confirm", campaign.pk, "unschedule"))
    assert page.status_code == 200 and Campaign.objects.get(pk=campaign.pk).status == "scheduled"
    client_comms.post(_url("confirm", campaign.pk, "unschedule"))
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_for) == ("draft", None)

    assert client_comms.get(_url("confirm", campaign.pk, "cancel")).status_code == 200
    client_comms.post(_url("confirm", campaign.pk, "cancel"), {"note": "postponed"})
    assert Campaign.objects.get(pk=campaign.pk).status == "cancelled"
    assert StatusChange.objects.filter(to_status="cancelled", note="postponed").count() == 1
    # Nothing left to do: the confirmation page sends back to the campaign.
    assert client_comms.get(_url("confirm", campaign.pk, "unschedule"))["Location"] == _url("detail", campaign.pk)
    with pytest.raises(TransitionError):
        campaign_schedule(actor=comms, campaign=Campaign.objects.get(pk=campaign.pk))


def test_progress_is_given_as_json(client_comms, comms):
    for email in ("a@example.org", "b@example.org", "c@example.org", "d@example.org"):
        make_subscriber(email)
    campaign = make_campaign(comms)
    campaign_schedule(actor=comms, campaign=campaign)
    campaign_start(campaign_id=campaign.pk)
    Delivery.objects.filter(campaign=campaign, subscriber__email__in=["a@example.org", "b@example.org"]).update(
        status="sent"
    )
    Delivery.objects.filter(campaign=campaign, subscriber__email="c@example.org").update(status="failed")

    data = client_comms.get(_url("progress", campaign.pk)).json()

    assert {k: data[k] for k in ("status", "recipients", "sent", "failed", "waiting", "done", "percent")} == {
        "status": "sending", "recipients": 4, "sent": 2, "failed": 1, "waiting": 1, "done": 3, "percent": 75,
    }  # fmt: skip
    page = client_comms.get(_url("detail", campaign.pk)).content.decode()
    assert '<progress id="campaign-progress" max="4" value="3">' in page


def test_staff_without_newsletter_rights_are_refused(comms, staff_login):
    campaign = make_campaign(comms)
    other = User.objects.create_user("paul", "paul@example.invalid", "x" * 12)
    other.groups.add(Group.objects.get(name="Permits"))
    client = Client()
    staff_login(client, other)
    for url in (
        _url("list"),
        _url("create"),
        _url("detail", campaign.pk),
        _url("edit", campaign.pk),
        _url("confirm", campaign.pk, "cancel"),
        _url("progress", campaign.pk),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home")), url
    assert client.post(_url("confirm", campaign.pk, "cancel")).status_code == 302
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT


# --- Resume after a worker restart (the database queue, as in production) ------------------------


@pytest.fixture
def db_backend(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """Run every task that is due, in this process (``db_worker --batch``)."""
    worker = Worker(
        queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
    )  # fmt: skip
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        worker.run()


def _queued(task_name: str) -> list[tuple[list[Any], dt.datetime]]:
    rows = DBTaskResult.objects.filter(task_path__endswith=task_name, status="READY").order_by("run_after")
    return [(row.args_kwargs["args"], row.run_after) for row in rows]


def test_the_database_queue_sends_the_campaign_and_schedule_tasks_resumes_it(
    comms, db_backend, mailoutbox, django_capture_on_commit_callbacks
):
    for n in range(3):
        make_subscriber(f"s{n}@example.org")
    campaign = make_campaign(comms)
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            campaign_schedule(actor=comms, campaign=campaign)
        assert _queued("start_campaign") == [([campaign.pk], NOW)]
        call_command("schedule_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert _queued("start_campaign") == [([campaign.pk], NOW)]  # not twice
        # The worker dies right after the start: the deliveries exist, the first chunk was lost.
        with django_capture_on_commit_callbacks(execute=False):
            assert campaign_start(campaign_id=campaign.pk) == 3
        DBTaskResult.objects.all().delete()

        call_command("schedule_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert _queued("send_campaign_chunk") == [([campaign.pk], NOW)]
        call_command("schedule_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert len(_queued("send_campaign_chunk")) == 1
        run_worker()

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert sorted(m.to[0] for m in mailoutbox) == ["s0@example.org", "s1@example.org", "s2@example.org"]
    # The chunk's safety continuation waits for the end of its lease; it will find nothing to do.
    assert [args for args, _ in _queued("send_campaign_chunk")] == [[campaign.pk]]


def test_schedule_tasks_waits_for_a_held_lease(comms, db_backend):
    make_subscriber("a@example.org")
    campaign = make_campaign(comms)
    campaign_schedule(actor=comms, campaign=campaign)
    campaign_start(campaign_id=campaign.pk)
    lease = timezone.now() + dt.timedelta(seconds=40)
    Campaign.objects.filter(pk=campaign.pk).update(sender_lease_until=lease)
    DBTaskResult.objects.all().delete()

    call_command("schedule_tasks", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _queued("send_campaign_chunk") == [([campaign.pk], lease)]


# --- The free text in the preview, control characters, the test send's audit entry ---------------


def test_the_preview_shows_the_free_text_escaped_once_in_paragraphs(client_comms, comms):
    campaign = make_campaign(comms, text_fr="Bonjour <b>x</b>\n\nLigne 2")

    response = client_comms.get(_url("detail", campaign.pk), {"lang": "fr"})

    assert response.status_code == 200
    assert "<div><p>Bonjour &lt;b&gt;x&lt;/b&gt;</p>\n\n<p>Ligne 2</p></div>" in response.context["preview"].html
    # In the page, the whole mail is escaped once more for the frame's srcdoc attribute.
    assert "&lt;p&gt;Bonjour &amp;lt;b&amp;gt;x&amp;lt;/b&amp;gt;&lt;/p&gt;" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "June\rletter"),
        ("subject_fr", "Lettre\rde juin"),
        ("subject_nl", "Brief\x0bvan juni"),
        ("subject_en", "June\tletter"),
        ("subject_en", "June\u2028letter"),
        ("subject_fr", "Lettre\nde juin"),
    ],
)
def test_a_control_character_in_a_subject_or_the_title_is_refused(comms, field, value):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        make_campaign(comms, **{field: value})
    assert error.value.message_dict == {
        field: ["Write it on one line, without control characters (line break, carriage return, tab)."]
    }
    assert Campaign.objects.count() == 0


def test_a_carriage_return_typed_in_a_subject_is_a_field_error_on_the_screen(client_comms):
    data = {
        "title": "June letter",
        "subject_fr": "Lettre\rde juin",
        "subject_nl": "",
        "subject_en": "",
        "text_fr": "Bonjour.",
        "text_nl": "",
        "text_en": "",
    }
    with translation.override("en"):
        response = client_comms.post(_url("create"), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {  # the workspace speaks the user's language: French here
        "subject_fr": [
            "Écrivez-le sur une seule ligne, sans caractère de contrôle (saut de ligne, retour chariot, tabulation)."
        ]
    }
    assert Campaign.objects.count() == 0


def test_a_test_send_refused_for_a_bad_header_says_so_instead_of_failing(client_comms, comms, mailoutbox):
    from django.contrib.messages import get_messages

    from brussels_international.core.models import AuditEntry

    campaign = make_campaign(comms)
    Campaign.objects.filter(pk=campaign.pk).update(subject_en="June\rletter")  # saved before the check

    with translation.override("en"):
        response = client_comms.post(
            _url("detail", campaign.pk), {"action": "test", "to": "me@example.org", "language": "en"}
        )
        shown = [str(message) for message in get_messages(response.wsgi_request)]

    assert (response.status_code, response["Location"]) == (302, _url("detail", campaign.pk))
    assert shown == [  # the workspace speaks the user's language: French here
        "Le test n’a pas été envoyé\u00a0: un objet de l’envoi contient un saut de ligne ou un autre caractère "
        "de contrôle. Modifiez l’envoi et écrivez chaque objet sur une seule ligne."
    ]
    assert mailoutbox == []
    assert not AuditEntry.objects.filter(verb="test_sent").exists()


def test_a_test_send_is_in_the_audit_trail_with_the_typed_address(client_comms, comms, mailoutbox):
    from brussels_international.core.models import AuditEntry

    campaign = make_campaign(comms)

    response = client_comms.post(
        _url("detail", campaign.pk), {"action": "test", "to": "me@example.org", "language": "nl"}
    )

    assert response.status_code == 302 and len(mailoutbox) == 1
    [entry] = AuditEntry.objects.filter(verb="test_sent")
    assert (entry.actor, entry.object_id, entry.object_repr, entry.payload) == (
        comms,
        str(campaign.pk),
        str(campaign),
        {"to": "me@example.org", "language": "nl"},
    )


def test_a_test_the_mail_server_refuses_leaves_no_audit_entry(comms, mailoutbox):
    from brussels_international.core.models import AuditEntry
    from brussels_international.newsletter.campaign_services import campaign_send_test

    campaign = make_campaign(comms)
    with (
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("down")),
        pytest.raises(OSError, match="down"),
    ):
        campaign_send_test(actor=comms, campaign=campaign, language="fr", to="me@example.org")

    assert not AuditEntry.objects.filter(verb="test_sent").exists()
