"""Sending a campaign: deliveries and targeting, the mail and its headers, exactly once after an
interruption, recipient refusals, cancellation, erased subscribers, the lease, the rate limit."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone, translation

from brussels_international.newsletter import sending, tokens
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
    """Refuses the recipient ``refused@example.org`` (550), accepts the others."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            if "refused@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"refused@example.org": (550, b"5.1.1 No such user")})
            super().send_messages([message])
        return len(messages)


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
    assert (refused.status, refused.error) == ("failed", "refused@example.org: 550 5.1.1 No such user")
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


def test_a_sent_mail_resets_the_soft_bounce_count(comms, mailoutbox):
    subscriber = make_subscriber("soft@example.org")
    Subscriber.objects.filter(pk=subscriber.pk).update(soft_bounces=2)
    campaign = _started(comms)

    _chunk(campaign)

    assert Subscriber.objects.get(pk=subscriber.pk).soft_bounces == 0


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


def test_a_chunk_hands_over_when_its_time_is_up(comms, mailoutbox):
    for n in range(4):
        make_subscriber(f"s{n}@example.org")
    campaign = _started(comms)
    clock = iter([0.0, 0.0, 0.5, 1.0, 1.5, 2.5, 3.0, 3.5]).__next__  # start, then one tick per check

    result = _chunk(campaign, seconds=2.0, clock=clock)

    assert (result.sent, result.stopped) == (3, "time")
    assert _chunk(campaign).sent == 1


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
