"""Services of the newsletter's subscriber side: sign-up with double opt-in, confirmation,
preferences, unsubscription, erasure, bounces and the reference topics.

Each service runs in one transaction, records its audit entry in it and queues mails with
``transaction.on_commit``. The audit trail names a subscriber by id only ("subscriber #12"),
never by address (GDPR art. 5(1)(c), data minimisation): erasing a subscriber then leaves no
address behind in the trail (GDPR art. 17).

Rules and their sources:

- Double opt-in: a sign-up is ``pending`` until the link mailed to the address is confirmed
  (within 7 days, :data:`.tokens.CONFIRM_MAX_AGE`); each step records a :class:`.Consent` with
  time, IP address, language and the exact wording shown (GDPR art. 7(1)).
- The form never tells whether an address is subscribed: the same page follows every request;
  confirmation mails to one address go out at most once per :data:`RESEND_INTERVAL`, and one IP
  address may ask at most :data:`SUBSCRIBE_IP_LIMIT` times per :data:`SUBSCRIBE_IP_WINDOW`
  (:func:`subscribe_throttled`; beyond, the same page and nothing sent).
- Downloading or erasing one's data needs a link mailed to the address and valid 1 hour
  (:func:`subscriber_data_link_send`): the 365-day preference link travels with every newsletter
  and may be forwarded (GDPR art. 12(6) and 32: identify the person before giving access).
- Bounces (:func:`bounce_record`): a hard bounce or a spam complaint suspends the address at once;
  :data:`SOFT_BOUNCE_LIMIT` soft bounces in a row suspend it too. The count restarts when a later
  delivery is not bounced (:func:`subscriber_soft_bounces_reset`, called by the sender).
  The reason is stored as an English msgid (:data:`SUSPENSION_REASONS`) and translated where it
  is shown (:func:`suspension_reason_label`).
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from brussels_international.core.client_ip import ip_group
from brussels_international.core.models import AuditVerb
from brussels_international.core.services import Actor, audit_record

from . import tokens
from .models import (
    Bounce,
    BounceKind,
    Consent,
    ConsentAction,
    Delivery,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
    Topic,
)
from .subscriber_mail import (
    MAIL_ALREADY_SUBSCRIBED,
    MAIL_CONFIRM,
    MAIL_DATA_DOWNLOAD,
    MAIL_DATA_ERASE,
    MAIL_PREFERENCES_LINK,
    send_subscriber_mail,
)

logger = logging.getLogger(__name__)

RESEND_INTERVAL = dt.timedelta(minutes=10)
"""Least time between two mails of the sign-up flow (confirmation, "already subscribed") to one address."""

PREFERENCES_LINK_INTERVAL = dt.timedelta(minutes=10)
"""Least time between two fresh preference links mailed to one address."""

DATA_LINK_INTERVAL = dt.timedelta(minutes=10)
"""Least time between two data links (download or erase, each) mailed to one address."""

SUBSCRIBE_IP_LIMIT = 10
"""Most subscription requests accepted from one IP address per :data:`SUBSCRIBE_IP_WINDOW`."""

SUBSCRIBE_IP_WINDOW = dt.timedelta(hours=1)
"""The window of :data:`SUBSCRIBE_IP_LIMIT` (fixed, from the first request of the IP address)."""

SOFT_BOUNCE_LIMIT = 3
"""Soft bounces in a row after which an address is suspended."""

REFERENCE_TOPICS = Path(__file__).resolve().parent / "data" / "topics.csv"
"""The reference topics (slug, order, name_fr, name_nl, name_en), loaded by ``load_newsletter_topics``."""


class SubscriptionStateError(Exception):
    """The subscriber is not in a state that allows the action (e.g. confirming an unsubscribed address)."""


@dataclass(frozen=True)
class SubscribeResult:
    """What :func:`subscriber_subscribe` did: the subscriber, whether it is new, and the mail queued
    (``"confirm"``, ``"already_subscribed"`` or ``""`` when none, inside :data:`RESEND_INTERVAL`)."""

    subscriber: Subscriber
    created: bool
    mail: str


def _masked(subscriber: Subscriber) -> Subscriber:
    """A stand-in of *subscriber* for the audit trail: same id, no address."""
    return Subscriber(pk=subscriber.pk, email=f"subscriber #{subscriber.pk}")


def _audit(actor: Actor, verb: AuditVerb, subscriber: Subscriber, payload: dict[str, Any]) -> None:
    audit_record(actor=actor, verb=verb, obj=_masked(subscriber), payload=payload)


def _queue_mail(kind: str, subscriber_id: int) -> None:
    transaction.on_commit(partial(send_subscriber_mail.enqueue, kind, subscriber_id))


def _consent(subscriber: Subscriber, action: str, *, ip_address: str | None, language: str, wording: str) -> Consent:
    return Consent.objects.create(
        subscriber=subscriber, action=action, ip_address=ip_address or None, language=language, wording=str(wording)
    )


def _locked(subscriber: Subscriber) -> Subscriber:
    return Subscriber.objects.select_for_update().get(pk=subscriber.pk)


def subscribe_throttled(*, ip_address: str | None, now: float | None = None) -> bool:
    """Count one subscription request from *ip_address* and tell whether it is over the limit:
    at most :data:`SUBSCRIBE_IP_LIMIT` per :data:`SUBSCRIBE_IP_WINDOW`, a fixed window from the first
    request, counted per IPv4 address or IPv6 /64 (:func:`core.client_ip.ip_group`). The form is
    CSRF-exempt and sends mail from the official domain to any address: this bounds what one machine
    can make it send. Requests without an address share one counter.

    The window's start is stored with its count and the entry expires at the window's end (some
    cache backends' ``incr`` resets the expiry, which would stretch the window). Two processes may
    race between reading and writing: the limit is approximate by a request or two.

    Args:
        now: Unix time in seconds (tests); the current time by default.

    Returns:
        True when the request is over the limit: the caller shows the usual page and sends nothing.
    """
    window = SUBSCRIBE_IP_WINDOW.total_seconds()
    now = time.time() if now is None else now
    key = f"newsletter:subscribe-ip:{ip_group(ip_address)}"
    started, count = cache.get(key) or (now, 0)
    if now - started >= window:
        started, count = now, 0
    count += 1
    cache.set(key, (started, count), timeout=max(1, int(started + window - now)))
    if count > SUBSCRIBE_IP_LIMIT:
        logger.info("Newsletter: subscription requests over the limit from %s", ip_group(ip_address))
        return True
    return False


def subscriber_subscribe(
    *,
    actor: Actor,
    email: str,
    name: str,
    language: str,
    topics: Iterable[Topic],
    ip_address: str | None,
    wording: str,
    wording_language: str,
) -> SubscribeResult:
    """Ask to subscribe *email* (first step of the double opt-in).

    A new or known-but-inactive address (pending, unsubscribed, suspended) becomes ``pending``
    with the given name (kept when empty), language and topics, a :class:`.Consent` ``subscribed``
    is recorded and the confirmation link is mailed after the commit, unless one went out less
    than :data:`RESEND_INTERVAL` ago. An ``active`` address is left as it is; it gets a mail
    "you are already subscribed" with its preference link (same interval). The caller shows the
    same page in every case, so the form does not tell who is subscribed.

    Args:
        actor: the anonymous user of the public form (or a user, or ``None``).
        email: a validated address; matched case-insensitively with the stored ones.
        name: optional name, validated (no control characters), up to 100 characters.
        language: ``fr``, ``nl`` or ``en``: the language of the newsletter and of the mails.
        topics: chosen topics (may be empty: every campaign).
        ip_address: ``REMOTE_ADDR`` of the request, or ``None``.
        wording: the consent wording shown, as rendered (GDPR art. 7(1)).
        wording_language: the language the wording was shown in (the page language).
    """
    now = timezone.now()
    chosen = list(topics)
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
        created = False
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(email=email, name=name, language=language)
                created = True
            except IntegrityError:  # the same address sent twice at the same moment
                subscriber = Subscriber.objects.select_for_update().get(email__iexact=email)
        recently_mailed = subscriber.confirmation_sent_at is not None and now - subscriber.confirmation_sent_at < (
            RESEND_INTERVAL
        )
        if subscriber.status == SubscriberStatus.ACTIVE and not created:
            if recently_mailed:
                return SubscribeResult(subscriber, False, "")
            subscriber.confirmation_sent_at = now
            subscriber.save(update_fields=["confirmation_sent_at"])
            _queue_mail(MAIL_ALREADY_SUBSCRIBED, subscriber.pk)
            return SubscribeResult(subscriber, False, MAIL_ALREADY_SUBSCRIBED)
        old_status = "" if created else subscriber.status
        subscriber.status = SubscriberStatus.PENDING
        subscriber.language = language
        if name:
            subscriber.name = name
        mail = ""
        if created or not recently_mailed:
            subscriber.confirmation_sent_at = now
            mail = MAIL_CONFIRM
        subscriber.save()
        subscriber.topics.set(chosen)
        _consent(
            subscriber, ConsentAction.SUBSCRIBED, ip_address=ip_address, language=wording_language, wording=wording
        )
        _audit(
            actor,
            AuditVerb.CREATED if created else AuditVerb.STATUS_CHANGED,
            subscriber,
            {
                "status": [old_status, subscriber.status],
                "language": language,
                "topics": sorted(t.slug for t in chosen),
                "confirmation_mailed": bool(mail),
            },
        )
        if mail:
            _queue_mail(MAIL_CONFIRM, subscriber.pk)
    return SubscribeResult(subscriber, created, mail)


def subscriber_confirm(
    *, actor: Actor, subscriber: Subscriber, ip_address: str | None, wording: str, language: str
) -> bool:
    """Confirm the subscription of *subscriber* (second step of the double opt-in): ``active``,
    ``confirmed_at`` now, soft-bounce count 0, a :class:`.Consent` ``confirmed``.

    Returns:
        True when confirmed now; False when it was already active (nothing changes).

    Raises:
        SubscriptionStateError: the subscriber is unsubscribed or suspended (an old link: they must
            subscribe again).
    """
    with transaction.atomic():
        locked = _locked(subscriber)
        if locked.status == SubscriberStatus.ACTIVE:
            return False
        if locked.status != SubscriberStatus.PENDING:
            raise SubscriptionStateError(f"cannot confirm a subscriber whose status is {locked.status}")
        locked.status = SubscriberStatus.ACTIVE
        locked.confirmed_at = timezone.now()
        locked.soft_bounces = 0
        locked.save(update_fields=["status", "confirmed_at", "soft_bounces"])
        _consent(locked, ConsentAction.CONFIRMED, ip_address=ip_address, language=language, wording=wording)
        _audit(actor, AuditVerb.STATUS_CHANGED, locked, {"status": [SubscriberStatus.PENDING, locked.status]})
    subscriber.refresh_from_db()
    return True


def subscriber_unsubscribe(
    *,
    actor: Actor,
    subscriber: Subscriber,
    campaign_id: int | None,
    ip_address: str | None,
    wording: str,
    language: str,
) -> bool:
    """Unsubscribe *subscriber* (RFC 8058 one-click, the unsubscribe page or the preference page).

    Sets ``unsubscribed`` and ``unsubscribed_at``, records a :class:`.Consent` ``unsubscribed`` and,
    when *campaign_id* is given (the campaign of the mail whose link was used), stamps the
    :class:`.Delivery` of that campaign (``unsubscribed_at``) for the campaign's figures.

    Returns:
        True when unsubscribed now; False when it already was (idempotent: nothing changes).
    """
    with transaction.atomic():
        locked = _locked(subscriber)
        if locked.status == SubscriberStatus.UNSUBSCRIBED:
            return False
        old_status = locked.status
        now = timezone.now()
        locked.status = SubscriberStatus.UNSUBSCRIBED
        locked.unsubscribed_at = now
        locked.save(update_fields=["status", "unsubscribed_at"])
        _consent(locked, ConsentAction.UNSUBSCRIBED, ip_address=ip_address, language=language, wording=wording)
        if campaign_id is not None:
            Delivery.objects.filter(campaign_id=campaign_id, subscriber=locked, unsubscribed_at__isnull=True).update(
                unsubscribed_at=now
            )
        _audit(
            actor,
            AuditVerb.STATUS_CHANGED,
            locked,
            {"status": [old_status, locked.status], "campaign": campaign_id},
        )
    subscriber.refresh_from_db()
    return True


def subscriber_preferences_update(
    *,
    actor: Actor,
    subscriber: Subscriber,
    language: str,
    topics: Iterable[Topic],
    ip_address: str | None,
    wording: str,
    wording_language: str,
) -> bool:
    """Change the language and topics of *subscriber*; records a :class:`.Consent` ``preferences``.

    Returns:
        True when something changed; False when the values were the same (nothing written).
    """
    chosen = sorted({t.slug: t for t in topics}.values(), key=lambda t: t.slug)
    with transaction.atomic():
        locked = _locked(subscriber)
        old_topics = sorted(locked.topics.values_list("slug", flat=True))
        new_topics = [t.slug for t in chosen]
        if locked.language == language and old_topics == new_topics:
            return False
        old_language = locked.language
        locked.language = language
        locked.save(update_fields=["language"])
        locked.topics.set(chosen)
        _consent(locked, ConsentAction.PREFERENCES, ip_address=ip_address, language=wording_language, wording=wording)
        _audit(
            actor,
            AuditVerb.UPDATED,
            locked,
            {"changes": {"language": [old_language, language], "topics": [old_topics, new_topics]}},
        )
    subscriber.refresh_from_db()
    return True


def subscriber_preferences_link_send(*, actor: Actor, email: str) -> bool:
    """Mail a fresh link to the preference page to *email* if it is a known address (after an
    expired link). At most once per :data:`PREFERENCES_LINK_INTERVAL` per address; the caller
    shows the same page whatever happens.

    Returns:
        True when a mail was queued.
    """
    subscriber = Subscriber.objects.filter(email__iexact=email.strip()).first()
    if subscriber is None:
        return False
    key = f"newsletter:preferences-link:{tokens.fingerprint(subscriber.email)}"
    if not cache.add(key, 1, timeout=int(PREFERENCES_LINK_INTERVAL.total_seconds())):
        return False
    with transaction.atomic():
        _queue_mail(MAIL_PREFERENCES_LINK, subscriber.pk)
    return True


def subscriber_data_link_send(*, actor: Actor, subscriber: Subscriber, action: str) -> bool:
    """Mail *subscriber* the single-purpose link that downloads (``action="download"``) or erases
    (``"erase"``) their data, valid 1 hour (:data:`.tokens.DATA_MAX_AGE`). Asked from the preference
    page, whose link may have been forwarded: only whoever reads the mailbox gets the data or can
    erase it (GDPR art. 12(6), 32). At most one mail per action and address per
    :data:`DATA_LINK_INTERVAL`; the caller shows the same page whatever happens.

    Returns:
        True when a mail was queued.

    Raises:
        ValueError: *action* is not one of :data:`.tokens.DATA_ACTIONS`.
    """
    if action not in tokens.DATA_ACTIONS:
        raise ValueError(f"unknown data action {action!r}")
    key = f"newsletter:data-link:{action}:{tokens.fingerprint(subscriber.email)}"
    if not cache.add(key, 1, timeout=int(DATA_LINK_INTERVAL.total_seconds())):
        return False
    with transaction.atomic():
        _queue_mail(MAIL_DATA_DOWNLOAD if action == "download" else MAIL_DATA_ERASE, subscriber.pk)
    return True


def subscriber_erase(*, actor: Actor, subscriber: Subscriber, by_subscriber: bool = False) -> dict[str, int]:
    """Erase *subscriber* (GDPR art. 17): the row, its consents, topics and bounces are deleted;
    its deliveries stay without it (``Delivery.subscriber`` becomes empty, ``Delivery.error``
    blank: it may quote the mail server's answer naming the address) so that the figures of past
    campaigns do not change. The audit entry names the subscriber by id only.

    Args:
        actor: the staff user erasing, or the (anonymous) subscriber.
        by_subscriber: True when the subscriber asked it through their signed erase link (the
            views of :mod:`.views`); otherwise *actor* must hold ``newsletter.delete_subscriber``.

    Returns:
        ``{"consents": n, "bounces": n, "deliveries": n}``: rows deleted, and deliveries kept anonymous.

    Raises:
        PermissionDenied: not *by_subscriber* and *actor* lacks ``newsletter.delete_subscriber``.
    """
    if not by_subscriber and (actor is None or not actor.has_perm("newsletter.delete_subscriber")):
        raise PermissionDenied("erasing a subscriber needs the permission newsletter.delete_subscriber")
    with transaction.atomic():
        locked = _locked(subscriber)
        counts = {
            "consents": locked.consents.count(),
            "bounces": locked.bounces.count(),
            "deliveries": locked.deliveries.count(),
        }
        _audit(actor, AuditVerb.DELETED, locked, {"erased": True, "by_subscriber": by_subscriber, **counts})
        Bounce.objects.filter(subscriber=locked).delete()  # their diagnostics often quote the address
        Delivery.objects.filter(subscriber=locked).exclude(error="").update(error="")
        locked.delete()
    return counts


# --- Bounces -------------------------------------------------------------------------------------

BOUNCE_RECORDED = "recorded"
BOUNCE_DUPLICATE = "duplicate"
BOUNCE_UNKNOWN = "unknown"


REASON_HARD = gettext_noop("Hard bounce")
REASON_COMPLAINT = gettext_noop("Spam complaint")
REASON_SOFT = gettext_noop("Soft bounces in a row")
SUSPENSION_REASONS = (REASON_HARD, REASON_COMPLAINT, REASON_SOFT)
"""The English msgids stored at the start of ``Subscriber.suspension_reason`` (``"<msgid>"`` or
``"<msgid>: <diagnostic>"``); :func:`suspension_reason_label` translates them where they are shown."""


def suspension_reason_label(reason: str) -> str:
    """*reason* (``Subscriber.suspension_reason``) in the active language: its leading msgid of
    :data:`SUSPENSION_REASONS` translated, the mail server's diagnostic after it kept as it is.
    A reason that starts with no known msgid is returned unchanged."""
    for msgid in SUSPENSION_REASONS:
        if reason == msgid or reason.startswith(f"{msgid}: "):
            return gettext(msgid) + reason[len(msgid) :]
    return reason


def _address_redacted(text: str, addresses: Iterable[str]) -> str:
    """*text* with each of *addresses* (case-insensitive, with or without ``<>``) replaced by ``<address>``."""
    for address in {a.strip().lower() for a in addresses if a.strip()}:
        text = re.sub(rf"<?{re.escape(address)}>?", "<address>", text, flags=re.IGNORECASE)
    return text


def _message_id_forms(message_id: str) -> list[str]:
    bare = message_id.strip().strip("<>").strip()
    return [bare, f"<{bare}>"] if bare else []


def _suspend(subscriber: Subscriber, reason: str) -> bool:
    if subscriber.status not in (SubscriberStatus.PENDING, SubscriberStatus.ACTIVE):
        return False
    subscriber.status = SubscriberStatus.SUSPENDED
    subscriber.suspended_at = timezone.now()
    subscriber.suspension_reason = reason[:300]
    return True


def bounce_record(
    *,
    actor: Actor,
    source: str,
    reference: str,
    kind: str,
    email: str = "",
    message_id: str = "",
    diagnostic: str = "",
) -> str:
    """Record one bounce or complaint and apply the suspension rules.

    The delivery is found by the Message-ID of the mail that bounced (with or without ``<>``), the
    subscriber through that delivery, else by *email* (case-insensitive). Rules: a hard bounce or a
    complaint suspends the address (status ``suspended``, reason); a soft bounce adds one to
    ``Subscriber.soft_bounces`` (once per delivery) and the :data:`SOFT_BOUNCE_LIMIT`-th in a row
    suspends it. An unsubscribed or already suspended address keeps its status. The delivery
    becomes ``bounced``. The subscriber's address (and *email*) quoted in *diagnostic* is replaced
    by ``<address>`` before it is stored. A bounce for the delivery of an erased subscriber is
    not recorded at all (GDPR art. 17: nothing about the erased address is kept).

    Args:
        actor: ``None`` (webhook, command).
        source: ``"webhook"`` or ``"mailbox"``.
        reference: the provider's event id, or the bounce message's id; ``(source, reference)`` is
            recorded once (a replayed event is a duplicate). Empty: no deduplication.
        kind: one of :class:`.BounceKind` (``hard``, ``soft``, ``complaint``).
        email, message_id, diagnostic: what the report says (diagnostic cut to 500 characters).

    Returns:
        :data:`BOUNCE_RECORDED`, :data:`BOUNCE_DUPLICATE`, or :data:`BOUNCE_UNKNOWN` (no subscriber:
        the address is unknown, or the delivery's subscriber was erased; nothing is stored).

    Raises:
        ValueError: *kind* is not a :class:`.BounceKind`.
    """
    if kind not in BounceKind.values:
        raise ValueError(f"unknown bounce kind {kind!r}")
    reference = reference[:200]
    with transaction.atomic():
        if reference and Bounce.objects.filter(source=source, reference=reference).exists():
            return BOUNCE_DUPLICATE
        forms = _message_id_forms(message_id)
        delivery = (
            Delivery.objects.select_for_update().filter(message_id__in=forms).order_by("pk").first() if forms else None
        )
        subscriber: Subscriber | None = None
        if delivery is not None:
            if delivery.subscriber_id is None:  # erased: keep nothing about the address (GDPR art. 17)
                return BOUNCE_UNKNOWN
            subscriber = Subscriber.objects.select_for_update().get(pk=delivery.subscriber_id)
        elif email.strip():
            subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email.strip()).first()
        if subscriber is None:
            return BOUNCE_UNKNOWN
        diagnostic = _address_redacted(diagnostic, [email, subscriber.email])[:500]
        first_for_delivery = delivery is None or delivery.status != DeliveryStatus.BOUNCED
        try:
            with transaction.atomic():
                bounce = Bounce.objects.create(
                    subscriber=subscriber,
                    delivery=delivery,
                    kind=kind,
                    source=source,
                    reference=reference,
                    diagnostic=diagnostic,
                )
        except IntegrityError:  # the same event recorded at the same moment
            return BOUNCE_DUPLICATE
        if delivery is not None and first_for_delivery:
            delivery.status = DeliveryStatus.BOUNCED
            delivery.save(update_fields=["status"])
        old_status = subscriber.status
        suspended = False
        label = ""
        if kind in (BounceKind.HARD, BounceKind.COMPLAINT):
            label = REASON_COMPLAINT if kind == BounceKind.COMPLAINT else REASON_HARD
        elif first_for_delivery:
            subscriber.soft_bounces += 1
            if subscriber.soft_bounces >= SOFT_BOUNCE_LIMIT:
                label = REASON_SOFT
        if label:
            suspended = _suspend(subscriber, f"{label}: {diagnostic}" if diagnostic else label)
        subscriber.save(update_fields=["status", "suspended_at", "suspension_reason", "soft_bounces"])
        _audit(
            actor,
            AuditVerb.STATUS_CHANGED if suspended else AuditVerb.UPDATED,
            subscriber,
            {
                "bounce": bounce.pk,
                "kind": kind,
                "source": source,
                "soft_bounces": subscriber.soft_bounces,
                "status": [old_status, subscriber.status],
            },
        )
    return BOUNCE_RECORDED


def subscriber_soft_bounces_reset(*, actor: Actor, delivery: Delivery) -> bool:
    """For the sender, after *delivery* was handed to the mail server: when the subscriber's previous
    delivery (the last one sent before this one) was not bounced, their soft-bounce count restarts
    at 0 ("in a row" means: over consecutive deliveries).

    Returns:
        True when a non-zero count was reset.
    """
    if delivery.subscriber_id is None:
        return False
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=delivery.subscriber_id)
        if subscriber.soft_bounces == 0:
            return False
        previous = (
            Delivery.objects.filter(subscriber_id=subscriber.pk, sent_at__isnull=False)
            .exclude(pk=delivery.pk)
            .order_by("-sent_at", "-pk")
            .first()
        )
        if previous is None or previous.status == DeliveryStatus.BOUNCED:
            return False
        old = subscriber.soft_bounces
        subscriber.soft_bounces = 0
        subscriber.save(update_fields=["soft_bounces"])
        _audit(actor, AuditVerb.UPDATED, subscriber, {"changes": {"soft_bounces": [old, 0]}})
    return True


# --- Reference topics ----------------------------------------------------------------------------


def topics_load_reference(*, actor: Actor, path: Path = REFERENCE_TOPICS) -> tuple[list[str], list[str]]:
    """Create the reference topics of *path* that do not exist yet (by slug); existing ones are kept
    as staff left them (idempotent).

    Args:
        path: a UTF-8 CSV with the columns ``slug, order, name_fr, name_nl, name_en``.

    Returns:
        (slugs created, slugs kept).

    Raises:
        ValueError: a row lacks a column or its order is not a whole number (nothing is written).
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    created: list[str] = []
    kept: list[str] = []
    with transaction.atomic():
        for number, row in enumerate(rows, start=2):
            values = {k: (row.get(k) or "").strip() for k in ("slug", "order", "name_fr", "name_nl", "name_en")}
            missing = [k for k, v in values.items() if not v]
            if missing:
                raise ValueError(f"{path.name}, line {number}: missing {', '.join(missing)}")
            if not values["order"].isdigit():
                raise ValueError(f"{path.name}, line {number}: order {values['order']!r} is not a whole number")
            if Topic.objects.filter(slug=values["slug"]).exists():
                kept.append(values["slug"])
                continue
            topic = Topic.objects.create(
                slug=values["slug"],
                order=int(values["order"]),
                name_fr=values["name_fr"],
                name_nl=values["name_nl"],
                name_en=values["name_en"],
            )
            audit_record(actor=actor, verb=AuditVerb.LOADED, obj=topic, payload={"source": path.name})
            created.append(topic.slug)
    return created, kept
