"""Bounces and complaints: the mail provider's webhook and the reader of a bounce mailbox.

Both feed :func:`.services.bounce_record`, whose rules are: a hard bounce or a spam complaint
suspends the address (status ``suspended`` with the reason); 3 soft bounces in a row
(``Subscriber.soft_bounces``, counted once per delivery and reset by
:func:`.services.subscriber_soft_bounces_reset` when a later delivery does not bounce) suspend it
too. The delivery that bounced becomes ``bounced``.

Webhook (``POST /newsletter/webhooks/bounces/``, no language prefix, CSRF-exempt)
---------------------------------------------------------------------------------
A generic format any provider's events can be mapped to (a small relay, or the provider's own
templating)::

    {"events": [{"id": "evt-1", "type": "bounce", "bounce_type": "hard",
                 "email": "someone@example.org", "message_id": "<…@…>", "diagnostic": "550 5.1.1 …"}]}

``type`` is ``bounce`` or ``complaint``; ``bounce_type`` (``hard``/``soft``) is needed for bounces.
``id`` is the provider's event id: an event already recorded is ignored (unique source + reference).
Headers: ``X-Timestamp: <Unix time, seconds>`` and ``X-Signature: sha256=<hex>``, the HMAC-SHA256
with ``settings.NEWSLETTER_WEBHOOK_SECRET`` of ``<timestamp>.<raw body>`` (the timestamp is signed,
so a captured request cannot be replayed with a new one); a timestamp that is not ASCII digits, or
more than 5 minutes (:data:`WEBHOOK_TOLERANCE_SECONDS`) from the server's clock, is refused. Answers: 200 with counts
``{"recorded", "duplicates", "unknown"}``; 403 bad or missing signature or timestamp, or no secret
configured; 400 body that is not the format above, with a message saying what is wrong.

Mailbox (``manage.py newsletter_bounces <mbox file>``)
------------------------------------------------------
Delivery status notifications (RFC 3464, ``multipart/report; report-type=delivery-status``):
each recipient block's ``Status`` 5.x.x is a hard bounce, 4.x.x a soft one (RFC 3463 §3.1, class
of the status code); the delivery is found by the ``Message-ID`` of the returned message
(``message/rfc822`` or ``text/rfc822-headers`` part), else the subscriber by ``Final-Recipient``.
The reference is a hash of the report's own Message-ID (else of the message) and the recipient
(:func:`mailbox_reference`): the same report read twice is recorded once, and no address is stored
in it (it must not outlive an erasure, GDPR art. 17).
"""

from __future__ import annotations

import email.message
import email.policy
import hashlib
import hmac
import json
import mailbox
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.parser import BytesParser, HeaderParser
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .models import BounceKind

WEBHOOK_SOURCE = "webhook"
MAILBOX_SOURCE = "mailbox"
WEBHOOK_TOLERANCE_SECONDS = 300
"""Largest difference, in seconds, between the ``X-Timestamp`` of a webhook call and the server's clock."""
WEBHOOK_MAX_EVENTS = 1000
"""Most events accepted in one webhook call."""


# --- Webhook ---------------------------------------------------------------------------------------


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Signature`` value for *body* sent at *timestamp*: ``sha256=`` + hex HMAC-SHA256 of
    ``<timestamp>.<body>`` with *secret* (what the provider's relay computes)."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _ascii_digits(value: str) -> bool:
    """True for ``0``-``9`` only: ``str.isdigit()`` also accepts ``²`` or ``٣``, which ``int()`` refuses."""
    return value.isascii() and value.isdigit()


def _signature_ok(request: HttpRequest, secret: str, now: float) -> bool:
    timestamp = request.headers.get("X-Timestamp", "").strip()
    signature = request.headers.get("X-Signature", "").strip()
    if not secret or not _ascii_digits(timestamp) or not signature:
        return False
    if abs(now - int(timestamp)) > WEBHOOK_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(webhook_signature(secret, timestamp, request.body), signature)


class EventError(ValueError):
    """A webhook body that is not the documented format; the message says what and where."""


@dataclass(frozen=True)
class BounceEvent:
    """One normalised event: kind (a :class:`.BounceKind`), reference, address, Message-ID, diagnostic."""

    kind: str
    reference: str
    email: str = ""
    message_id: str = ""
    diagnostic: str = ""


def parse_webhook_events(body: bytes) -> list[BounceEvent]:
    """Read the webhook body (see the module docstring).

    Raises:
        EventError: not JSON, not an object with an ``events`` list, or an event lacking a field or
            with a value out of range (the message names the event by its position, from 0).
    """
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EventError(f"The body is not JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        raise EventError('The body must be an object with a list "events".')
    if len(data["events"]) > WEBHOOK_MAX_EVENTS:
        raise EventError(f"At most {WEBHOOK_MAX_EVENTS} events per call.")
    events = []
    for index, raw in enumerate(data["events"]):
        if not isinstance(raw, dict):
            raise EventError(f"events[{index}] is not an object.")
        values = {key: raw.get(key, "") for key in ("id", "type", "bounce_type", "email", "message_id", "diagnostic")}
        for key, value in values.items():
            if not isinstance(value, str):
                raise EventError(f"events[{index}].{key} must be a string.")
        if not values["id"].strip():
            raise EventError(f"events[{index}].id is missing.")
        if values["type"] == "complaint":
            kind = BounceKind.COMPLAINT
        elif values["type"] == "bounce":
            if values["bounce_type"] not in ("hard", "soft"):
                raise EventError(f'events[{index}].bounce_type must be "hard" or "soft".')
            kind = BounceKind(values["bounce_type"])
        else:
            raise EventError(f'events[{index}].type must be "bounce" or "complaint".')
        if not values["email"].strip() and not values["message_id"].strip():
            raise EventError(f"events[{index}] needs an email or a message_id.")
        events.append(
            BounceEvent(
                kind=kind,
                reference=values["id"].strip(),
                email=values["email"].strip(),
                message_id=values["message_id"].strip(),
                diagnostic=values["diagnostic"].strip(),
            )
        )
    return events


@csrf_exempt
@require_POST
def bounce_webhook_view(request: HttpRequest) -> JsonResponse:
    """The mail provider's bounce and complaint events (format, signature and answers: module docstring).

    CSRF-exempt: the caller is a server, authenticated by the HMAC signature, not a browser.
    """
    secret = getattr(settings, "NEWSLETTER_WEBHOOK_SECRET", "")
    if not _signature_ok(request, secret, time.time()):
        return JsonResponse({"error": "Missing or wrong X-Signature or X-Timestamp."}, status=403)
    try:
        events = parse_webhook_events(request.body)
    except EventError as error:
        return JsonResponse({"error": str(error)}, status=400)
    counts = {services.BOUNCE_RECORDED: 0, services.BOUNCE_DUPLICATE: 0, services.BOUNCE_UNKNOWN: 0}
    for event in events:
        outcome = services.bounce_record(
            actor=None,
            source=WEBHOOK_SOURCE,
            reference=event.reference,
            kind=event.kind,
            email=event.email,
            message_id=event.message_id,
            diagnostic=event.diagnostic,
        )
        counts[outcome] += 1
    return JsonResponse(
        {
            "recorded": counts[services.BOUNCE_RECORDED],
            "duplicates": counts[services.BOUNCE_DUPLICATE],
            "unknown": counts[services.BOUNCE_UNKNOWN],
        }
    )


# --- Mailbox (RFC 3464 delivery status notifications) ------------------------------------------------


class NotABounce(ValueError):
    """A message of the mailbox that is not a readable delivery status notification."""


def _address(value: str) -> str:
    """``rfc822; Someone@Example.org`` → ``Someone@Example.org`` (RFC 3464 §2.3.2 address type)."""
    _type, sep, address = value.partition(";")
    return (address if sep else value).strip().strip("<>").strip()


def _returned_message_id(message: email.message.Message) -> str:
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, email.message.Message) and inner.get("Message-ID"):
                return str(inner["Message-ID"]).strip()
        elif content_type == "text/rfc822-headers":
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(part.get_payload())
            headers = HeaderParser().parsestr(text)
            if headers.get("Message-ID"):
                return str(headers["Message-ID"]).strip()
    return ""


def _status_blocks(message: email.message.Message) -> list[email.message.Message]:
    for part in message.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                return [p for p in payload if isinstance(p, email.message.Message)]
    raise NotABounce("no message/delivery-status part")


def mailbox_reference(report_id: str, recipient: str) -> str:
    """The ``Bounce.reference`` of one recipient of a delivery status notification: ``sha256:`` and
    40 hex characters of SHA-256 over ``<report Message-ID> <lower-cased recipient>``. Stable (the
    same report read again gives the same reference, so it is recorded once) and without the address."""
    digest = hashlib.sha256(f"{report_id} {recipient.strip().lower()}".encode()).hexdigest()
    return f"sha256:{digest[:40]}"


def parse_dsn(message: email.message.Message) -> list[BounceEvent]:
    """The bounces a delivery status notification reports: one per recipient block whose ``Action``
    is ``failed`` or ``delayed`` (or absent) and whose ``Status`` starts with 5 (hard) or 4 (soft).

    Raises:
        NotABounce: not ``multipart/report``, no delivery-status part, or no recipient with a status.
    """
    if message.get_content_type() != "multipart/report":
        raise NotABounce(f"not a delivery status notification ({message.get_content_type()})")
    blocks = _status_blocks(message)
    original_id = _returned_message_id(message)
    own_id = str(message.get("Message-ID", "")).strip()
    if not own_id:
        own_id = "sha256:" + hashlib.sha256(message.as_bytes()).hexdigest()[:32]
    events = []
    for block in blocks[1:] if len(blocks) > 1 else blocks:  # the first block is per-message fields
        status = str(block.get("Status", "")).strip()
        recipient = _address(str(block.get("Final-Recipient") or block.get("Original-Recipient") or ""))
        action = str(block.get("Action", "")).strip().lower()
        if not status or not recipient or action in ("delivered", "relayed", "expanded"):
            continue
        if status.startswith("5."):
            kind = BounceKind.HARD
        elif status.startswith("4."):
            kind = BounceKind.SOFT
        else:
            continue
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        events.append(
            BounceEvent(
                kind=kind,
                reference=mailbox_reference(own_id, recipient),
                email=recipient,
                message_id=original_id,
                diagnostic=f"{status} {diagnostic}".strip(),
            )
        )
    if not events:
        raise NotABounce("no failed recipient with a 4.x.x or 5.x.x status")
    return events


@dataclass
class MailboxSummary:
    """What :func:`read_bounce_mailbox` did: message count, outcomes, kinds, and the messages skipped."""

    messages: int = 0
    recorded: int = 0
    duplicates: int = 0
    unknown: int = 0
    hard: int = 0
    soft: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _messages(path: Path) -> Iterator[tuple[int, email.message.Message | None, str]]:
    box = mailbox.mbox(str(path), create=False)
    parser = BytesParser(policy=email.policy.compat32)
    try:
        for index, key in enumerate(box.keys()):
            try:
                yield index, parser.parsebytes(box.get_bytes(key)), ""
            except Exception as error:  # a message the parser cannot read at all
                yield index, None, str(error)
    finally:
        box.close()


def read_bounce_mailbox(path: Path) -> MailboxSummary:
    """Read the mbox file *path* and record every bounce its delivery status notifications report
    (rules: module docstring). Messages that are not readable reports are skipped and listed with
    their index (from 0) and the reason.

    Raises:
        FileNotFoundError: *path* does not exist.
    """
    if not path.is_file():
        raise FileNotFoundError(path)
    summary = MailboxSummary()
    for index, message, problem in _messages(path):
        summary.messages += 1
        if message is None:
            summary.skipped.append((index, problem))
            continue
        try:
            events = parse_dsn(message)
        except NotABounce as error:
            summary.skipped.append((index, str(error)))
            continue
        except Exception as error:  # a malformed report must not stop the rest of the mailbox
            summary.skipped.append((index, f"unreadable: {error}"))
            continue
        for event in events:
            outcome = services.bounce_record(
                actor=None,
                source=MAILBOX_SOURCE,
                reference=event.reference,
                kind=event.kind,
                email=event.email,
                message_id=event.message_id,
                diagnostic=event.diagnostic,
            )
            if outcome == services.BOUNCE_RECORDED:
                summary.recorded += 1
                summary.hard += event.kind == BounceKind.HARD
                summary.soft += event.kind == BounceKind.SOFT
            elif outcome == services.BOUNCE_DUPLICATE:
                summary.duplicates += 1
            else:
                summary.unknown += 1
    return summary


def summary_lines(summary: MailboxSummary) -> list[str]:
    """The report of ``newsletter_bounces`` (English, like the other commands' output)."""
    lines = [
        f"{summary.messages} messages read: {summary.recorded} bounces recorded "
        f"({summary.hard} hard, {summary.soft} soft), {summary.duplicates} already recorded, "
        f"{summary.unknown} for unknown addresses, {len(summary.skipped)} skipped."
    ]
    lines += [f"Message {index} skipped: {reason}" for index, reason in summary.skipped]
    return lines
