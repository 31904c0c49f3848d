"""Sending a campaign: deliveries and targeting, the mail and its headers, exactly once after an
interruption, recipient refusals (permanent and temporary), mail server outages, cancellation,
erased or unsubscribed subscribers, soft bounces in a row, the lease and the SMTP timeout, the rate
limit."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone, translation

from brussels_international.newsletter import sending, services, tokens
from brussels_international.newsletter.campaign_selectors import campaign_figures
from brussels_international.newsletter.campaign_services import (
    campaign_cancel,
    campaign_schedule,
    campaign_start,
)
from brussels_international.newsletter.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
)
from brussels_international.newsletter.sending import TokenBucket, lease_release, lease_take, send_chunk
from brussels_international.newsletter.tasks import send_campaign_chunk

from .campaign_fixtures import *  # noqa: F403 (the fixtures comms, topics, blog)
from .campaign_fixtures import make_campaign, make_post, make_subscriber

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 8, 0, tzinfo=dt.UTC)
BACKEND = "brussels_international.newsletter.tests.test_sending"


class FailAfterBackend(LocmemBackend):
    """Locmem mail backend that raises ``ERROR`` on message number ``AFTER + 1``; with ``DELIVER`` the
    failing message is stored first (the server accepted it, then we crashed before recording it)."""

    AFTER = 3
    ERROR: type[Exception] = smtplib.SMTPServerDisconnected
    DELIVER = False
    sent = 0

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if type(self).sent >= self.AFTER:
                type(self).AFTER = 10**9  # fail once
                if self.DELIVER:
                    super().send_messages([message])
                raise self.ERROR("connection lost")
            type(self).sent += 1
            super().send_messages([message])
        return len(messages)


class RefusingBackend(LocmemBackend):
    """Refuses the recipient ``refused@example.org`` with ``REPLY`` (code, text), accepts the others."""

    REPLY: tuple[int, bytes] = (550, b"5.1.1 <refused@example.org>: Recipient address rejected: User unknown")

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if "refused@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"refused@example.org": self.REPLY})
            super().send_messages([message])
        return len(messages)


class OutageBackend(LocmemBackend):
    """The mail server cannot be reached (``open`` refused) ``DOWN`` more times, then works."""

    DOWN = 0

    def open(self) -> bool:
        if type(self).DOWN > 0:
            type(self).DOWN -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        return True


class SlowBackend(LocmemBackend):
    """Each message takes ``STEP`` seconds of the fake ``CLOCK``."""

    CLOCK: Any = None
    STEP = 10.0

    def send_messages(self, messages: Any) -> int:
        type(self).CLOCK.now += self.STEP
        return super().send_messages(messages)


class CancellingBackend(LocmemBackend):
    """Cancels the campaign (as a staff member would) while sending its second message."""

    actor: Any = None
    count = 0

    def send_messages(self, messages: Any) -> int:
        super().send_messages(messages)
        type(self).count += 1
        if type(self).count == 2:
            campaign = Campaign.objects.get(status=CampaignStatus.SENDING)
            campaign_cancel(actor=type(self).actor, campaign=campaign, note="wrong figures")
        return len(messages)


def _started(comms: Any, **campaign: Any) -> Campaign:
    """A campaign scheduled for now and started (deliveries made), not sent yet."""
    made = make_campaign(comms, **campaign)
    campaign_schedule(actor=comms, campaign=made, send_at=None)
    assert campaign_start(campaign_id=made.pk) is not None
    return Campaign.objects.get(pk=made.pk)


def _chunk(campaign: Campaign, **kwargs: Any) -> sending.ChunkResult:
    lease = lease_take(campaign.pk, now=timezone.now(), seconds=60)
    assert lease is not None
    try:
        return send_chunk(campaign.pk, lease_until=lease, rate=0, **kwargs)
    finally:
        lease_release(campaign.pk, lease)


def _recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_start_makes_one_delivery_per_active_subscriber_of_the_topics(comms, topics):
    fr = make_subscriber("fr@example.org", topics=[topics["events"]])
    nl = make_subscriber("nl@example.org", language="nl", topics=[topics["events"], topics["europe"]])
    make_subscriber("other-topic@example.org", topics=[topics["europe"]])
    make_subscriber("pending@example.org", topics=[topics["events"]], status=SubscriberStatus.PENDING)
    make_subscriber("gone@example.org", topics=[topics["events"]], status=SubscriberStatus.UNSUBSCRIBED)
    campaign = _started(comms, topics=[topics["events"]])

    assert campaign.status == CampaignStatus.SENDING
    deliveries = Delivery.objects.filter(campaign=campaign).order_by("subscriber__email")
    assert [(d.subscriber_id, d.status) for d in deliveries] == [(fr.pk, "pending"), (nl.pk, "pending")]
    assert all(d.message_id.startswith("<") and d.message_id.endswith("@localhost>") for d in deliveries)
    assert len({d.message_id for d in deliveries}) == 2
    # A second start does nothing (not scheduled any more): still one delivery each.
    assert campaign_start(campaign_id=campaign.pk) is None
    assert Delivery.objects.filter(campaign=campaign).count() == 2


def test_no_topics_means_every_active_subscriber_each_in_their_language(comms, mailoutbox):
    make_subscriber("fr@example.org")
    make_subscriber("nl@example.org", language="nl")
    make_subscriber("en@example.org", language="en")
    campaign = _started(comms)

    result = _chunk(campaign)

    assert (result.sent, result.failed, result.stopped) == (3, 0, "done")
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects == {
        "fr@example.org": "Lettre de juin",
        "nl@example.org": "Brief van juni",
        "en@example.org": "June letter",
    }
    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "Dag allemaal." in bodies["nl@example.org"] and "Bonjour" not in bodies["nl@example.org"]


@time_machine.travel(NOW, tick=False)
def test_the_mail_is_multipart_with_unsubscribe_headers_and_a_fixed_message_id(comms, mailoutbox, settings):
    settings.NEWSLETTER_FROM_EMAIL = "The Brussels Globe <globe@brussels.example>"
    settings.NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@brussels.example"
    subscriber = make_subscriber("Anne@Example.org", language="nl")
    campaign = _started(comms)
    delivery = Delivery.objects.get(campaign=campaign)

    _chunk(campaign)

    [message] = mailoutbox
    unsubscribe = tokens.unsubscribe_token(subscriber.pk, "Anne@Example.org", campaign.pk)
    preferences = tokens.preferences_token(subscriber.pk, "Anne@Example.org")
    assert message.from_email == "The Brussels Globe <globe@brussels.example>"
    assert message.to == ["Anne@Example.org"]
    assert message.extra_headers["Message-ID"] == delivery.message_id
    assert delivery.message_id.endswith("@brussels.example>")
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<http://127.0.0.1:8000/nl/newsletter/unsubscribe/{unsubscribe}/>, "
        "<mailto:unsubscribe@brussels.example?subject=unsubscribe>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert tokens.read_unsubscribe_token(unsubscribe).campaign_id == campaign.pk
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f"http://127.0.0.1:8000/nl/newsletter/preferences/{preferences}/" in html
    assert f"http://127.0.0.1:8000/nl/newsletter/preferences/{preferences}/" in message.body
    assert '<html lang="nl">' in html
    assert "<img" not in html  # no tracking pixel
    # The whole message as it goes on the wire carries the headers.
    wire = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in wire
    assert f"Message-ID: {delivery.message_id}" in wire
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.sent_at) == ("sent", 1, NOW)


def test_the_unsubscribe_link_is_the_one_reverse_builds(comms):
    campaign = make_campaign(comms)
    rendered = sending.render_campaign(campaign, "en")
    token = tokens.unsubscribe_token(7, "x@example.org", campaign.pk)
    message = sending.build_message(
        rendered, to="x@example.org", message_id="<a@b>", unsubscribe_token=token, preferences_token="p"
    )
    from django.urls import reverse

    with translation.override("en"):
        expected = "http://127.0.0.1:8000" + reverse("newsletter:unsubscribe", args=[token])
    assert message.extra_headers["List-Unsubscribe"] == f"<{expected}>"
    assert expected.startswith("http://127.0.0.1:8000/en/newsletter/unsubscribe/")


def test_posts_come_in_the_subscribers_language_when_translated(comms, blog, mailoutbox):
    translated = make_post(blog, "Expo 2030", intro="Le pavillon", translations={"nl": "Expo 2030 (NL)"})
    french_only = make_post(blog, "Sommet de Lomé", date="2026-04-01")
    make_subscriber("nl@example.org", language="nl")
    make_subscriber("fr@example.org")
    campaign = _started(comms, posts=[translated, french_only])

    _chunk(campaign)

    bodies = {m.to[0]: m.body for m in mailoutbox}
    assert "Expo 2030 (NL)" in bodies["nl@example.org"]
    assert "/nl/blog/" in bodies["nl@example.org"]
    assert "Sommet de Lomé" in bodies["nl@example.org"]  # no Dutch version: the French one
    assert "Expo 2030 (NL)" not in bodies["fr@example.org"]
    assert bodies["fr@example.org"].index("Expo 2030") < bodies["fr@example.org"].index("Sommet")  # newest first


@pytest.mark.parametrize("error", [smtplib.SMTPServerDisconnected, RuntimeError])
def test_an_interrupted_chunk_resumes_and_everyone_gets_the_mail_once(comms, mailoutbox, settings, error):
    settings.EMAIL_BACKEND = f"{BACKEND}.FailAfterBackend"
    FailAfterBackend.AFTER, FailAfterBackend.sent, FailAfterBackend.ERROR, FailAfterBackend.DELIVER = 3, 0, error, False
    for n in range(8):
        make_subscriber(f"s{n}@example.org")
    campaign = _started(comms)

    if error is RuntimeError:  # a crash: the task fails, the lease is given back
        with pytest.raises(RuntimeError):
            send_campaign_chunk.call(campaign.pk)
    else:  # the connection was lost: the chunk stops and leaves the rest for its continuation
        assert send_campaign_chunk.call(campaign.pk) == {"sent": 3, "failed": 0, "stopped": "connection"}
    statuses = list(Delivery.objects.filter(campaign=campaign).order_by("pk").values_list("status", flat=True))
    assert statuses == ["sent"] * 3 + ["sending"] + ["pending"] * 4
    assert Campaign.objects.get(pk=campaign.pk).sender_lease_until is None

    assert send_campaign_chunk.call(campaign.pk) == {"sent": 5, "failed": 0, "stopped": "done"}

    assert _recipients() == sorted(f"s{n}@example.org" for n in range(8))
    assert len({m.extra_headers["Message-ID"] for m in mailoutbox}) == 8
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT and campaign.finished_at is not None
    assert Delivery.objects.get(campaign=campaign, subscriber__email="s3@example.org").attempts == 2


def test_a_crash_after_the_server_accepted_resends_with_the_same_message_id(comms, mailoutbox, settings):
    """The documented window: accepted (250) but not yet recorded. The copy keeps its Message-ID."""
    settings.EMAIL_BACKEND = f"{BACKEND}.FailAfterBackend"
    FailAfterBackend.AFTER, FailAfterBackend.sent, FailAfterBackend.ERROR, FailAfterBackend.DELIVER = (
        1,
        0,
        RuntimeError,
        True,
    )
    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    campaign = _started(comms)

    with pytest.raises(RuntimeError):
        send_campaign_chunk.call(campaign.pk)
    send_campaign_chunk.call(campaign.pk)

    assert _recipients() == ["a@example.org", "b@example.org", "b@example.org"]
    copies = [m.extra_headers["Message-ID"] for m in mailoutbox if m.to == ["b@example.org"]]
    assert copies[0] == copies[1] == Delivery.objects.get(subscriber__email="b@example.org").message_id


def test_a_refused_recipient_fails_and_the_others_are_sent(comms, mailoutbox, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.RefusingBackend"
    make_subscriber("a@example.org")
    make_subscriber("refused@example.org")
    make_subscriber("c@example.org")
    campaign = _started(comms)

    assert send_campaign_chunk.call(campaign.pk) == {"sent": 2, "failed": 1, "stopped": "done"}

    refused = Delivery.objects.get(subscriber__email="refused@example.org")
    # Code and text only: the address (the key of the refusal, and repeated in the text) is left out.
    assert (refused.status, refused.error) == (
        "failed",
        "550 5.1.1 <[address]>: Recipient address rejected: User unknown",
    )
    assert _recipients() == ["a@example.org", "c@example.org"]
    assert campaign_figures(campaign).__dict__ == {
        "recipients": 3, "sent": 2, "failed": 1, "bounced": 0, "unsubscribed": 0, "waiting": 0,
    }  # fmt: skip
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT


def test_a_cancelled_campaign_stops_at_the_next_message(comms, mailoutbox, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.CancellingBackend"
    CancellingBackend.actor, CancellingBackend.count = comms, 0
    for n in range(5):
        make_subscriber(f"s{n}@example.org")
    campaign = _started(comms)

    assert send_campaign_chunk.call(campaign.pk) == {"sent": 2, "failed": 0, "stopped": "cancelled"}

    assert _recipients() == ["s0@example.org", "s1@example.org"]
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED and campaign.finished_at is not None
    assert campaign_figures(campaign).waiting == 3
    # A later chunk (the continuation) does nothing.
    assert send_campaign_chunk.call(campaign.pk) == {"stopped": "busy"}
    assert len(mailoutbox) == 2


def test_a_subscriber_erased_or_unsubscribed_after_the_start_is_skipped(comms, mailoutbox):
    make_subscriber("kept@example.org")
    erased = make_subscriber("erased@example.org")
    left = make_subscriber("left@example.org")
    campaign = _started(comms)
    erased.delete()
    Subscriber.objects.filter(pk=left.pk).update(status=SubscriberStatus.UNSUBSCRIBED)

    assert send_campaign_chunk.call(campaign.pk) == {"sent": 1, "failed": 2, "stopped": "done"}

    assert _recipients() == ["kept@example.org"]
    errors = sorted(Delivery.objects.filter(status=DeliveryStatus.FAILED).values_list("error", flat=True))
    assert errors == [
        "Not sent: the subscriber is unsubscribed since the campaign started.",
        "The subscriber was erased before the mail was sent.",
    ]


def _soft_bounce(delivery: Delivery, reference: str) -> None:
    assert (
        services.bounce_record(
            actor=None, source="webhook", reference=reference, kind="soft", message_id=delivery.message_id
        )
        == services.BOUNCE_RECORDED
    )


@pytest.mark.parametrize(("previous_bounced", "expected"), [(False, 0), (True, 1)])
def test_a_sent_mail_resets_the_soft_bounce_count_only_after_a_delivery_that_did_not_bounce(
    comms, mailoutbox, previous_bounced, expected
):
    subscriber = make_subscriber("soft@example.org")
    first = _started(comms)
    assert _chunk(first).sent == 1
    if previous_bounced:  # the last delivery bounced: the run of soft bounces goes on
        _soft_bounce(Delivery.objects.get(campaign=first), "ev-1")
    else:  # older soft bounces, but the last delivery was not bounced
        Subscriber.objects.filter(pk=subscriber.pk).update(soft_bounces=2)
    assert Subscriber.objects.get(pk=subscriber.pk).soft_bounces == (1 if previous_bounced else 2)

    second = _started(comms, title="July letter")
    assert _chunk(second).sent == 1

    assert Subscriber.objects.get(pk=subscriber.pk).soft_bounces == expected


def test_three_soft_bounces_in_a_row_through_the_sender_suspend_the_subscriber(comms, mailoutbox):
    subscriber = make_subscriber("soft@example.org")
    make_subscriber("fine@example.org")

    for n in range(3):
        assert Subscriber.objects.get(pk=subscriber.pk).status == SubscriberStatus.ACTIVE
        campaign = _started(comms, title=f"Letter {n}")
        assert send_campaign_chunk.call(campaign.pk) == {"sent": 2, "failed": 0, "stopped": "done"}
        _soft_bounce(Delivery.objects.get(campaign=campaign, subscriber=subscriber), f"ev-{n}")

    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.soft_bounces) == (SubscriberStatus.SUSPENDED, 3)
    assert _recipients().count("soft@example.org") == 3


def test_the_lease_lets_one_chunk_at_a_time_and_expires(comms):
    make_subscriber("a@example.org")
    campaign = _started(comms)
    now = timezone.now()

    first = lease_take(campaign.pk, now=now, seconds=45)
    assert first == now + dt.timedelta(seconds=45)
    assert lease_take(campaign.pk, now=now + dt.timedelta(seconds=44), seconds=45) is None
    assert send_campaign_chunk.call(campaign.pk) == {"stopped": "busy"}
    # A chunk whose lease was taken over stops before sending.
    second = lease_take(campaign.pk, now=now + dt.timedelta(seconds=46), seconds=45)
    assert second is not None
    assert send_chunk(campaign.pk, lease_until=first, rate=0).stopped == "lease"
    assert Delivery.objects.get(campaign=campaign).status == DeliveryStatus.PENDING


def test_a_chunk_hands_over_when_its_time_is_up(comms, mailoutbox, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.SlowBackend"
    clock = FakeClock()
    SlowBackend.CLOCK, SlowBackend.STEP = clock, 0.7
    for n in range(4):
        make_subscriber(f"s{n}@example.org")
    campaign = _started(comms)

    result = _chunk(campaign, seconds=2.0, clock=clock)  # messages start at 0, 0.7 and 1.4 s; 2.1 s: over

    assert (result.sent, result.stopped) == (3, "time")
    assert _chunk(campaign, clock=clock).sent == 1


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_the_token_bucket_spaces_messages_at_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(10, capacity=1, clock=clock, sleep=clock.sleep)

    for _ in range(5):
        bucket.wait()

    assert clock.sleeps == [0.1, 0.1, 0.1, 0.1]  # the first goes at once, then one every 0.1 s
    assert clock.now == pytest.approx(100.4)


def test_the_token_bucket_allows_a_burst_then_the_rate_and_refills_while_idle():
    clock = FakeClock()
    bucket = TokenBucket(100, clock=clock, sleep=clock.sleep)  # burst: a tenth of a second = 10

    for _ in range(10):
        bucket.wait()
    assert clock.sleeps == []
    bucket.wait()
    assert clock.sleeps == [0.01]
    clock.now += 5  # idle: the bucket refills, up to its capacity only
    for _ in range(10):
        bucket.wait()
    assert clock.sleeps == [0.01]
    bucket.wait()
    assert clock.sleeps == [0.01, 0.01]


def test_the_token_bucket_with_rate_zero_never_waits():
    clock = FakeClock()
    bucket = TokenBucket(0, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        assert bucket.wait() == 0.0
    assert clock.sleeps == []


# --- The HTML of the free text, targeting, refusals, outages, the lease and the SMTP timeout ------


def test_the_free_text_is_escaped_once_and_cut_into_paragraphs_in_the_html_mail(comms, mailoutbox):
    make_subscriber("fr@example.org")
    campaign = _started(comms, text_fr="Bonjour <b>x</b>\n\nLigne 2\nsuite")

    _chunk(campaign)

    [message] = mailoutbox
    [(html, _mimetype)] = message.alternatives
    assert "<div><p>Bonjour &lt;b&gt;x&lt;/b&gt;</p>\n\n<p>Ligne 2<br>suite</p></div>" in html
    assert "&amp;lt;" not in html and "&lt;p&gt;" not in html
    assert "\nBonjour <b>x</b>\n\nLigne 2\nsuite\n" in message.body  # the text version as typed


def test_subscribers_without_a_topic_get_every_campaign_once(comms, topics):
    events = make_subscriber("events@example.org", topics=[topics["events"]])
    both = make_subscriber("both@example.org", topics=[topics["events"], topics["europe"]])
    no_topic = make_subscriber("no-topic@example.org", language="nl")
    make_subscriber("europe@example.org", topics=[topics["europe"]])
    make_subscriber("gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    make_subscriber("pending@example.org", status=SubscriberStatus.PENDING)
    campaign = _started(comms, topics=[topics["events"]])

    deliveries = Delivery.objects.filter(campaign=campaign)
    assert sorted(deliveries.values_list("subscriber_id", flat=True)) == sorted([events.pk, both.pk, no_topic.pk])
    from brussels_international.newsletter.campaign_selectors import campaign_recipient_languages

    assert campaign_recipient_languages(campaign) == {"fr": 2, "nl": 1}


def test_a_temporary_refusal_puts_the_delivery_back_to_pending_and_the_others_go_on(
    comms, mailoutbox, settings, monkeypatch
):
    settings.EMAIL_BACKEND = f"{BACKEND}.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "REPLY", (450, b"try later"))
    make_subscriber("a@example.org")
    make_subscriber("refused@example.org")
    make_subscriber("c@example.org")
    campaign = _started(comms)

    assert send_campaign_chunk.call(campaign.pk) == {"sent": 2, "failed": 0, "stopped": "deferred"}

    assert _recipients() == ["a@example.org", "c@example.org"]
    refused = Delivery.objects.get(subscriber__email="refused@example.org")
    assert (refused.status, refused.attempts, refused.error) == ("pending", 1, "450 try later")
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENDING
    # Not due yet: a chunk right away leaves it alone (greylisting wants a wait).
    result = _chunk(campaign)
    assert (result.sent, result.deferred, result.stopped, _recipients()) == (
        0,
        0,
        "deferred",
        ["a@example.org", "c@example.org"],
    )
    now = timezone.now()
    waits = []
    for attempt in range(2, sending.MAX_ATTEMPTS + 1):  # still refused: tried again when due, waits doubling
        due = Delivery.objects.get(pk=refused.pk).next_attempt_at
        waits.append(round((due - now).total_seconds() / 60))
        now = due
        with time_machine.travel(due, tick=False):
            result = _chunk(campaign)
        assert (result.sent, result.failed, result.deferred, result.stopped) == (0, 0, 1, "deferred")
        assert Delivery.objects.get(pk=refused.pk).attempts == attempt
    assert waits == [5, 10, 20, 40]  # minutes after each refusal (sending.retry_delay)
    with time_machine.travel(Delivery.objects.get(pk=refused.pk).next_attempt_at, tick=False):
        result = _chunk(campaign)  # MAX_ATTEMPTS reached: given up
    assert (result.sent, result.failed, result.deferred, result.stopped) == (0, 1, 0, "done")
    refused.refresh_from_db()
    assert (refused.status, refused.attempts, refused.error) == (
        "failed",
        5,
        "Given up after 5 attempts. Last answer: 450 try later",
    )


def test_a_temporary_refusal_is_sent_by_a_later_chunk(comms, mailoutbox, settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{BACKEND}.RefusingBackend"
    monkeypatch.setattr(RefusingBackend, "REPLY", (452, b"4.2.2 Mailbox full"))
    make_subscriber("refused@example.org")
    campaign = _started(comms)
    assert _chunk(campaign).stopped == "deferred"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_campaign_chunk.call(campaign.pk) == {"sent": 0, "failed": 0, "stopped": "deferred"}  # not due
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5, seconds=1), tick=False):
        assert send_campaign_chunk.call(campaign.pk) == {"sent": 1, "failed": 0, "stopped": "done"}

    delivery = Delivery.objects.get(campaign=campaign)
    assert (delivery.status, delivery.attempts, delivery.error) == ("sent", 2, "")
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENT


def test_a_mail_server_outage_costs_no_attempt(comms, mailoutbox, settings):
    settings.EMAIL_BACKEND = f"{BACKEND}.OutageBackend"
    OutageBackend.DOWN = 6
    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    campaign = _started(comms)

    for _ in range(6):
        assert send_campaign_chunk.call(campaign.pk) == {"sent": 0, "failed": 0, "stopped": "connection"}

    assert list(Delivery.objects.order_by("pk").values_list("status", "attempts")) == [("pending", 0)] * 2
    assert send_campaign_chunk.call(campaign.pk) == {"sent": 2, "failed": 0, "stopped": "done"}
    assert list(Delivery.objects.order_by("pk").values_list("status", "attempts")) == [("sent", 1)] * 2
    assert _recipients() == ["a@example.org", "b@example.org"]


@pytest.mark.parametrize(
    ("leave", "error"),
    [
        ("unsubscribe", "Not sent: the subscriber is unsubscribed since the campaign started."),
        ("erase", "The subscriber was erased before the mail was sent."),
    ],
)
def test_a_subscriber_who_leaves_after_the_batch_was_read_is_not_sent_the_mail(comms, mailoutbox, leave, error):
    make_subscriber("first@example.org")
    second = make_subscriber("second@example.org")
    campaign = _started(comms)
    clock = FakeClock()

    def sleep(seconds: float) -> None:  # the rate limit's wait before the second message
        clock.sleep(seconds)
        if leave == "unsubscribe":
            Subscriber.objects.filter(pk=second.pk).update(status=SubscriberStatus.UNSUBSCRIBED)
        else:
            services.subscriber_erase(actor=comms, subscriber=Subscriber.objects.get(pk=second.pk))

    lease = lease_take(campaign.pk, now=timezone.now(), seconds=60)
    result = send_chunk(campaign.pk, lease_until=lease, rate=1, clock=clock, sleep=sleep)

    assert (result.sent, result.failed, result.stopped) == (1, 1, "done")
    assert clock.sleeps == [1.0]  # the change came between the batch read and the claim
    assert _recipients() == ["first@example.org"]
    skipped = Delivery.objects.get(campaign=campaign, status=DeliveryStatus.FAILED)
    assert (skipped.error, skipped.attempts) == (error, 0)


@time_machine.travel(NOW, tick=False)
def test_a_chunk_starts_no_message_that_could_outlast_its_lease(comms, mailoutbox, settings):
    """With EMAIL_TIMEOUT = 20 s (+ 5 s margin), a 60 s lease allows starting messages until 35 s."""
    settings.EMAIL_BACKEND = f"{BACKEND}.SlowBackend"
    settings.EMAIL_TIMEOUT = 20
    clock = FakeClock()
    SlowBackend.CLOCK, SlowBackend.STEP = clock, 10.0
    for n in range(6):
        make_subscriber(f"s{n}@example.org")
    campaign = _started(comms)
    lease = lease_take(campaign.pk, now=timezone.now(), seconds=60)

    # The chunk length alone (1,000 s) would let every message go.
    result = send_chunk(campaign.pk, lease_until=lease, seconds=1000, rate=0, clock=clock)

    # Messages start at 0, 10, 20 and 30 s (60, 50, 40, 30 s of lease left); at 40 s 20 s are left < 25.
    assert (result.sent, result.stopped) == (4, "time")
    assert (
        list(Delivery.objects.order_by("pk").values_list("status", "attempts"))
        == [("sent", 1)] * 4 + [("pending", 0)] * 2
    )


def test_the_lease_lasts_long_enough_for_a_message_started_at_the_chunk_end(settings):
    settings.EMAIL_TIMEOUT = 20
    assert sending.lease_grace_seconds() == 25.0
    settings.EMAIL_TIMEOUT = 2
    assert sending.lease_grace_seconds() == sending.LEASE_GRACE_SECONDS == 15.0


def test_the_default_smtp_timeout_is_set():
    from django.conf import settings as django_settings

    assert django_settings.EMAIL_TIMEOUT == 20.0
