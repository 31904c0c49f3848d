"""Reads of the newsletter's subscriber side: topics on offer, the subscriber of a signed link,
a subscriber's data for download (GDPR art. 15 and 20), the workspace's subscriber detail."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, QuerySet

from . import tokens
from .models import Bounce, Consent, Delivery, Subscriber, Topic

OFFERED_TOPICS_CACHE_KEY = "newsletter:topics-offered"
OFFERED_TOPICS_CACHE_SECONDS = 3600


def topics_offered() -> list[Topic]:
    """The active topics, in their order (the checkboxes of the subscription form)."""
    return list(Topic.objects.filter(active=True).order_by("order", "slug"))


def topics_offered_cached() -> list[Topic]:
    """:func:`topics_offered` kept in the default cache for :data:`OFFERED_TOPICS_CACHE_SECONDS` (1 hour):
    the footer of every public page shows them. ``newsletter/signals.py`` drops the entry when a topic
    changes."""
    topics = cache.get(OFFERED_TOPICS_CACHE_KEY)
    if topics is None:
        topics = topics_offered()
        cache.set(OFFERED_TOPICS_CACHE_KEY, topics, OFFERED_TOPICS_CACHE_SECONDS)
    return topics  # type: ignore[no-any-return]


def subscriber_for_token(data: tokens.TokenData) -> Subscriber | None:
    """The subscriber a verified token names, or ``None`` when it no longer exists or its address
    changed (the token's fingerprint no longer matches: the id was erased and reused)."""
    subscriber = Subscriber.objects.filter(pk=data.subscriber_id).first()
    if subscriber is None or tokens.fingerprint(subscriber.email) != data.fingerprint:
        return None
    return subscriber


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def subscriber_data_export(subscriber: Subscriber) -> dict[str, Any]:
    """Everything kept about *subscriber*, as JSON-ready data (right of access and portability,
    GDPR art. 15 and 20): address, name, language, topics (slugs and names), status and dates,
    consents (with IP address and wording), deliveries (campaign title, dates) and bounces.
    Times are ISO 8601 in UTC. Four queries."""
    topics = list(subscriber.topics.order_by("order", "slug"))
    consents = list(Consent.objects.filter(subscriber=subscriber).order_by("at", "pk"))
    deliveries = list(
        Delivery.objects.filter(subscriber=subscriber).select_related("campaign").order_by("sent_at", "pk")
    )
    bounces = list(Bounce.objects.filter(subscriber=subscriber).order_by("received_at", "pk"))
    return {
        "email": subscriber.email,
        "name": subscriber.name,
        "language": subscriber.language,
        "topics": [{"slug": t.slug, "name": t.tr("name", subscriber.language)} for t in topics],
        "status": subscriber.status,
        "subscribed_on": _iso(subscriber.created_at),
        "confirmation_sent_on": _iso(subscriber.confirmation_sent_at),
        "confirmed_on": _iso(subscriber.confirmed_at),
        "unsubscribed_on": _iso(subscriber.unsubscribed_at),
        "suspended_on": _iso(subscriber.suspended_at),
        "suspension_reason": subscriber.suspension_reason,
        "consents": [
            {
                "action": c.action,
                "at": _iso(c.at),
                "ip_address": c.ip_address,
                "language": c.language,
                "wording": c.wording,
            }
            for c in consents
        ],
        "deliveries": [
            {
                "campaign": d.campaign.title,
                "status": d.status,
                "sent_on": _iso(d.sent_at),
                "unsubscribed_on": _iso(d.unsubscribed_at),
            }
            for d in deliveries
        ],
        "bounces": [
            {"kind": b.kind, "source": b.source, "received_on": _iso(b.received_at), "diagnostic": b.diagnostic}
            for b in bounces
        ],
    }


def subscribers_for_workspace() -> QuerySet[Subscriber]:
    """Subscribers for the workspace list, newest first, with their topics prefetched."""
    return Subscriber.objects.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("order")))


def subscriber_history(subscriber: Subscriber) -> dict[str, list[Any]]:
    """The consents (oldest first) and bounces (newest first, with their delivery's campaign) of
    *subscriber*, for its page in the workspace."""
    return {
        "consents": list(Consent.objects.filter(subscriber=subscriber).order_by("at", "pk")),
        "bounces": list(
            Bounce.objects.filter(subscriber=subscriber)
            .select_related("delivery__campaign")
            .order_by("-received_at", "-pk")
        ),
    }
