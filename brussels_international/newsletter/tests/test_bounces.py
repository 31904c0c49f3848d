"""Bounces: the signed webhook (signature, replay window, bad JSON, duplicates) and the mailbox
command reading RFC 3464 delivery status notifications; the suspension rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mailbox
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from brussels_international.newsletter import services
from brussels_international.newsletter.bounces import webhook_signature
from brussels_international.newsletter.models import Bounce, Delivery, DeliveryStatus, Subscriber, SubscriberStatus

from .subscriber_helpers import make_campaign, make_delivery, make_subscriber

pytestmark = pytest.mark.django_db

SECRET = "test-webhook-secret"
URL = "/newsletter/webhooks/bounces/"


@pytest.fixture(autouse=True)
def _secret(settings):  # type: ignore[no-untyped-def]
    settings.NEWSLETTER_WEBHOOK_SECRET = SECRET


def post_events(events: object, *, secret: str = SECRET, timestamp: int | None = None, raw: bytes | None = None):  # type: ignore[no-untyped-def]
    body = raw if raw is not None else json.dumps({"events": events}).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return Client().post(
        URL,
        body,
        content_type="application/json",
        headers={"X-Timestamp": stamp, "X-Signature": webhook_signature(secret, stamp, body)},
    )


def event(**fields: str) -> dict[str, str]:
    data = {"id": "evt-1", "type": "bounce", "bounce_type": "hard", "email": "ada@example.org", "diagnostic": "550"}
    data.update(fields)
    return data


# --- Webhook -------------------------------------------------------------------------------------


def test_hard_bounce_suspends_and_marks_the_delivery(db):
    subscriber = make_subscriber()
    delivery = make_delivery(make_campaign(), subscriber, "<m1@example.org>")
    response = post_events([event(email="", message_id="m1@example.org", diagnostic="550 5.1.1 user unknown")])
    assert response.status_code == 200
    assert response.json() == {"recorded": 1, "duplicates": 0, "unknown": 0}
    subscriber.refresh_from_db()
    delivery.refresh_from_db()
    assert subscriber.status == SubscriberStatus.SUSPENDED
    assert subscriber.suspension_reason == "Hard bounce: 550 5.1.1 user unknown"
    assert subscriber.suspended_at is not None
    assert delivery.status == DeliveryStatus.BOUNCED
    bounce = Bounce.objects.get()
    assert (bounce.kind, bounce.source, bounce.reference, bounce.delivery, bounce.subscriber) == (
        "hard",
        "webhook",
        "evt-1",
        delivery,
        subscriber,
    )


def test_duplicate_event_ids_are_ignored(db):
    make_subscriber()
    post_events([event()])
    response = post_events([event(), event(id="evt-2", email="nobody@example.org")])
    assert response.json() == {"recorded": 0, "duplicates": 1, "unknown": 1}
    assert Bounce.objects.count() == 1


def test_complaint_suspends(db):
    subscriber = make_subscriber(email="Ada@Example.org")
    post_events([event(type="complaint", bounce_type="", email="ada@example.ORG", diagnostic="abuse report")])
    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.suspension_reason) == ("suspended", "Spam complaint: abuse report")


def test_bad_signature_is_403(db):
    make_subscriber()
    assert post_events([event()], secret="wrong").status_code == 403
    body = json.dumps({"events": [event()]}).encode()
    stamp = str(int(time.time()))
    no_header = Client().post(URL, body, content_type="application/json", headers={"X-Timestamp": stamp})
    assert no_header.status_code == 403
    # A signature over another timestamp (a replay with a fresh timestamp) fails too.
    old = str(int(time.time()) - 1000)
    replay = Client().post(
        URL,
        body,
        content_type="application/json",
        headers={"X-Timestamp": stamp, "X-Signature": webhook_signature(SECRET, old, body)},
    )
    assert replay.status_code == 403
    assert Bounce.objects.count() == 0


@pytest.mark.parametrize("stamp", ["²", "\u0661\u0667\u0660\u0660", "+1741000000", "1741000000.5", "-1"])
def test_timestamp_other_than_ascii_digits_is_403(stamp, db):
    make_subscriber()
    body = json.dumps({"events": [event()]}).encode()
    headers = {"X-Timestamp": stamp, "X-Signature": webhook_signature(SECRET, "0", body)}
    response = Client().post(URL, body, content_type="application/json", headers=headers)
    assert response.status_code == 403
    assert response.json() == {"error": "Missing or wrong X-Signature or X-Timestamp."}
    assert Bounce.objects.count() == 0


def test_timestamp_older_than_five_minutes_is_403(db):
    make_subscriber()
    assert post_events([event()], timestamp=int(time.time()) - 301).status_code == 403
    assert post_events([event()], timestamp=int(time.time()) - 290).status_code == 200


def test_no_secret_configured_refuses_everything(db, settings):
    settings.NEWSLETTER_WEBHOOK_SECRET = ""
    assert post_events([event()], secret="").status_code == 403


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "The body is not JSON: "),
        (b'{"items": []}', 'The body must be an object with a list "events".'),
        (json.dumps({"events": [event(type="open")]}).encode(), 'events[0].type must be "bounce" or "complaint".'),
        (json.dumps({"events": [event(bounce_type="medium")]}).encode(), 'events[0].bounce_type must be "hard"'),
        (json.dumps({"events": [event(), event(id="")]}).encode(), "events[1].id is missing."),
        (json.dumps({"events": [event(email="")]}).encode(), "events[0] needs an email or a message_id."),
        (json.dumps({"events": [{"id": 5}]}).encode(), "events[0].id must be a string."),
    ],
)
def test_bad_body_is_400_with_a_message(db, raw, message):
    make_subscriber()
    response = post_events(None, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"].startswith(message)
    assert Bounce.objects.count() == 0


def test_webhook_is_post_only_and_without_language_prefix(db):
    assert Client().get(URL).status_code == 405


def test_a_bounce_after_erasure_records_nothing(db, django_capture_on_commit_callbacks):
    ada = make_subscriber(email="ada@example.org")
    delivery = make_delivery(make_campaign(), ada, "<m1@example.org>")
    services.subscriber_erase(actor=None, subscriber=ada, by_subscriber=True)
    # The provider reports the bounce later, naming the address and quoting it in the diagnostic.
    response = post_events(
        [event(email="ada@example.org", message_id="<m1@example.org>", diagnostic="550 <ada@example.org> unknown")]
    )
    assert response.json() == {"recorded": 0, "duplicates": 0, "unknown": 1}
    assert Bounce.objects.count() == 0
    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT
    # A new subscriber with the same address is not charged with the old delivery's bounce either.
    make_subscriber(email="ada@example.org")
    again = post_events([event(id="evt-2", email="ada@example.org", message_id="<m1@example.org>")])
    assert again.json() == {"recorded": 0, "duplicates": 0, "unknown": 1}
    assert Subscriber.objects.get().status == SubscriberStatus.ACTIVE


def test_the_address_quoted_in_a_diagnostic_is_replaced(db):
    subscriber = make_subscriber(email="Ada@Example.org")
    post_events(
        [event(email="ada@example.org", diagnostic="550 5.1.1 <ADA@example.org>: unknown; ada@example.org gone")]
    )
    bounce = Bounce.objects.get()
    assert bounce.diagnostic == "550 5.1.1 <address>: unknown; <address> gone"
    subscriber.refresh_from_db()
    assert subscriber.suspension_reason == "Hard bounce: 550 5.1.1 <address>: unknown; <address> gone"


# --- Soft bounces in a row -------------------------------------------------------------------------


def test_three_soft_bounces_in_a_row_suspend(db):
    subscriber = make_subscriber()
    start = timezone.now()
    for number in range(1, 4):
        make_delivery(make_campaign(f"Issue {number}"), subscriber, f"<m{number}@x>", start + dt.timedelta(days=number))
        post_events([event(id=f"e{number}", bounce_type="soft", message_id=f"<m{number}@x>", diagnostic="4.2.2 full")])
        subscriber.refresh_from_db()
        assert subscriber.soft_bounces == number
        assert subscriber.status == ("suspended" if number == 3 else "active")
    assert subscriber.suspension_reason == "Soft bounces in a row: 4.2.2 full"  # an English msgid + diagnostic


def test_soft_bounces_of_one_delivery_count_once(db):
    subscriber = make_subscriber()
    make_delivery(make_campaign(), subscriber, "<m1@x>")
    post_events([event(id=f"e{n}", bounce_type="soft", message_id="<m1@x>") for n in range(3)])
    subscriber.refresh_from_db()
    assert (subscriber.soft_bounces, subscriber.status) == (1, "active")
    assert Bounce.objects.count() == 3


def test_the_count_restarts_when_a_later_delivery_is_not_bounced(db):
    subscriber = make_subscriber()
    start = timezone.now()
    first = make_delivery(make_campaign("1"), subscriber, "<m1@x>", start)
    services.bounce_record(actor=None, source="webhook", reference="e1", kind="soft", message_id="<m1@x>")
    second = make_delivery(make_campaign("2"), subscriber, "<m2@x>", start + dt.timedelta(days=7))
    # The sender hands the second mail over: the previous one bounced, so the count stays.
    assert services.subscriber_soft_bounces_reset(actor=None, delivery=second) is False
    subscriber.refresh_from_db()
    assert subscriber.soft_bounces == 1
    third = make_delivery(make_campaign("3"), subscriber, "<m3@x>", start + dt.timedelta(days=14))
    # The second one did not bounce: the third send restarts the count.
    assert services.subscriber_soft_bounces_reset(actor=None, delivery=third) is True
    subscriber.refresh_from_db()
    assert subscriber.soft_bounces == 0
    assert first.pk != third.pk


def test_bounce_of_an_unsubscribed_address_keeps_its_status(db):
    subscriber = make_subscriber(status=SubscriberStatus.UNSUBSCRIBED)
    post_events([event()])
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert Bounce.objects.count() == 1


# --- Mailbox command (RFC 3464) ----------------------------------------------------------------------

HARD_DSN = """\
From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: no-reply@example.be
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-1@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

Your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Mon, 3 Mar 2025 10:00:00 +0100

Final-Recipient: rfc822; ada@example.org
Original-Recipient: rfc822;ada@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <ada@example.org>: Recipient address
    rejected: User unknown

--B1
Content-Type: message/rfc822

Message-ID: <campaign-7.ada@example.be>
From: Brussels International <no-reply@example.be>
To: ada@example.org
Subject: March issue

Hello.

--B1--
"""

SOFT_DSN = """\
From: MAILER-DAEMON@mx.example.com
To: no-reply@example.be
Subject: Delivery delayed
Message-ID: <dsn-2@mx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B2"

--B2
Content-Type: text/plain

Still trying.

--B2
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com

Final-Recipient: rfc822; Bob@Example.com
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 Mailbox full

--B2
Content-Type: text/rfc822-headers

Message-ID: <campaign-7.bob@example.be>
From: Brussels International <no-reply@example.be>
To: bob@example.com
Subject: March issue

--B2--
"""

NOT_A_DSN = """\
From: someone@example.com
To: no-reply@example.be
Subject: Out of office
Message-ID: <ooo-1@example.com>

I am away until Monday.
"""


def write_mbox(path, messages: list[str]) -> None:  # type: ignore[no-untyped-def]
    box = mailbox.mbox(str(path))
    for text in messages:
        box.add(text.encode())
    box.flush()
    box.close()


def test_mailbox_command_records_hard_and_soft_bounces_and_reports_unreadable_messages(db, tmp_path):
    ada = make_subscriber(email="ada@example.org")
    bob = make_subscriber(email="bob@example.com")
    campaign = make_campaign()
    ada_delivery = make_delivery(campaign, ada, "<campaign-7.ada@example.be>")
    bob_delivery = make_delivery(campaign, bob, "<campaign-7.bob@example.be>")
    path = tmp_path / "bounces.mbox"
    write_mbox(path, [HARD_DSN, NOT_A_DSN, SOFT_DSN])
    out = StringIO()
    call_command("newsletter_bounces", str(path), stdout=out)
    assert out.getvalue().splitlines() == [
        "3 messages read: 2 bounces recorded (1 hard, 1 soft), 0 already recorded, 0 for unknown addresses, 1 skipped.",
        "Message 1 skipped: not a delivery status notification (text/plain)",
    ]
    ada.refresh_from_db()
    bob.refresh_from_db()
    assert (ada.status, bob.status, bob.soft_bounces) == ("suspended", "active", 1)
    hard = Bounce.objects.get(kind="hard")
    # The reference is a hash of the report's Message-ID and the recipient: no address in it.
    digest = hashlib.sha256(b"<dsn-1@mx.example.net> ada@example.org").hexdigest()[:40]
    assert (hard.delivery, hard.subscriber, hard.source, hard.reference) == (
        ada_delivery,
        ada,
        "mailbox",
        f"sha256:{digest}",
    )
    # The address the diagnostic quotes is replaced.
    assert hard.diagnostic == "5.1.1 smtp; 550 5.1.1 <address>: Recipient address rejected: User unknown"
    assert ada.suspension_reason == (
        "Hard bounce: 5.1.1 smtp; 550 5.1.1 <address>: Recipient address rejected: User unknown"
    )
    soft = Bounce.objects.get(kind="soft")
    assert (soft.delivery, soft.subscriber) == (bob_delivery, bob)
    assert Delivery.objects.get(pk=bob_delivery.pk).status == "bounced"
    # Read again: every report is already recorded.
    again = StringIO()
    call_command("newsletter_bounces", str(path), stdout=again)
    assert again.getvalue().splitlines()[0] == (
        "3 messages read: 0 bounces recorded (0 hard, 0 soft), 2 already recorded, 0 for unknown addresses, 1 skipped."
    )
    assert Bounce.objects.count() == 2


def test_mailbox_without_message_id_finds_the_subscriber_by_final_recipient(db, tmp_path):
    ada = make_subscriber(email="ada@example.org")
    dsn = HARD_DSN.replace("Message-ID: <campaign-7.ada@example.be>\n", "")
    path = tmp_path / "b.mbox"
    write_mbox(path, [dsn])
    call_command("newsletter_bounces", str(path), stdout=StringIO())
    ada.refresh_from_db()
    assert ada.status == "suspended"
    assert Bounce.objects.get().delivery is None


def test_mailbox_report_without_status_is_skipped(db, tmp_path):
    make_subscriber(email="ada@example.org")
    path = tmp_path / "b.mbox"
    write_mbox(path, [HARD_DSN.replace("Status: 5.1.1\n", "")])
    out = StringIO()
    call_command("newsletter_bounces", str(path), stdout=out)
    assert out.getvalue().splitlines()[1] == ("Message 0 skipped: no failed recipient with a 4.x.x or 5.x.x status")


def test_mailbox_command_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="No mailbox file at"):
        call_command("newsletter_bounces", str(tmp_path / "missing.mbox"))


def test_bounce_event_with_time_frozen_outside_the_window(db):
    make_subscriber()
    with time_machine.travel(dt.datetime(2025, 3, 3, 12, 0, tzinfo=dt.UTC), tick=False):
        stamp = int(time.time())
    assert post_events([event()], timestamp=stamp).status_code == 403  # months ago
