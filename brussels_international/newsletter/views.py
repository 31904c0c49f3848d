"""Public views of the newsletter: subscribe, confirm (double opt-in), unsubscribe (RFC 8058),
preferences (language, topics; asking for the data links), and the data links that download or
erase one's data (mailed, valid 1 hour). The bounce webhook lives in :mod:`.bounces`.

Every page reached through a signed link is personal: ``never_cache`` (``Cache-Control: private,
no-store``...), so neither the public page cache (``core/cache.py``) nor a proxy keeps it.
A forged or altered link gives a 400 page; an expired one a 410 page that offers the way out.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from brussels_international.core.client_ip import client_ip
from brussels_international.core.i18n import current_language

from . import services, tokens
from .bounces import bounce_webhook_view
from .forms import (
    CONFIRM_WORDING,
    CONSENT_WORDING,
    ONE_CLICK_WORDING,
    PREFERENCES_WORDING,
    UNSUBSCRIBE_WORDING,
    FreshLinkForm,
    PreferencesForm,
    SubscribeForm,
)
from .models import Subscriber, SubscriberStatus, Topic
from .selectors import subscriber_data_export, subscriber_for_token
from .subscriber_mail import preferences_url

__all__ = [
    "bounce_webhook_view",
    "confirm_view",
    "data_download_view",
    "data_erase_view",
    "preferences_view",
    "subscribe_view",
    "unsubscribe_view",
]

TEMPLATES = "newsletter"


def _ip(request: HttpRequest) -> str | None:
    """The client's address (``REMOTE_ADDR``, or behind trusted proxies ``X-Forwarded-For``:
    :func:`core.client_ip.client_ip`)."""
    return client_ip(request)


def _page(request: HttpRequest, name: str, context: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    return render(request, f"{TEMPLATES}/{name}.html", context or {}, status=status)


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return _page(request, "link_invalid", status=400)


def _check_mailbox(request: HttpRequest) -> HttpResponse:
    response = _page(request, "check_mailbox")
    response["Cache-Control"] = "private, no-store"
    return response


def _subscribe_page(request: HttpRequest, form: SubscribeForm) -> HttpResponse:
    context = {
        "form": form,
        "consent_wording": CONSENT_WORDING,
        "has_topics": Topic.objects.filter(active=True).exists(),
    }
    return _page(request, "subscribe", context)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe_view(request: HttpRequest) -> HttpResponse:
    """The subscription form (GET) and its handling (POST), from the full page or any page's footer.

    CSRF-exempt on purpose: the footer form sits in public pages that the whole-page cache keeps
    for anonymous visitors (``core/cache.py``); a CSRF token would set a cookie and disable that
    cache. A forged cross-site post can do no harm: the double opt-in subscribes nobody without
    the confirmation link mailed to the address (GDPR art. 7(1)), one address gets at most one
    such mail per 10 minutes (:data:`.services.RESEND_INTERVAL`), one IP address may post at most
    10 requests an hour (:func:`.services.subscribe_throttled`; beyond, the same page and no mail),
    the mail greets nobody by the name typed in before the address is confirmed, and a hidden
    honeypot field (:data:`.forms.HONEYPOT_FIELD`) drops robots that fill in every field.

    The answer to a valid post is the same "check your mailbox" page for a new, pending, active or
    unsubscribed address, so the form does not tell who is subscribed. Invalid input re-renders
    the full page with an error summary, in the page language.
    """
    if request.method != "POST":
        return _subscribe_page(request, SubscribeForm())
    form = SubscribeForm(request.POST)
    if form.is_robot:
        return _check_mailbox(request)
    if not form.is_valid():
        response = _subscribe_page(request, form)
        response["Cache-Control"] = "private, no-store"
        return response
    if services.subscribe_throttled(ip_address=_ip(request)):
        return _check_mailbox(request)
    data = form.cleaned_data
    services.subscriber_subscribe(
        actor=request.user,
        email=data["email"],
        name=data["name"],
        language=data["language"],
        topics=data["topics"],
        ip_address=_ip(request),
        wording=str(CONSENT_WORDING),
        wording_language=current_language(),
    )
    return _check_mailbox(request)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """Second step of the double opt-in. GET shows a "Confirm" button; only its POST confirms,
    because mail scanners and link previews follow GET links.

    Pages: confirmed (with the link to the preference page); already confirmed; expired (410,
    after 7 days, or an unsubscribed/suspended address: subscribe again); forged (400).
    """
    try:
        data = tokens.read_confirm_token(token)
    except tokens.TokenExpired:
        return _page(request, "confirm_expired", status=410)
    except tokens.TokenInvalid:
        return _invalid_link(request)
    subscriber = subscriber_for_token(data)
    if subscriber is None:
        return _invalid_link(request)
    if subscriber.status == SubscriberStatus.ACTIVE:
        return _page(request, "confirmed", {"already": True, "preferences_url": preferences_url(subscriber)})
    if subscriber.status != SubscriberStatus.PENDING:
        return _page(request, "confirm_expired", status=410)
    if request.method == "POST":
        services.subscriber_confirm(
            actor=request.user,
            subscriber=subscriber,
            ip_address=_ip(request),
            wording=str(CONFIRM_WORDING),
            language=current_language(),
        )
        return _page(request, "confirmed", {"already": False, "preferences_url": preferences_url(subscriber)})
    return _page(request, "confirm", {"subscriber": subscriber, "confirm_wording": CONFIRM_WORDING})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    """Unsubscribe with the signed link of a newsletter, without login.

    GET shows a button; POST unsubscribes and answers 200 with a page (no redirect). A mail
    client's one-click POST (body ``List-Unsubscribe=One-Click``, no cookies, RFC 8058 §3.2) works
    the same: hence CSRF-exempt; the unguessable signed token is the protection. Idempotent: a
    second POST changes nothing. A link whose address was erased answers as unsubscribed (nothing
    will be sent to it). Forged or altered token: 400.
    """
    try:
        data = tokens.read_unsubscribe_token(token)
    except (tokens.TokenInvalid, tokens.TokenExpired):
        return _invalid_link(request)
    subscriber = subscriber_for_token(data)
    if request.method == "POST":
        if subscriber is not None:
            one_click = request.POST.get("List-Unsubscribe") == "One-Click"
            services.subscriber_unsubscribe(
                actor=request.user,
                subscriber=subscriber,
                campaign_id=data.campaign_id,
                ip_address=_ip(request),
                wording=ONE_CLICK_WORDING if one_click else str(UNSUBSCRIBE_WORDING),
                language=current_language(),
            )
        return _page(request, "unsubscribed")
    if subscriber is None or subscriber.status == SubscriberStatus.UNSUBSCRIBED:
        return _page(request, "unsubscribed")
    return _page(request, "unsubscribe", {"unsubscribe_wording": UNSUBSCRIBE_WORDING})


def _export(subscriber: Subscriber) -> HttpResponse:
    body = json.dumps(subscriber_data_export(subscriber), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsletter-my-data.json"'
    return response


def _fresh_link(request: HttpRequest) -> HttpResponse:
    """An expired preference link: a form that mails a fresh link to the address typed in."""
    if request.method == "POST":
        form = FreshLinkForm(request.POST)
        if form.is_valid():
            services.subscriber_preferences_link_send(actor=request.user, email=form.cleaned_data["email"])
            return _page(request, "check_mailbox", {"fresh_link": True})
    else:
        form = FreshLinkForm()
    return _page(request, "preferences_expired", {"form": form}, status=410 if request.method != "POST" else 200)


DATA_LINK_ACTIONS = {"export": "download", "erase": "erase"}
"""POST ``action`` of the preference page → the data link it mails (:data:`.tokens.DATA_ACTIONS`)."""


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def preferences_view(request: HttpRequest, token: str) -> HttpResponse:
    """The preference page of the signed link (valid 365 days): change language and topics,
    unsubscribe, and ask for the links that download or erase one's data.

    POST ``action``: ``save``, ``unsubscribe``, ``export`` or ``erase``. The last two do not touch
    the data: the preference link travels in every newsletter and may have been forwarded, so they
    mail a single-purpose link valid 1 hour to the subscriber's address
    (:func:`.services.subscriber_data_link_send`, at most one per 10 minutes) and say so. An
    expired link shows a form to mail a fresh one (410); a forged link, or one whose address was
    erased, gives 400.
    """
    try:
        data = tokens.read_preferences_token(token)
    except tokens.TokenExpired:
        return _fresh_link(request)
    except tokens.TokenInvalid:
        return _invalid_link(request)
    subscriber = subscriber_for_token(data)
    if subscriber is None:
        return _invalid_link(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    saved = False
    data_link = ""
    if action == "unsubscribe":
        services.subscriber_unsubscribe(
            actor=request.user,
            subscriber=subscriber,
            campaign_id=None,
            ip_address=_ip(request),
            wording=str(UNSUBSCRIBE_WORDING),
            language=current_language(),
        )
        return _page(request, "unsubscribed", {"preferences_url": request.path})
    if action in DATA_LINK_ACTIONS:
        data_link = DATA_LINK_ACTIONS[action]
        services.subscriber_data_link_send(actor=request.user, subscriber=subscriber, action=data_link)
    if action == "save":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            saved = True
            services.subscriber_preferences_update(
                actor=request.user,
                subscriber=subscriber,
                language=form.cleaned_data["language"],
                topics=form.cleaned_data["topics"],
                ip_address=_ip(request),
                wording=str(PREFERENCES_WORDING),
                wording_language=current_language(),
            )
            form = PreferencesForm(initial=_preferences_initial(subscriber))
    else:
        form = PreferencesForm(initial=_preferences_initial(subscriber))
    context = {
        "form": form,
        "subscriber": subscriber,
        "saved": saved,
        "data_link": data_link,
        "has_topics": Topic.objects.filter(active=True).exists(),
        "preferences_wording": PREFERENCES_WORDING,
        "status_label": _status_label(subscriber),
    }
    return _page(request, "preferences", context)


def _data_subscriber(token: str, action: str) -> Subscriber | str:
    """The subscriber of a data link, or the name of the page to show instead
    (``data_link_expired`` or ``link_invalid``)."""
    try:
        data = tokens.read_data_token(token, action)
    except tokens.TokenExpired:
        return "data_link_expired"
    except tokens.TokenInvalid:
        return "link_invalid"
    return subscriber_for_token(data) or "link_invalid"


def _data_link_refused(request: HttpRequest, page: str) -> HttpResponse:
    return _page(request, page, status=410 if page == "data_link_expired" else 400)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def data_download_view(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link that downloads a subscriber's data (valid 1 hour; GDPR art. 15 and 20).

    GET shows a Download button (mail scanners follow GET links); its POST answers the JSON file
    (:func:`.selectors.subscriber_data_export`). Expired: 410 page (ask again from the preference
    page); forged, meant for another action, or the address erased: 400.
    """
    found = _data_subscriber(token, "download")
    if isinstance(found, str):
        return _data_link_refused(request, found)
    if request.method == "POST":
        return _export(found)
    return _page(request, "data_download", {"subscriber": found})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def data_erase_view(request: HttpRequest, token: str) -> HttpResponse:
    """The mailed link that erases a subscriber's data (valid 1 hour; GDPR art. 17).

    GET shows the confirmation page; its POST erases (:func:`.services.subscriber_erase` with
    ``by_subscriber=True``) and shows "erased". Expired: 410; forged, meant for another action, or
    the address already erased: 400.
    """
    found = _data_subscriber(token, "erase")
    if isinstance(found, str):
        return _data_link_refused(request, found)
    if request.method == "POST":
        services.subscriber_erase(actor=request.user, subscriber=found, by_subscriber=True)
        return _page(request, "erased")
    return _page(request, "erase_confirm", {"subscriber": found, "preferences_url": preferences_url(found)})


def _preferences_initial(subscriber: Subscriber) -> dict[str, Any]:
    return {"language": subscriber.language, "topics": list(subscriber.topics.values_list("slug", flat=True))}


def _status_label(subscriber: Subscriber) -> str:
    labels = {
        SubscriberStatus.PENDING: _("Waiting for your confirmation: follow the link in the mail we sent you."),
        SubscriberStatus.ACTIVE: _("You receive the newsletter."),
        SubscriberStatus.UNSUBSCRIBED: _("You are unsubscribed: you receive nothing more."),
        SubscriberStatus.SUSPENDED: _("Sending is suspended: mail to your address could not be delivered."),
    }
    return str(labels.get(SubscriberStatus(subscriber.status), ""))
