"""Sending a newsletter campaign: the mail of each language, the rate limit, and the sending chunk.

How a campaign is sent (the background worker runs :mod:`newsletter.tasks`):

1. When ``scheduled_for`` is reached, :func:`~newsletter.campaign_services.campaign_start` moves the
   campaign ``scheduled → sending`` and creates one :class:`~newsletter.models.Delivery` per recipient,
   each with its Message-ID, in one transaction.
2. Chunks (:func:`send_chunk`) then send the waiting deliveries. A chunk holds the campaign's lease
   (``Campaign.sender_lease_until``, taken by a conditional ``UPDATE``), works for at most
   ``NEWSLETTER_CHUNK_SECONDS`` seconds over one SMTP connection, at most
   ``NEWSLETTER_RATE_PER_SECOND`` messages a second (:class:`TokenBucket`).
3. Each delivery is marked ``sending`` (committed) before its SMTP transaction, ``handed``
   (committed) once the whole message is written and just before the end-of-data line
   (``<CRLF>.<CRLF>``, RFC 5321 §4.1.1.4) goes out, and ``sent`` (committed) when the server has
   answered ``250``. ``handed`` is a fencing write: it succeeds only while the chunk still holds
   the lease, so a chunk that outlived its lease (a very slow server) drops its message unfinished
   instead of finishing one that the next chunk may be sending again.

After a worker is killed (the process only), the next chunk:

- sends again the deliveries left ``sending``, with the same Message-ID: their end-of-data line was
  never written, and a server keeps no message whose data did not end (the transaction only
  completes at the end of data, RFC 5321 §4.1.1.4 and §3.3);
- counts as ``sent`` the deliveries left ``handed``: their end-of-data line was written, and the
  operating system still transmits what a killed process wrote to its socket. The server thus has
  the whole message and normally accepts it (RFC 1047 describes servers that keep a message whose
  ``250`` the client never read). They are "possibly delivered", not sent again: this is at most
  once for that one message, where RFC 5321 §3.8 lets a client retry (a duplicate) instead.

What is left: a crash in the microseconds between the commit of ``handed`` and the write of the
end-of-data line loses that message; so does a server that refuses the message at its end of data
while the worker is dead, and a machine failure (power, kernel) that loses the socket's buffer after
``handed``. A connection that breaks while writing the end-of-data line, or a refusal answered to
it, puts the delivery back to ``sending`` (it is sent again). With a mail backend other than
Django's SMTP backend (tests, console, an HTTP API), a message is sent whole and marked ``sent``
after the backend returns: a crash in between sends that one message again, with the same
Message-ID.

Each language's mail is rendered once per chunk (:func:`render_campaign`) with markers in place of
the per-recipient links; :func:`build_message` only replaces the markers (no template rendering per
recipient).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import smtplib
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import connections
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from brussels_international.core.feeds import absolute_url
from brussels_international.core.i18n import LANGUAGE_CODES

from . import services, tokens
from .campaign_selectors import campaign_posts_for_language
from .models import Campaign, CampaignStatus, Delivery, DeliveryStatus, SubscriberStatus

logger = logging.getLogger(__name__)

UNSUBSCRIBE_MARK = "BI-NEWSLETTER-UNSUBSCRIBE-TOKEN"
"""Stands for the unsubscribe token in a rendered mail; replaced per recipient."""
PREFERENCES_MARK = "BI-NEWSLETTER-PREFERENCES-TOKEN"
"""Stands for the preferences token in a rendered mail; replaced per recipient."""
MAX_ATTEMPTS = 5
"""SMTP attempts per delivery before it is marked failed (a message that always breaks the connection)."""
RETRY_BACKOFF = dt.timedelta(minutes=5)
"""First wait before a delivery refused for now (4xx) is tried again (:func:`retry_delay`)."""
LEASE_GRACE_SECONDS = 15.0
"""Least seconds added to the chunk length for the lease: a chunk that overruns (a slow last message)
keeps it. See :func:`lease_grace_seconds`."""
SMTP_TIMEOUT_MARGIN = 5.0
"""Seconds kept in hand, on top of ``EMAIL_TIMEOUT``, before the lease's end: a chunk does not start
a message with less than ``EMAIL_TIMEOUT + SMTP_TIMEOUT_MARGIN`` seconds of lease left."""
FETCH_BATCH = 200
"""Deliveries read from the database at a time by a chunk."""
TEST_PREFIX = "[TEST] "


def rate_per_second() -> float:
    """``NEWSLETTER_RATE_PER_SECOND`` (messages per second; 0 = no limit; default 50)."""
    return float(getattr(settings, "NEWSLETTER_RATE_PER_SECOND", 50))


def chunk_seconds() -> float:
    """``NEWSLETTER_CHUNK_SECONDS`` (seconds a chunk may send before handing over; default 30)."""
    return float(getattr(settings, "NEWSLETTER_CHUNK_SECONDS", 30))


def smtp_timeout() -> float:
    """``EMAIL_TIMEOUT``: seconds one SMTP connection attempt or command may block (Django's SMTP
    backend sets it as the socket timeout); ``0`` when not set (no bound: the lease check is off)."""
    return float(getattr(settings, "EMAIL_TIMEOUT", None) or 0)


def lease_grace_seconds() -> float:
    """Seconds the lease lasts beyond the chunk length: at least :data:`LEASE_GRACE_SECONDS`, and
    enough for a message started at the chunk's end to finish (``EMAIL_TIMEOUT`` +
    :data:`SMTP_TIMEOUT_MARGIN`), so that the lease check of :func:`send_chunk` does not cut chunks short."""
    return max(LEASE_GRACE_SECONDS, smtp_timeout() + SMTP_TIMEOUT_MARGIN)


def from_email() -> str:
    """``NEWSLETTER_FROM_EMAIL``, else ``DEFAULT_FROM_EMAIL``."""
    return str(getattr(settings, "NEWSLETTER_FROM_EMAIL", "") or settings.DEFAULT_FROM_EMAIL)


def new_message_id() -> str:
    """A new, globally unique Message-ID (RFC 5322 §3.6.4) ``<hex.newsletter@domain>``; the domain is
    the one of the From address (else of ``SITE_BASE_URL``)."""
    domain = parseaddr(from_email())[1].rpartition("@")[2] or urlsplit(settings.SITE_BASE_URL).hostname or "localhost"
    return f"<{uuid.uuid4().hex}.newsletter@{domain}>"


class TokenBucket:
    """A token bucket: :meth:`wait` returns when sending one more message keeps the rate at most
    *rate* messages per second on average, with bursts of at most *capacity* messages.

    Args:
        rate: messages per second; ``0`` (or less) means no limit.
        capacity: largest burst, in messages; default one tenth of a second's worth (at least 1).
        clock: monotonic clock in seconds (``time.monotonic``; a fake one in tests).
        sleep: function sleeping for a number of seconds (``time.sleep``).
    """

    def __init__(
        self,
        rate: float,
        *,
        capacity: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.capacity = capacity if capacity is not None else max(1.0, rate / 10)
        self.clock = clock
        self.sleep = sleep
        self.tokens = self.capacity
        self.last = clock()

    def wait(self) -> float:
        """Take one token, sleeping first if none is left. Returns the seconds slept."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
        self.last = now
        slept = 0.0
        if self.tokens < 1:
            slept = (1 - self.tokens) / self.rate
            self.sleep(slept)
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.last) * self.rate)
            self.last = now
        self.tokens -= 1
        return slept


@dataclass(frozen=True)
class RenderedMail:
    """One language's mail of a campaign, with :data:`UNSUBSCRIBE_MARK` / :data:`PREFERENCES_MARK`
    in place of the per-recipient tokens."""

    language: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str
    """Absolute unsubscribe URL with the mark as token (for the ``List-Unsubscribe`` header)."""


def campaign_subject(campaign: Campaign, language: str) -> str:
    """The subject in *language*; when empty (a subscriber changed language after scheduling), the
    first non-empty one in French, English, Dutch order."""
    for code in (language, "fr", "en", "nl"):
        subject = str(getattr(campaign, f"subject_{code}", "") or "").strip()
        if subject:
            return subject
    return campaign.title


def render_campaign(campaign: Campaign, language: str) -> RenderedMail:
    """Render the text and HTML mail of *campaign* in *language* (``fr``, ``nl`` or ``en``).

    The free text is ``text_<language>`` (empty allowed), plain text: in the HTML version it is
    escaped once and cut into paragraphs (blank lines) and line breaks (Django's ``linebreaks``
    filter in the template); each blog post is its translation in
    *language* when one is live, else the post as chosen (:func:`campaign_posts_for_language`).
    Links are absolute (``SITE_BASE_URL``). No tracking pixel, no redirected links.

    Raises:
        ValueError: *language* is not one of the site's languages.
    """
    if language not in LANGUAGE_CODES:
        raise ValueError(f"Unknown language {language!r}.")
    with translation.override(language):
        unsubscribe = absolute_url(reverse("newsletter:unsubscribe", args=[UNSUBSCRIBE_MARK]))
        preferences = absolute_url(reverse("newsletter:preferences", args=[PREFERENCES_MARK]))
        text = str(getattr(campaign, f"text_{language}", "") or "").strip()
        posts = [
            {
                "title": post.title,
                "intro": post.intro,
                "date": post.date,
                "url": absolute_url(post.get_url() or ""),
                "lang": post.locale.language_code,
            }
            for post in campaign_posts_for_language(campaign, language)
        ]
        context: dict[str, Any] = {
            "language": language,
            "subject": campaign_subject(campaign, language),
            "text": text,
            "posts": posts,
            "unsubscribe_url": unsubscribe,
            "preferences_url": preferences,
            "site_url": settings.SITE_BASE_URL,
        }
        html = render_to_string("newsletter/campaign/mail.html", context)
        plain = render_to_string("newsletter/campaign/mail.txt", context)
    return RenderedMail(language, context["subject"], plain, html, unsubscribe)


def build_message(
    mail: RenderedMail,
    *,
    to: str,
    message_id: str,
    unsubscribe_token: str,
    preferences_token: str,
    subject_prefix: str = "",
    connection: Any = None,
) -> EmailMultiAlternatives:
    """The multipart (text + HTML) message of *mail* for one recipient: the tokens put in place of the
    marks, ``Message-ID``, ``List-Unsubscribe`` (RFC 2369 §3.2; plus a ``mailto:`` when
    ``NEWSLETTER_UNSUBSCRIBE_MAILTO`` is set) and ``List-Unsubscribe-Post: List-Unsubscribe=One-Click``
    (RFC 8058 §3.1).

    Args:
        to: the recipient's address.
        message_id: ``<…@…>``, fixed on the delivery before its first attempt.
    """

    def fill(value: str) -> str:
        return value.replace(UNSUBSCRIBE_MARK, unsubscribe_token).replace(PREFERENCES_MARK, preferences_token)

    unsubscribe = f"<{fill(mail.unsubscribe_url)}>"
    mailto = getattr(settings, "NEWSLETTER_UNSUBSCRIBE_MAILTO", "")
    if mailto:
        unsubscribe += f", <mailto:{mailto}?subject=unsubscribe>"
    message = EmailMultiAlternatives(
        subject_prefix + mail.subject,
        fill(mail.text),
        from_email(),
        [to],
        connection=connection,
        headers={
            "Message-ID": message_id,
            "List-Unsubscribe": unsubscribe,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(fill(mail.html), "text/html")
    return message


def send_test(campaign: Campaign, *, language: str, to: str) -> None:
    """Send *campaign* in *language* to *to* now, ``[TEST]`` before the subject; no delivery row,
    not counted. The links carry tokens of no subscriber (they open the "invalid link" page).

    Raises:
        smtplib.SMTPException, OSError: the mail server refused or could not be reached.
    """
    mail = render_campaign(campaign, language)
    build_message(
        mail,
        to=to,
        message_id=new_message_id(),
        unsubscribe_token=tokens.unsubscribe_token(0, to, campaign.pk),
        preferences_token=tokens.preferences_token(0, to),
        subject_prefix=TEST_PREFIX,
    ).send()


# --- The sending chunk -------------------------------------------------------------------------


@dataclass
class ChunkResult:
    """What a chunk did: counts of deliveries sent, failed (refused or skipped) and deferred (a 4xx
    answer: back to ``pending``), and why it stopped: ``"done"`` (nothing waits), ``"deferred"``
    (every waiting delivery was tried; the deferred ones wait for the continuation), ``"time"``
    (chunk length reached, or too little lease left for one more message), ``"cancelled"``,
    ``"lease"`` (another worker holds the campaign), ``"connection"`` (mail server unreachable;
    retry later)."""

    sent: int = 0
    failed: int = 0
    deferred: int = 0
    stopped: str = "done"
    errors: list[str] = field(default_factory=list)


class LeaseLost(Exception):
    """The campaign is no longer ``sending`` or another chunk holds its lease."""


def lease_take(campaign_id: int, *, now: dt.datetime, seconds: float) -> dt.datetime | None:
    """Take the sending lease of campaign *campaign_id* for *seconds*, if it is ``sending`` and its
    lease is free or expired: one conditional ``UPDATE`` (atomic on SQLite and PostgreSQL).

    Returns:
        The lease's end (the value to hold), or ``None`` when not taken.
    """
    until = now + dt.timedelta(seconds=seconds)
    taken = (
        Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING)
        .exclude(sender_lease_until__gt=now)
        .update(sender_lease_until=until)
    )
    return until if taken else None


def lease_release(campaign_id: int, until: dt.datetime) -> None:
    """Give the lease back (only if still ours)."""
    Campaign.objects.filter(pk=campaign_id, sender_lease_until=until).update(sender_lease_until=None)


def _mark_sent(delivery_id: int) -> None:
    """``sent`` now, in one raw ``UPDATE`` committed on its own (the shortest crash window)."""
    connection = connections[Delivery.objects.db]
    table = connection.ops.quote_name(Delivery._meta.db_table)  # a model constant, not input
    sql = f"UPDATE {table} SET status = %s, sent_at = %s, error = '' WHERE id = %s AND status IN (%s, %s)"  # noqa: S608
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [DeliveryStatus.SENT.value, now, delivery_id, DeliveryStatus.HANDED.value, DeliveryStatus.SENDING.value],
        )


WAITING = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)

HANDED_NOTE = "The worker stopped after handing the whole message to the server, before its answer: counted as sent."


def _mark_handed(delivery_id: int, lease_until: dt.datetime | None = None) -> None:
    """``handed`` (whole message written, end-of-data line next): one ``UPDATE`` committed on its own,
    only while the delivery is ``sending`` and, when *lease_until* is given, while this chunk still
    holds the campaign's lease (a fencing write: a chunk that outlived its lease must not finish a
    message that the next chunk may be sending again).

    Raises:
        LeaseLost: the row is no longer ``sending`` or the lease is someone else's; the caller drops
            the connection without writing the end-of-data line, so the server discards the message.
    """
    rows = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING)
    if lease_until is not None:
        rows = rows.filter(campaign__sender_lease_until=lease_until)
    if not rows.update(status=DeliveryStatus.HANDED):
        raise LeaseLost(f"Delivery {delivery_id}: no longer ours to send (lease lost or done elsewhere).")


def _unhand(delivery_id: int) -> None:
    """Back from ``handed`` to ``sending``: the end-of-data line never went out, or the server answered
    it with a refusal; the message was not accepted."""
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.HANDED).update(status=DeliveryStatus.SENDING)


def handed_settle(campaign_id: int) -> int:
    """Count as ``sent`` the deliveries of *campaign_id* a crashed chunk left ``handed`` (their
    end-of-data line was written: the server has them); called by a chunk holding the lease, before
    it sends. Returns how many."""
    return Delivery.objects.filter(campaign_id=campaign_id, status=DeliveryStatus.HANDED).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=HANDED_NOTE
    )


def _mark_failed(delivery_id: int, error: str) -> None:
    """``failed`` with a short technical note in English (never an address), if still waiting."""
    Delivery.objects.filter(pk=delivery_id, status__in=(*WAITING, DeliveryStatus.HANDED)).update(
        status=DeliveryStatus.FAILED, error=error[:500]
    )


def _reset(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal: ``RSET``, or close the connection after a ``421`` (the server is closing it;
    smtplib does the same)."""
    if code == 421:
        smtp.close()
        return
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def smtp_send(
    backend: SMTPBackend,
    message: EmailMessage,
    *,
    before_end_of_data: Callable[[], None],
    end_of_data_written: Callable[[], None] = lambda: None,
) -> None:
    """Send *message* over the open connection of Django's SMTP *backend*, as
    ``smtplib.SMTP.sendmail`` does, calling *before_end_of_data* once the whole message is written
    and before the end-of-data line (``<CRLF>.<CRLF>``, RFC 5321 §4.1.1.4) is written, and
    *end_of_data_written* once it is. An exception from *before_end_of_data* (or anything raised
    before the line is written) closes the connection: the server discards the unfinished message.

    Raises:
        smtplib.SMTPSenderRefused, smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError: the server
            refused the sender, every recipient, ``DATA`` or the message (its code and text).
        smtplib.SMTPServerDisconnected, OSError: the connection was lost.
    """
    smtp = backend.connection
    if smtp is None:
        raise smtplib.SMTPServerDisconnected("The SMTP connection is not open.")
    encoding = message.encoding or settings.DEFAULT_CHARSET
    sender = sanitize_address(message.from_email, encoding)
    recipients = [sanitize_address(address, encoding) for address in message.recipients()]
    data = message.message().as_bytes(linesep="\r\n")  # type: ignore[call-arg]  # SafeMIME* accept linesep
    smtp.ehlo_or_helo_if_needed()
    code, answer = smtp.mail(sender)
    if code != 250:
        _reset(smtp, code)
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    refused = {}
    for recipient in recipients:
        code, answer = smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, answer)
    if len(refused) == len(recipients):
        _reset(smtp, min(code for code, _answer in refused.values()))
        raise smtplib.SMTPRecipientsRefused(refused)
    code, answer = smtp.docmd("data")
    if code != 354:
        _reset(smtp, code)
        raise smtplib.SMTPDataError(code, answer)
    body = DOT_AT_LINE_START.sub(b"..", data)  # dot-stuffing, RFC 5321 §4.5.2
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    if smtp.sock is not None:  # two writes in a row: without this, Nagle's algorithm holds the end-of-data
        # line until the server acknowledges the body, which it delays (up to 40 ms on Linux)
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        smtp.send(body)
        before_end_of_data()
        smtp.send(b".\r\n")
        end_of_data_written()
    except BaseException:
        smtp.close()  # stopped inside DATA: drop the connection, the server drops the unfinished message
        raise
    code, answer = smtp.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, answer)


DOT_AT_LINE_START = re.compile(rb"(?m)^\.")


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait before trying again a delivery refused for now (4xx) at its *attempts*-th attempt:
    :data:`RETRY_BACKOFF` (5 minutes), doubled at each attempt (5, 10, 20, 40 minutes: 75 minutes
    before the last of :data:`MAX_ATTEMPTS`), longer than most greylisting (postgrey waits 5 minutes)."""
    return RETRY_BACKOFF * 2 ** max(0, attempts - 1)


def _mark_deferred(delivery_id: int, error: str, attempts: int) -> None:
    """Back to ``pending`` after a temporary refusal (4xx), not before :func:`retry_delay`; the attempt
    stays counted."""
    Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING, error=error[:500], next_attempt_at=timezone.now() + retry_delay(attempts)
    )


def _skip_reason(subscriber_id: int | None, status: str) -> str:
    """The note of a delivery not sent because its subscriber is erased or no longer active."""
    if subscriber_id is None:
        return "The subscriber was erased before the mail was sent."
    return f"Not sent: the subscriber is {status} since the campaign started."


def _refusal_codes(error: Exception) -> list[int]:
    """The reply codes of a refusal of this one message (to ``RCPT``, or to ``DATA`` and its end), or
    ``[]`` for a server or connection problem: ``421`` (the server is closing the connection) and
    ``503`` (commands out of sequence) are the connection's, not the message's (RFC 5321 §4.2.2)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [int(code) for code, _text in error.recipients.values()]
        return [] if 421 in codes else codes
    if isinstance(error, smtplib.SMTPDataError) and error.smtp_code not in (421, 503):
        return [error.smtp_code]
    return []


def send_chunk(
    campaign_id: int,
    *,
    lease_until: dt.datetime,
    seconds: float | None = None,
    rate: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> ChunkResult:
    """Send the waiting deliveries of campaign *campaign_id* for at most *seconds* seconds.

    The caller holds the lease *lease_until* (:func:`lease_take`). Deliveries are taken in id order,
    ``sending`` ones (left by a crash) and ``pending`` ones alike; a ``sending`` one is sent again with
    its Message-ID. The SMTP connection is opened before the first message is claimed: a server that
    cannot be reached ends the chunk (``"connection"``) without counting an attempt. Each message:
    first, the deliveries a crashed chunk left ``handed`` are counted as sent (:func:`handed_settle`).
    Then each message: ``UPDATE … SET status='sending', attempts=attempts+1`` on the condition that the
    campaign is still ``sending`` under our lease (so a cancellation or a lost lease stops at the next
    message) and that the subscriber is still active (an unsubscription or erasure since the batch
    was read is seen here: the delivery is then skipped, ``failed`` with the reason), the SMTP
    transaction (:func:`smtp_send`, ``handed`` committed before the end-of-data line), then ``sent``
    in one commit; after that commit the subscriber's soft-bounce count restarts at 0 when their
    previous delivery was not bounced (:func:`newsletter.services.subscriber_soft_bounces_reset`).

    Server answers (RFC 5321 §4.2.1): a permanent refusal of the recipient or of the message (5xx)
    marks the delivery ``failed`` with the code and text (no address); a temporary refusal of the
    recipient (4xx: greylisting, mailbox full) puts it back to ``pending`` (retried by a later chunk,
    at most :data:`MAX_ATTEMPTS` attempts) and the chunk goes on; any other SMTP or network error
    ends the chunk (``"connection"``) with the delivery left ``sending`` for the next chunk.

    The lease bound: an SMTP call may block up to ``EMAIL_TIMEOUT`` seconds (:func:`smtp_timeout`).
    So that no message is still in flight when the lease ends (the continuation would then send it
    again), the chunk does not start a message when less than ``EMAIL_TIMEOUT`` +
    :data:`SMTP_TIMEOUT_MARGIN` seconds of the lease are left (``"time"``); the lease's end is read
    once against ``timezone.now()`` and then followed on *clock*. Without ``EMAIL_TIMEOUT`` only the
    chunk length applies.

    Args:
        seconds: chunk length (default ``NEWSLETTER_CHUNK_SECONDS``).
        rate: messages per second (default ``NEWSLETTER_RATE_PER_SECOND``; 0 = no limit).
        clock, sleep: the monotonic clock and sleep function (tests pass fakes).
    """
    seconds = chunk_seconds() if seconds is None else seconds
    bucket = TokenBucket(rate_per_second() if rate is None else rate, clock=clock, sleep=sleep)
    started = clock()
    end = started + seconds
    timeout = smtp_timeout()
    lease_end = started + (lease_until - timezone.now()).total_seconds()
    result = ChunkResult()
    campaign = Campaign.objects.get(pk=campaign_id)
    rendered: dict[str, RenderedMail] = {}
    connection = get_connection(fail_silently=False)
    opened = False
    last_pk = 0
    settled = handed_settle(campaign_id)  # a crashed chunk's messages whose end of data was written
    if settled:
        logger.warning("Campaign %s: %s message(s) handed over before a crash counted as sent.", campaign_id, settled)
    result.sent += settled
    try:
        while True:
            batch = list(
                Delivery.objects.filter(campaign_id=campaign_id, status__in=WAITING, pk__gt=last_pk)
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()))
                .select_related("subscriber")
                .only(
                    "pk",
                    "message_id",
                    "attempts",
                    "error",
                    "subscriber__id",
                    "subscriber__email",
                    "subscriber__language",
                    "subscriber__status",
                    "subscriber__soft_bounces",
                )
                .order_by("pk")[:FETCH_BATCH]
            )
            if not batch:
                later = Delivery.objects.filter(
                    campaign_id=campaign_id, status__in=WAITING, next_attempt_at__gt=timezone.now()
                ).exists()  # refused for now, not due yet: the continuation at the lease's end looks again
                result.stopped = "deferred" if result.deferred or later else "done"
                return result
            for delivery in batch:
                last_pk = delivery.pk
                if clock() >= end:
                    result.stopped = "time"
                    return result
                subscriber = delivery.subscriber
                if subscriber is None or subscriber.status != SubscriberStatus.ACTIVE:
                    status = subscriber.status if subscriber is not None else ""
                    _mark_failed(delivery.pk, _skip_reason(delivery.subscriber_id, status))
                    result.failed += 1
                    continue
                if delivery.attempts >= MAX_ATTEMPTS:
                    last = f" Last answer: {delivery.error}" if delivery.error else ""
                    _mark_failed(delivery.pk, f"Given up after {delivery.attempts} attempts.{last}")
                    result.failed += 1
                    continue
                if not opened:  # before the claim: an unreachable server costs no attempt
                    try:
                        connection.open()
                    except (smtplib.SMTPException, OSError) as error:
                        logger.warning("Campaign %s: mail server unreachable, retrying later: %s", campaign_id, error)
                        result.errors.append(str(error))
                        result.stopped = "connection"
                        return result
                    opened = True
                bucket.wait()
                if timeout and lease_end - clock() < timeout + SMTP_TIMEOUT_MARGIN:
                    result.stopped = "time"  # the message could outlast the lease
                    return result
                language = subscriber.language if subscriber.language in LANGUAGE_CODES else settings.LANGUAGE_CODE
                if language not in rendered:  # before the claim: a content error costs no attempt
                    rendered[language] = render_campaign(campaign, language)
                claimed = Delivery.objects.filter(
                    pk=delivery.pk,
                    status__in=WAITING,
                    campaign__status=CampaignStatus.SENDING,
                    campaign__sender_lease_until=lease_until,
                    subscriber__isnull=False,
                    subscriber__status=SubscriberStatus.ACTIVE,
                ).update(status=DeliveryStatus.SENDING, attempts=F("attempts") + 1)
                if not claimed:
                    state = Campaign.objects.filter(pk=campaign_id).values("status", "sender_lease_until").first()
                    if state is None or state["status"] != CampaignStatus.SENDING:
                        result.stopped = "cancelled"
                        return result
                    if state["sender_lease_until"] != lease_until:
                        result.stopped = "lease"
                        return result
                    row = (
                        Delivery.objects.filter(pk=delivery.pk, status__in=WAITING)
                        .values("subscriber_id", "subscriber__status")
                        .first()
                    )
                    if row is not None:  # still waiting: the subscriber left since the batch was read
                        _mark_failed(delivery.pk, _skip_reason(row["subscriber_id"], row["subscriber__status"]))
                        result.failed += 1
                    continue  # else done meanwhile by someone else: nothing to send
                message = build_message(
                    rendered[language],
                    to=subscriber.email,
                    message_id=delivery.message_id,
                    unsubscribe_token=tokens.unsubscribe_token(subscriber.pk, subscriber.email, campaign_id),
                    preferences_token=tokens.preferences_token(subscriber.pk, subscriber.email),
                    connection=connection,
                )
                handed = end_written = False

                def hand_over(delivery_id: int = delivery.pk) -> None:
                    nonlocal handed
                    _mark_handed(delivery_id, lease_until)
                    handed = True

                def written() -> None:
                    nonlocal end_written
                    end_written = True

                try:
                    if type(connection) is SMTPBackend:  # not subclasses: they may sign or change _send
                        smtp_send(connection, message, before_end_of_data=hand_over, end_of_data_written=written)
                    else:  # another backend (tests, console, an HTTP API): the whole message at once
                        connection.send_messages([message])
                except LeaseLost:
                    result.stopped = "lease"  # the message was dropped before its end of data
                    return result
                except (smtplib.SMTPException, OSError) as error:
                    if handed and not end_written:  # the end-of-data line never went out: not delivered
                        _unhand(delivery.pk)
                        handed = False
                    if handed and not isinstance(error, smtplib.SMTPResponseException):
                        # Lost after the end of data: the server may well have the message. Left
                        # ``handed`` (counted as sent by the next chunk), never sent twice.
                        logger.warning("Campaign %s: connection lost after the end of data: %s", campaign_id, error)
                        result.errors.append(str(error))
                        result.stopped = "connection"
                        return result
                    if handed:  # the server answered, and not 250: not accepted
                        _unhand(delivery.pk)
                    codes = _refusal_codes(error)
                    if codes and min(codes) >= 500:
                        _mark_failed(delivery.pk, _smtp_error_text(error))
                        result.failed += 1
                        continue
                    if codes:  # 4xx: try again later, the others go on
                        _mark_deferred(delivery.pk, _smtp_error_text(error), delivery.attempts + 1)
                        result.deferred += 1
                        continue
                    logger.warning("Campaign %s: mail server error, retrying later: %s", campaign_id, error)
                    result.errors.append(str(error))
                    result.stopped = "connection"
                    return result
                except ValueError:  # a header Django refuses (BadHeaderError): this message only
                    _mark_failed(delivery.pk, "Not sent: a header of the message is invalid (BadHeaderError).")
                    result.failed += 1
                    continue
                except BaseException:  # stopped (e.g. a second SIGTERM): undo ``handed`` if the line never went out
                    if handed and not end_written:
                        _unhand(delivery.pk)
                    raise
                # The server accepted the message (250): recorded at once, one raw statement.
                _mark_sent(delivery.pk)
                if subscriber.soft_bounces:  # "in a row": only when the previous delivery did not bounce
                    services.subscriber_soft_bounces_reset(actor=None, delivery=delivery)
                result.sent += 1
    finally:
        if opened:
            try:
                connection.close()
            except Exception:  # the connection may already be gone
                logger.debug("Closing the SMTP connection failed.", exc_info=True)


ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:]+@[^\s<>()\[\]\"',;:]+")
"""An e-mail address inside a server's answer (servers often repeat the recipient)."""


def _smtp_error_text(error: Exception) -> str:
    """The server's reply code and text, with any address replaced by ``[address]`` (personal data
    stays out of ``Delivery.error``)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = []
        for code, text in error.recipients.values():
            message = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            parts.append(f"{code} {message}")
        return ADDRESS.sub("[address]", "; ".join(parts))
    if isinstance(error, smtplib.SMTPResponseException):
        message = (
            error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        )
        return ADDRESS.sub("[address]", f"{error.smtp_code} {message}")
    return ADDRESS.sub("[address]", str(error))
