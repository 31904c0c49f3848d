"""The free e-newsletter of Brussels International (sent with the blog *The Brussels Globe*).

- :class:`Topic`: what a subscriber may choose to receive (fr/nl/en names).
- :class:`Subscriber`: one address (unique, case-insensitive), its language and topics, and its
  status: ``pending`` until the confirmation link of the double opt-in is followed (valid 7 days),
  then ``active``; ``unsubscribed`` or ``suspended`` (bounces) afterwards. Erasure deletes the row.
- :class:`Consent`: every consent given or withdrawn, with its time, IP address and the exact
  wording shown (GDPR art. 7(1): the controller must be able to demonstrate consent).
- :class:`Campaign`: one mailing composed in the workspace (free text and blog posts per language),
  its status graph in :mod:`newsletter.workflow`.
- :class:`Delivery`: one campaign to one subscriber; the unique (campaign, subscriber) pair and
  its status make sending resumable and exactly once.
- :class:`Bounce`: a delivery failure reported by the mail provider (webhook) or read from the
  bounce mailbox.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from brussels_international.core.i18n import TranslatedFieldsMixin


class Topic(TranslatedFieldsMixin, models.Model):
    """A topic of the newsletter that subscribers choose (``name_fr``, ``name_nl``, ``name_en``)."""

    slug = models.SlugField(_("identifier (slug)"), max_length=80, unique=True)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("offered on the subscription form"), default=True)

    class Meta:
        verbose_name = _("newsletter topic")
        verbose_name_plural = _("newsletter topics")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.tr("name")


class SubscriberStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    ACTIVE = "active", _("Subscribed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
    SUSPENDED = "suspended", _("Suspended (bounces)")


class Subscriber(models.Model):
    """One e-mail address subscribed (or once subscribed) to the newsletter.

    ``email`` is stored as typed (domain lower-cased) and unique case-insensitively.
    ``soft_bounces`` counts soft bounces since the last delivered campaign.
    """

    email = models.EmailField(_("e-mail address"), max_length=254)
    name = models.CharField(_("name"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fr")
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"), related_name="subscribers")
    status = models.CharField(
        _("status"), max_length=16, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    created_at = models.DateTimeField(_("subscribed on"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent on"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed on"), null=True, blank=True)
    suspended_at = models.DateTimeField(_("suspended on"), null=True, blank=True)
    suspension_reason = models.CharField(_("reason for suspension"), max_length=300, blank=True)
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces in a row"), default=0)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci_unique")]
        indexes = [models.Index(fields=["status", "language"], name="newsletter_sub_status_lang")]

    def __str__(self) -> str:
        return self.email


class ConsentAction(models.TextChoices):
    SUBSCRIBED = "subscribed", _("Asked to subscribe")
    CONFIRMED = "confirmed", _("Confirmed the subscription")
    PREFERENCES = "preferences", _("Changed language or topics")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Consent(models.Model):
    """A consent given or withdrawn: when, from which IP address, and the wording shown then."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    action = models.CharField(_("action"), max_length=16, choices=ConsentAction.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    wording = models.TextField(_("wording shown"))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(models.Model):
    """One mailing: a subject and free text per language, blog posts, target topics, a send time.

    Subscribers get the version in their language. ``topics`` empty means every active subscriber;
    otherwise subscribers with at least one of these topics. The recipients are fixed when sending
    starts (one :class:`Delivery` each).
    """

    title = models.CharField(_("internal title"), max_length=200)
    subject_fr = models.CharField(_("subject (French)"), max_length=200)
    subject_nl = models.CharField(_("subject (Dutch)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    text_fr = models.TextField(_("text (French)"), blank=True)
    text_nl = models.TextField(_("text (Dutch)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    posts = models.ManyToManyField("website.BlogPostPage", blank=True, verbose_name=_("blog posts"), related_name="+")
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"), related_name="campaigns")
    status = models.CharField(_("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    scheduled_for = models.DateTimeField(_("send on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("sending started on"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished on"), null=True, blank=True)
    sender_lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("newsletter campaign")
        verbose_name_plural = _("newsletter campaigns")
        ordering = ["-created_at", "-pk"]
        permissions = [("send_campaign", "Can schedule and send a newsletter campaign")]

    def __str__(self) -> str:
        return self.title


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    HANDED = "handed", _("Handed to the mail server")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")


class Delivery(models.Model):
    """One campaign to one subscriber. ``message_id`` is fixed before the first attempt, so a message
    sent again after a crash keeps its Message-ID. ``subscriber`` becomes empty on erasure (the
    figures of the campaign stay)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    message_id = models.CharField(max_length=200, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # after a temporary refusal (4xx)
    sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"],
                name="newsletter_delivery_once",
                condition=models.Q(subscriber__isnull=False),
            )
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="newsletter_delivery_todo")]

    def __str__(self) -> str:
        return self.message_id


class BounceKind(models.TextChoices):
    HARD = "hard", _("Hard (permanent)")
    SOFT = "soft", _("Soft (temporary)")
    COMPLAINT = "complaint", _("Spam complaint")


class Bounce(models.Model):
    """A delivery failure reported for an address (provider webhook or bounce mailbox)."""

    subscriber = models.ForeignKey(Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces")
    delivery = models.ForeignKey(Delivery, null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces")
    kind = models.CharField(_("kind"), max_length=16, choices=BounceKind.choices)
    source = models.CharField(_("source"), max_length=16)  # "webhook" or "mailbox"
    reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    diagnostic = models.CharField(_("diagnostic"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received on"), auto_now_add=True)

    class Meta:
        verbose_name = _("bounce")
        verbose_name_plural = _("bounces")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reference"], name="newsletter_bounce_once", condition=~models.Q(reference="")
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_at:%Y-%m-%d}"
