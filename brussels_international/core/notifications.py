"""Notifications: a message to one person, in the workspace and by mail, in that person's language.

A module that wants to tell someone something calls :func:`notify` inside the transaction of
the change it announces. The message comes from the templates of its *kind*::

    core/templates/core/notifications/<kind>/subject.txt   one line: the title and mail subject
    core/templates/core/notifications/<kind>/body.txt      the message (plain text)
    core/templates/core/notifications/<kind>/body.html     optional HTML version of the mail

One template per kind, with ``{% translate %}`` / ``{% blocktranslate %}`` inside: rendered under
the recipient's language (:func:`core.i18n.user_language`), the gettext catalogues give the
French, Dutch or English text. Text templates are rendered without HTML escaping.

The in-app row (:class:`~core.models.Notification`) is written in the caller's transaction; the
mail is queued when that transaction commits (nothing is sent if it rolls back) and sent by the
background worker through Django's mail API (console backend in development, SMTP in
production, see ``EMAIL_HOST``), with automatic retries (:func:`core.background.retrying_task`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from .background import retrying_task
from .i18n import user_language
from .models import Notification
from .services import Actor

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
"""A kind is a short key (``deadline_assigned``): lower-case letters, digits and underscores."""

TEMPLATE_DIR = "core/notifications"
TITLE_MAX_LENGTH = 255


def _site_url(path: str) -> str:
    # core.feeds imports the deadline services, which notify: import it when used.
    from .feeds import absolute_url

    return absolute_url(path)


def render_text(template_name: str, context: Mapping[str, Any]) -> str:
    """Render a plain-text template (no HTML escaping) in the active language.

    Raises:
        TemplateDoesNotExist: no such template.
    """
    template = get_template(template_name)
    engine_template = getattr(template, "template", None)
    if engine_template is None:  # not the Django template engine: render as it does
        return str(template.render(dict(context)))
    return str(engine_template.render(Context(dict(context), autoescape=False)))


def one_line(text: str, max_length: int = TITLE_MAX_LENGTH) -> str:
    """*text* on one line (every run of white space, line breaks included, becomes one space),
    cut to *max_length* characters: safe as a mail subject (no header injection)."""
    line = " ".join(text.split())
    return line if len(line) <= max_length else line[: max_length - 1] + "…"


def render_notification(kind: str, context: Mapping[str, Any], language: str) -> tuple[str, str, str]:
    """Render the templates of *kind* in *language*.

    Returns:
        ``(title, body, html)``: the title on one line, the plain-text body, and the HTML body
        (``""`` when the kind has no ``body.html``).

    Raises:
        ValueError: *kind* is not a valid key.
        TemplateDoesNotExist: the kind has no ``subject.txt`` or ``body.txt``.
    """
    if not KIND_PATTERN.match(kind):
        raise ValueError(f"Invalid notification kind {kind!r}: use lower-case letters, digits and underscores.")
    with translation.override(language):
        title = one_line(render_text(f"{TEMPLATE_DIR}/{kind}/subject.txt", context))
        body = render_text(f"{TEMPLATE_DIR}/{kind}/body.txt", context).strip()
        try:
            html = get_template(f"{TEMPLATE_DIR}/{kind}/body.html").render(dict(context))
        except TemplateDoesNotExist:
            html = ""
    return title, body, html


def may_receive_mail(user: User) -> bool:
    """Whether mail may be sent to *user*: an active account with an e-mail address."""
    return bool(user.is_active and user.email)


def notify(
    *,
    recipient: User,
    kind: str,
    context: Mapping[str, Any],
    url: str = "",
    actor: Actor = None,
    obj: models.Model | None = None,
    mail: bool = True,
) -> Notification:
    """Tell *recipient* something: an in-app notification now, a mail after the commit.

    Args:
        recipient: the user to tell.
        kind: the template folder under ``core/notifications/`` (``"deadline_assigned"``).
        context: template variables; the service adds ``recipient``, ``actor``, ``url`` and
            ``link`` (*url* made absolute with ``SITE_BASE_URL``, for mails).
        url: the workspace address the notification opens (a path such as ``/admin/...``).
        actor: who caused it (``None`` for the system).
        obj: the record it is about (any saved model instance), optional.
        mail: also send it by mail (skipped when the recipient is inactive or has no address).

    Returns:
        The saved :class:`~core.models.Notification`, title and body in the recipient's language.

    Raises:
        ValueError: an invalid *kind*, or an unsaved *obj*.
        TemplateDoesNotExist: *kind* has no templates. Nothing is written in either case.
    """
    if obj is not None and obj.pk is None:
        raise ValueError("notify() needs a saved object (obj).")
    actor_user = actor if isinstance(actor, User) else None
    full_context = {
        **context,
        "recipient": recipient,
        "actor": actor_user,
        "url": url,
        "link": _site_url(url) if url else "",
    }
    title, body, html = render_notification(kind, full_context, user_language(recipient))
    with transaction.atomic():
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            title=title,
            body=body,
            url=url,
            actor=actor_user,
            object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
        )
        if mail and may_receive_mail(recipient):
            notification_id = notification.pk
            transaction.on_commit(lambda: send_notification_mail.enqueue(notification_id, html))
    return notification


def notify_many(
    *,
    recipients: Iterable[User],
    kind: str,
    context: Mapping[str, Any],
    url: str = "",
    actor: Actor = None,
    obj: models.Model | None = None,
    mail: bool = True,
) -> list[Notification]:
    """:func:`notify` each of *recipients* once (duplicates dropped), each in their own language,
    in one transaction. Returns the notifications in the order of *recipients*."""
    seen: set[int] = set()
    made = []
    with transaction.atomic():
        for recipient in recipients:
            if recipient.pk in seen:
                continue
            seen.add(recipient.pk)
            made.append(
                notify(recipient=recipient, kind=kind, context=context, url=url, actor=actor, obj=obj, mail=mail)
            )
    return made


@retrying_task(max_attempts=3, backoff_seconds=60)
def send_notification_mail(notification_id: int, html: str = "") -> int:
    """Send the mail of notification *notification_id* (queued by :func:`notify` after the commit).

    The subject is the notification's title, the text its body followed by a footer (the
    link and where to find all notifications) in the recipient's language; *html*, when
    given, is attached as the HTML version. From ``DEFAULT_FROM_EMAIL``, marked
    ``Auto-Submitted: auto-generated`` (RFC 3834) so that vacation replies stay quiet.

    Returns:
        1 when sent; 0 when the notification no longer exists or the recipient can no
        longer receive mail. SMTP errors raise, so the task is retried.
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not may_receive_mail(notification.recipient):
        return 0
    recipient = notification.recipient
    with translation.override(user_language(recipient)):
        footer = render_text(
            f"{TEMPLATE_DIR}/mail_footer.txt",
            {
                "link": _site_url(notification.url) if notification.url else "",
                "notifications_link": _site_url(reverse("core_notifications")),
            },
        ).strip()
    message = EmailMultiAlternatives(
        subject=one_line(notification.title),
        body=f"{notification.body}\n\n{footer}\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


def _own(user: User, notification: Notification) -> None:
    if notification.recipient_id != user.pk:
        raise PermissionDenied("This notification is someone else's.")


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    """Mark *notification* read (stamped now; unchanged when already read).

    No audit entry: whether one has read a message is personal state, not a record.

    Raises:
        PermissionDenied: *notification* is not *user*'s.
    """
    _own(user, notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notification_mark_unread(*, user: User, notification: Notification) -> Notification:
    """Mark *notification* unread again.

    Raises:
        PermissionDenied: *notification* is not *user*'s.
    """
    _own(user, notification)
    notification.read_at = None
    Notification.objects.filter(pk=notification.pk).update(read_at=None)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of *user* read. Returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
