"""Mails to subscribers outside campaigns, and the signed links every newsletter mail carries.

- :func:`confirm_url`, :func:`unsubscribe_url`, :func:`preferences_url`: absolute links
  (``SITE_BASE_URL``) in the subscriber's language, with a token of :mod:`.tokens`.
- :func:`send_subscriber_mail`: a background task (queued by the services after the commit) that
  sends one of :data:`MAIL_KINDS` in the subscriber's language.

No input of the subscriber goes into a header: the only header built from their data is ``To``,
holding the address alone, which the form validated as an e-mail address (no line break can
pass ``EmailValidator``; Django's mail classes refuse a header with one anyway,
``BadHeaderError``). The name appears in the body only, and only once the address is confirmed
(status ``active``): the sign-up form is open to anyone, who must not be able to have the official
domain greet any address with a name of their choosing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from brussels_international.core.background import retrying_task
from brussels_international.core.feeds import absolute_url

from . import tokens
from .models import Subscriber, SubscriberStatus

MAIL_CONFIRM = "confirm"
MAIL_ALREADY_SUBSCRIBED = "already_subscribed"
MAIL_PREFERENCES_LINK = "preferences_link"
MAIL_DATA_DOWNLOAD = "data_download"
MAIL_DATA_ERASE = "data_erase"
MAIL_KINDS = (MAIL_CONFIRM, MAIL_ALREADY_SUBSCRIBED, MAIL_PREFERENCES_LINK, MAIL_DATA_DOWNLOAD, MAIL_DATA_ERASE)
"""``confirm``: the double opt-in link (valid 7 days); ``already_subscribed``: an active address
asked to subscribe again (with the preference link); ``preferences_link``: a fresh preference link;
``data_download`` / ``data_erase``: the link that downloads or erases the subscriber's data (valid 1 hour)."""

_DATA_ACTION = {MAIL_DATA_DOWNLOAD: "download", MAIL_DATA_ERASE: "erase"}


def _url(name: str, language: str, token: str) -> str:
    with translation.override(language):
        return absolute_url(reverse(name, kwargs={"token": token}))


def confirm_url(subscriber: Subscriber) -> str:
    """The confirmation link of *subscriber* (``/<language>/newsletter/confirm/<token>/``, valid 7 days)."""
    return _url("newsletter:confirm", subscriber.language, tokens.confirm_token(subscriber.pk, subscriber.email))


def unsubscribe_url(subscriber: Subscriber, campaign_id: int | None = None) -> str:
    """The unsubscribe link (no expiry), for the body and the ``List-Unsubscribe`` header (RFC 8058 §3.1).

    Args:
        subscriber: a saved subscriber.
        campaign_id: the campaign the mail belongs to, so that its figures count the unsubscription.
    """
    token = tokens.unsubscribe_token(subscriber.pk, subscriber.email, campaign_id)
    return _url("newsletter:unsubscribe", subscriber.language, token)


def preferences_url(subscriber: Subscriber) -> str:
    """The link of the preference page of *subscriber* (valid 365 days)."""
    return _url(
        "newsletter:preferences", subscriber.language, tokens.preferences_token(subscriber.pk, subscriber.email)
    )


def data_url(subscriber: Subscriber, action: str) -> str:
    """The single-purpose link that downloads (``action="download"``) or erases (``"erase"``) the
    data of *subscriber* (``/<language>/newsletter/data/<action>/<token>/``, valid 1 hour).

    Raises:
        ValueError: *action* is not one of :data:`.tokens.DATA_ACTIONS`.
    """
    token = tokens.data_token(subscriber.pk, subscriber.email, action)
    return _url(f"newsletter:data_{action}", subscriber.language, token)


@retrying_task(max_attempts=3, backoff_seconds=60)
def send_subscriber_mail(kind: str, subscriber_id: int) -> int:
    """Send the mail *kind* (one of :data:`MAIL_KINDS`) to subscriber *subscriber_id*, in their language.

    Subject and text come from ``newsletter/mail/<kind>_subject.txt`` and ``<kind>_body.txt``.
    They greet the subscriber by name (``greeting_name``) only when the address is confirmed
    (status ``active``); else "Hello,".
    Marked ``Auto-Submitted: auto-generated`` (RFC 3834). Idempotent enough to retry: a second
    run sends the same message again.

    Returns:
        1 when sent, 0 when the subscriber no longer exists (erased meanwhile).

    Raises:
        ValueError: unknown *kind*. SMTP errors propagate, so the task is retried.
    """
    if kind not in MAIL_KINDS:
        raise ValueError(f"unknown newsletter mail {kind!r}")
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None:
        return 0
    with translation.override(subscriber.language):
        action = _DATA_ACTION.get(kind)
        context = {
            "subscriber": subscriber,
            "greeting_name": subscriber.name if subscriber.status == SubscriberStatus.ACTIVE else "",
            "confirm_url": confirm_url(subscriber) if kind == MAIL_CONFIRM else "",
            "preferences_url": preferences_url(subscriber),
            "data_url": data_url(subscriber, action) if action else "",
            "subscribe_url": absolute_url(reverse("newsletter:subscribe")),
            "valid_days": tokens.CONFIRM_MAX_AGE.days,
        }
        subject = " ".join(render_to_string(f"newsletter/mail/{kind}_subject.txt", context).split())
        body = render_to_string(f"newsletter/mail/{kind}_body.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    return message.send()
