"""Reads of the campaign screens and of the sending: recipients, posts per language, figures.

No open or click tracking: the figures come from the deliveries only (sent, failed), the bounces
the mail provider reports (``bounced``) and the unsubscribe links followed (``unsubscribed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from wagtail.models import Locale

from .models import Campaign, Delivery, DeliveryStatus, Subscriber, SubscriberStatus

if TYPE_CHECKING:
    from brussels_international.website.models import BlogPostPage

SENT_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.HANDED, DeliveryStatus.BOUNCED)
"""Deliveries the mail server accepted (a bounce comes after acceptance)."""
WAITING_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


def campaign_recipients(campaign: Campaign) -> QuerySet[Subscriber]:
    """Who would get *campaign* now: active subscribers; when the campaign has topics, those who
    chose at least one of them and those who chose no topic at all (the preference page promises
    them every newsletter). Each subscriber once (subqueries, no join); each gets the campaign in
    their own language."""
    recipients = Subscriber.objects.filter(status=SubscriberStatus.ACTIVE)
    topic_ids = list(campaign.topics.values_list("pk", flat=True)) if campaign.pk else []
    if topic_ids:
        chosen = Subscriber.topics.through.objects
        chose = chosen.filter(topic_id__in=topic_ids).values("subscriber_id")
        recipients = recipients.filter(Q(pk__in=chose) | ~Q(pk__in=chosen.values("subscriber_id")))
    return recipients


def campaign_recipient_languages(campaign: Campaign) -> dict[str, int]:
    """``{language: number of recipients}`` of :func:`campaign_recipients` (languages with none omitted)."""
    rows = campaign_recipients(campaign).values("language").annotate(n=Count("pk")).order_by("language")
    return {row["language"]: row["n"] for row in rows}


def campaign_posts_for_language(campaign: Campaign, language: str) -> list[BlogPostPage]:
    """The blog posts of *campaign* as a subscriber in *language* gets them, newest first: each post's
    live translation in *language* when there is one, else the post as chosen (the source). Posts
    unpublished since they were chosen are left out."""
    from brussels_international.website.models import BlogPostPage

    chosen = list(campaign.posts.filter(live=True).select_related("locale").order_by("-date", "pk"))
    if not chosen:
        return []
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return chosen
    translations = {
        page.translation_key: page
        for page in BlogPostPage.objects.live()
        .filter(locale=locale, translation_key__in=[post.translation_key for post in chosen])
        .select_related("locale")
    }
    return [translations.get(post.translation_key, post) for post in chosen]


@dataclass(frozen=True)
class CampaignFigures:
    """Figures of one campaign (numbers of deliveries).

    ``sent`` counts deliveries the mail server accepted (bounced ones included); ``waiting`` those not
    sent yet (pending or in flight); ``unsubscribed`` those whose unsubscribe link was followed.
    """

    recipients: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    unsubscribed: int = 0
    waiting: int = 0

    @property
    def done(self) -> int:
        """Deliveries finished (sent or failed): the value of the progress bar."""
        return self.sent + self.failed

    @property
    def percent(self) -> int:
        """Share of deliveries finished, 0–100 (100 when there are none)."""
        return 100 if not self.recipients else int(100 * self.done / self.recipients)


FIGURES = {
    "recipients": Count("deliveries"),
    "sent": Count("deliveries", filter=Q(deliveries__status__in=SENT_STATUSES)),
    "failed": Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
    "bounced": Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.BOUNCED)),
    "unsubscribed": Count("deliveries", filter=Q(deliveries__unsubscribed_at__isnull=False)),
    "waiting": Count("deliveries", filter=Q(deliveries__status__in=WAITING_STATUSES)),
}


def campaign_figures(campaign: Campaign) -> CampaignFigures:
    """The figures of *campaign* (one aggregate query)."""
    row = Delivery.objects.filter(campaign=campaign).aggregate(
        recipients=Count("pk"),
        sent=Count("pk", filter=Q(status__in=SENT_STATUSES)),
        failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
        bounced=Count("pk", filter=Q(status=DeliveryStatus.BOUNCED)),
        unsubscribed=Count("pk", filter=Q(unsubscribed_at__isnull=False)),
        waiting=Count("pk", filter=Q(status__in=WAITING_STATUSES)),
    )
    return CampaignFigures(**row)


def campaign_list(*, status: str = "") -> QuerySet[Campaign]:
    """Campaigns newest first, each annotated with the :class:`CampaignFigures` fields
    (``recipients``, ``sent``…), optionally only those in *status*."""
    campaigns = Campaign.objects.all()
    if status:
        campaigns = campaigns.filter(status=status)
    return campaigns.annotate(**FIGURES).order_by("-created_at", "-pk")
