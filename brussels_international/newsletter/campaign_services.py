"""Writes on newsletter campaigns: compose, schedule, unschedule, cancel, test, start and finish.

Status changes go through ``core.workflow.transition`` with :data:`newsletter.workflow.TRANSITIONS`;
every change writes its audit entry in its transaction, and the sending tasks are queued on commit.
The sending itself (deliveries marked sent one by one) is in :mod:`newsletter.sending`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from brussels_international.core.i18n import LANGUAGE_CODES
from brussels_international.core.models import AuditVerb
from brussels_international.core.services import Actor, audit_change, audit_record, snapshot_for_audit
from brussels_international.core.workflow import transition

from . import sending, tasks
from .campaign_selectors import campaign_recipient_languages, campaign_recipients
from .models import Campaign, CampaignStatus, Delivery, Topic
from .workflow import TRANSITIONS

CONTENT_FIELDS: tuple[str, ...] = (
    "title",
    *(f"subject_{code}" for code in LANGUAGE_CODES),
    *(f"text_{code}" for code in LANGUAGE_CODES),
)
"""The text fields a composer fills (internal title, subject and free text per language)."""


def _language_name(code: str) -> str:
    names = {"fr": _("French"), "nl": _("Dutch"), "en": _("English")}
    return names.get(code, code)


def _require(actor: Actor, permission: str) -> None:
    if actor is None or not actor.has_perm(permission):
        raise PermissionDenied(_("You are not allowed to do this."))


ONE_LINE_FIELDS: tuple[str, ...] = ("title", *(f"subject_{code}" for code in LANGUAGE_CODES))
"""Fields that become (or sit beside) a mail header: one line, no control character."""


def has_control_character(value: str) -> bool:
    """True when *value* holds a control character (Unicode category ``Cc``: line feed, carriage
    return, tab, NUL…) or a line or paragraph separator (``Zl``, ``Zp``). A mail header is one line
    of printable characters (RFC 5322 §2.2); Django refuses CR and LF in headers (``BadHeaderError``)."""
    return any(unicodedata.category(char) in {"Cc", "Zl", "Zp"} for char in value)


def _clean_content(content: Mapping[str, Any], posts: Iterable[Any]) -> tuple[dict[str, str], list[Any]]:
    """Checked text fields and posts. Raises ``ValidationError`` with one message per field."""
    from brussels_international.website.models import BlogPostPage

    errors: dict[str, str] = {}
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown campaign fields: {sorted(unknown)}")
    values = {name: str(content.get(name) or "").strip() for name in CONTENT_FIELDS}
    if not values["title"]:
        errors["title"] = _("Give the campaign an internal title.")
    for name in CONTENT_FIELDS:
        limit = getattr(Campaign._meta.get_field(name), "max_length", None)
        if limit and len(values[name]) > limit:
            errors[name] = _("At most %(limit)d characters (now %(count)d).") % {
                "limit": limit,
                "count": len(values[name]),
            }
        if name in ONE_LINE_FIELDS and has_control_character(values[name]):
            errors[name] = _("Write it on one line, without control characters (line break, carriage return, tab).")
    chosen = list(posts)
    live_ids = set(BlogPostPage.objects.live().filter(pk__in=[post.pk for post in chosen]).values_list("pk", flat=True))
    if any(post.pk not in live_ids for post in chosen):
        errors["posts"] = _("Choose published blog posts only.")
    if errors:
        raise ValidationError(errors)
    return values, chosen


def campaign_create(
    *, actor: Actor, content: Mapping[str, Any], posts: Iterable[Any] = (), topics: Iterable[Topic] = ()
) -> Campaign:
    """Create a draft campaign.

    Args:
        actor: a user with ``newsletter.add_campaign``.
        content: ``title`` (required) and ``subject_<fr|nl|en>``, ``text_<fr|nl|en>`` (optional while
            a draft; see :func:`campaign_schedule_problems`).
        posts: live ``BlogPostPage`` objects, in any language (each subscriber gets the translation).
        topics: target topics; none = every active subscriber.

    Raises:
        PermissionDenied: the actor may not add campaigns.
        ValidationError: ``{field: message}`` (no title, too long, a post not published).
    """
    _require(actor, "newsletter.add_campaign")
    values, chosen = _clean_content(content, posts)
    with transaction.atomic():
        campaign = Campaign.objects.create(created_by=actor if isinstance(actor, User) else None, **values)
        campaign.posts.set(chosen)
        campaign.topics.set(list(topics))
        audit_change(actor=actor, obj=campaign, before={}, verb=AuditVerb.CREATED)
    return campaign


def campaign_update(
    *, actor: Actor, campaign: Campaign, content: Mapping[str, Any], posts: Iterable[Any], topics: Iterable[Topic]
) -> Campaign:
    """Change a draft campaign (same arguments as :func:`campaign_create`).

    Raises:
        PermissionDenied: the actor lacks ``newsletter.change_campaign``.
        ValidationError: the campaign is no longer a draft (unschedule it first), or bad fields.
    """
    _require(actor, "newsletter.change_campaign")
    values, chosen = _clean_content(content, posts)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.DRAFT:
            raise ValidationError(_("Only a draft can be changed: unschedule the campaign first."))
        before = snapshot_for_audit(locked)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(values))
        locked.posts.set(chosen)
        locked.topics.set(list(topics))
        audit_change(actor=actor, obj=locked, before=before, verb=AuditVerb.UPDATED)
    return locked


def campaign_schedule_problems(campaign: Campaign) -> dict[str, str]:
    """What prevents sending *campaign* now, as ``{field: translated message}`` (``{}`` when none).

    Rules: at least one recipient (active subscribers of the target topics); a subject in every
    language that a recipient reads; some content (free text or a blog post) in those languages.
    """
    languages = campaign_recipient_languages(campaign)
    if not languages:
        return {"topics": _("No active subscriber matches the campaign's topics: there is no one to send it to.")}
    problems: dict[str, str] = {}
    has_posts = campaign.posts.filter(live=True).exists()
    for code, count in languages.items():
        if not str(getattr(campaign, f"subject_{code}", "")).strip():
            problems[f"subject_{code}"] = _(
                "No subject in %(language)s, but %(count)d recipients read %(language)s."
            ) % {"language": _language_name(code), "count": count}
        if not has_posts and not str(getattr(campaign, f"text_{code}", "")).strip():
            problems[f"text_{code}"] = _(
                "No text in %(language)s and no blog post: %(count)d recipients would get an empty mail."
            ) % {"language": _language_name(code), "count": count}
    return problems


def campaign_schedule(*, actor: Actor, campaign: Campaign, send_at: dt.datetime | None = None) -> Campaign:
    """Schedule a draft: ``draft → scheduled``, sent by the worker at *send_at* (now when ``None``).

    Args:
        send_at: an aware date and time, not in the past (a minute's tolerance).

    Raises:
        PermissionDenied: the actor lacks ``newsletter.send_campaign``.
        TransitionError: the campaign is not a draft.
        ValidationError: *send_at* is past, or :func:`campaign_schedule_problems` found problems
            (``{field: message}``).
    """
    _require(actor, "newsletter.send_campaign")
    now = timezone.now()
    when = send_at or now
    if timezone.is_naive(when):
        raise ValueError("send_at must be aware.")
    if when < now - dt.timedelta(minutes=1):
        raise ValidationError({"send_at": _("This time is past: choose a later one, or send now.")})
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        problems = campaign_schedule_problems(locked)
        if problems:
            raise ValidationError(problems)
        note = formats.date_format(timezone.localtime(when), "DATETIME_FORMAT")
        transition(actor=actor, obj=locked, to=CampaignStatus.SCHEDULED, transitions=TRANSITIONS, note=note)
        Campaign.objects.filter(pk=locked.pk).update(scheduled_for=when)
        locked.scheduled_for = when
        campaign_id = locked.pk
        transaction.on_commit(lambda: tasks.queue_campaign_start(campaign_id, when))
    return locked


def campaign_unschedule(*, actor: Actor, campaign: Campaign) -> Campaign:
    """``scheduled → draft`` (to change it): the queued start does nothing.

    Raises:
        PermissionDenied, TransitionError: as for ``core.workflow.transition`` (sending started).
    """
    with transaction.atomic():
        locked = transition(actor=actor, obj=campaign, to=CampaignStatus.DRAFT, transitions=TRANSITIONS)
        Campaign.objects.filter(pk=locked.pk).update(scheduled_for=None)
    return Campaign.objects.get(pk=campaign.pk)


def campaign_cancel(*, actor: Actor, campaign: Campaign, note: str = "") -> Campaign:
    """Cancel a draft or scheduled campaign, or stop one being sent: the chunk stops before its next
    message; deliveries not yet made stay ``pending`` (shown as not sent).

    Raises:
        PermissionDenied, TransitionError: as for ``core.workflow.transition`` (already sent).
    """
    with transaction.atomic():
        was_sending = Campaign.objects.select_for_update().get(pk=campaign.pk).status == CampaignStatus.SENDING
        transition(actor=actor, obj=campaign, to=CampaignStatus.CANCELLED, transitions=TRANSITIONS, note=note)
        if was_sending:
            Campaign.objects.filter(pk=campaign.pk).update(finished_at=timezone.now())
            sending.handed_settle(campaign.pk)  # no chunk will run again to settle them
    return Campaign.objects.get(pk=campaign.pk)


def campaign_send_test(*, actor: Actor, campaign: Campaign, language: str, to: str) -> None:
    """Send *campaign* in *language* to the address *to* typed by a staff member, ``[TEST]`` in the
    subject; no delivery row, not in the figures (:func:`newsletter.sending.send_test`). An audit entry
    (``test_sent`` on the campaign, payload ``{"to": address, "language": code}``: the address is one
    the staff member typed, kept to show where the campaign went) is written in the same transaction,
    so it exists only when the mail server took the test.

    Raises:
        PermissionDenied: the actor lacks ``newsletter.change_campaign``.
        ValidationError: ``{"to": …}`` an invalid address; ``{"language": …}`` an unknown language.
        smtplib.SMTPException, OSError: the mail server refused or is unreachable.
        ValueError (``django.core.mail.BadHeaderError``): a header of the mail is invalid (a subject
            with a line break saved before that was refused).
    """
    _require(actor, "newsletter.change_campaign")
    to = (to or "").strip()
    if "\n" in to or "\r" in to:
        raise ValidationError({"to": _("Enter one valid e-mail address.")})
    try:
        validate_email(to)
    except ValidationError as error:
        raise ValidationError({"to": _("Enter one valid e-mail address.")}) from error
    if language not in LANGUAGE_CODES:
        raise ValidationError({"language": _("Choose French, Dutch or English.")})
    with transaction.atomic():
        audit_record(actor=actor, verb=AuditVerb.TEST_SENT, obj=campaign, payload={"to": to, "language": language})
        sending.send_test(campaign, language=language, to=to)


# --- System moves made by the sending tasks ------------------------------------------------------


def campaign_start(*, campaign_id: int, now: dt.datetime | None = None) -> int | None:
    """Start sending: ``scheduled → sending`` (system move), ``started_at``, and one
    :class:`~newsletter.models.Delivery` per recipient (:func:`campaign_recipients` now), each with
    its Message-ID, all in one transaction; the first chunk is queued on commit.

    Returns:
        The number of deliveries made, or ``None`` when the campaign is not ``scheduled`` (unscheduled,
        cancelled, already started) or its time has not come (*now* before ``scheduled_for``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.status != CampaignStatus.SCHEDULED:
            return None
        if campaign.scheduled_for is not None and campaign.scheduled_for > now:
            return None
        subscriber_ids = list(campaign_recipients(campaign).order_by("pk").values_list("pk", flat=True))
        transition(
            actor=None,
            obj=campaign,
            to=CampaignStatus.SENDING,
            transitions=TRANSITIONS,
            system=True,
            note=f"{len(subscriber_ids)} recipients",
        )
        Delivery.objects.bulk_create(
            [
                Delivery(campaign_id=campaign_id, subscriber_id=pk, message_id=sending.new_message_id())
                for pk in subscriber_ids
            ],
            batch_size=500,
            ignore_conflicts=True,
        )
        Campaign.objects.filter(pk=campaign_id).update(started_at=now)
        transaction.on_commit(lambda: tasks.queue_campaign_chunk(campaign_id))
    return len(subscriber_ids)


def campaign_finish(*, campaign_id: int) -> bool:
    """``sending → sent`` (system move) with ``finished_at``, when no delivery waits any more.

    Returns:
        ``True`` when the campaign was marked sent; ``False`` when deliveries still wait or the
        campaign is not ``sending`` (cancelled meanwhile).
    """
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or campaign.status != CampaignStatus.SENDING:
            return False
        if campaign.deliveries.filter(status__in=["pending", "sending", "handed"]).exists():
            return False
        transition(actor=None, obj=campaign, to=CampaignStatus.SENT, transitions=TRANSITIONS, system=True)
        Campaign.objects.filter(pk=campaign_id).update(finished_at=timezone.now(), sender_lease_until=None)
    return True
