"""Unsubscribe (page and RFC 8058 one-click POST without cookies) and the preference page
(language and topics, expired link with a fresh-link form, never cached)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from brussels_international.newsletter import tokens
from brussels_international.newsletter.forms import ONE_CLICK_WORDING, PREFERENCES_WORDING, UNSUBSCRIBE_WORDING
from brussels_international.newsletter.models import Consent, ConsentAction, Delivery, SubscriberStatus
from brussels_international.newsletter.subscriber_mail import preferences_url, unsubscribe_url

from .subscriber_helpers import link_in, make_campaign, make_delivery, make_subscriber, topics  # noqa: F401

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _path(url: str) -> str:
    return urlsplit(url).path


# --- Unsubscribe -----------------------------------------------------------------------------------


def test_unsubscribe_links_are_absolute_and_in_the_subscriber_language(db, settings):
    settings.SITE_BASE_URL = "https://www.brussels-international.be"
    subscriber = make_subscriber(language="nl")
    url = unsubscribe_url(subscriber, campaign_id=4)
    assert url.startswith("https://www.brussels-international.be/nl/newsletter/unsubscribe/")
    data = tokens.read_unsubscribe_token(url.rstrip("/").rsplit("/", 1)[1])
    assert (data.subscriber_id, data.campaign_id) == (subscriber.pk, 4)


def test_one_click_post_without_cookies_unsubscribes_and_credits_the_campaign(db):
    subscriber = make_subscriber()
    campaign = make_campaign()
    delivery = make_delivery(campaign, subscriber, "<c1.s1@example.org>")
    other = make_delivery(make_campaign("April issue"), subscriber, "<c2.s1@example.org>")
    path = _path(unsubscribe_url(subscriber, campaign_id=campaign.pk))
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="192.0.2.44")
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not client.cookies
    assert "no-store" in response["Cache-Control"]
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    consent = Consent.objects.get()
    assert (consent.action, consent.ip_address, consent.wording, consent.language) == (
        ConsentAction.UNSUBSCRIBED,
        "192.0.2.44",
        ONE_CLICK_WORDING,
        "fr",
    )
    delivery.refresh_from_db()
    other.refresh_from_db()
    assert delivery.unsubscribed_at == subscriber.unsubscribed_at
    assert other.unsubscribed_at is None
    # Idempotent: a second click changes nothing and still answers 200.
    again = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200
    assert Consent.objects.count() == 1


def test_one_click_post_as_multipart_form_data(db):
    subscriber = make_subscriber()
    response = Client().post(_path(unsubscribe_url(subscriber)), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_unsubscribe_get_shows_a_button_and_changes_nothing(db):
    subscriber = make_subscriber()
    response = Client().get("/en" + _path(unsubscribe_url(subscriber))[3:])
    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("en"):
        assert f'<button type="submit">{UNSUBSCRIBE_WORDING}</button>' in html
    assert "no-store" in response["Cache-Control"]
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE
    done = Client().post("/en" + _path(unsubscribe_url(subscriber))[3:])
    assert "You are unsubscribed" in done.content.decode()
    with translation.override("en"):
        assert Consent.objects.get().wording == str(UNSUBSCRIBE_WORDING)


def test_forged_unsubscribe_token_gives_400(db):
    subscriber = make_subscriber()
    token = tokens.unsubscribe_token(subscriber.pk, subscriber.email)
    response = Client().post(f"/fr/newsletter/unsubscribe/{token[:-1]}x/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.ACTIVE


def test_unsubscribe_link_of_an_erased_address_answers_unsubscribed(db):
    subscriber = make_subscriber()
    token = tokens.unsubscribe_token(subscriber.pk, subscriber.email)
    subscriber.delete()
    response = Client().post(f"/fr/newsletter/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Consent.objects.count() == 0


def test_unsubscribe_link_does_not_expire(db):
    with time_machine.travel(START, tick=False):
        subscriber = make_subscriber()
        path = _path(unsubscribe_url(subscriber))
    with time_machine.travel(START + dt.timedelta(days=3 * 365), tick=False):
        assert Client().post(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


# --- Preferences ---------------------------------------------------------------------------------


def test_preferences_page_changes_language_and_topics(topics):  # noqa: F811
    subscriber = make_subscriber(language="fr")
    subscriber.topics.set([topics["europe"]])
    path = "/en" + _path(preferences_url(subscriber))[3:]
    client = Client(REMOTE_ADDR="192.0.2.9")
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "Address: ada@example.org" in html
    assert 'value="europe"' in html and "checked" in html
    response = client.post(path, {"action": "save", "language": "nl", "topics": ["events"]})
    assert response.status_code == 200
    assert "Your preferences are saved." in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.language == "nl"
    assert list(subscriber.topics.values_list("slug", flat=True)) == ["events"]
    consent = Consent.objects.get()
    with translation.override("en"):
        assert (consent.action, consent.ip_address, consent.language, consent.wording) == (
            ConsentAction.PREFERENCES,
            "192.0.2.9",
            "en",
            str(PREFERENCES_WORDING),
        )
    # The same values again: nothing written.
    client.post(path, {"action": "save", "language": "nl", "topics": ["events"]})
    assert Consent.objects.count() == 1


def test_preferences_bad_input_shows_the_error(topics):  # noqa: F811
    subscriber = make_subscriber()
    path = "/en" + _path(preferences_url(subscriber))[3:]
    response = Client().post(path, {"action": "save", "language": "de", "topics": ["nope"]})
    html = response.content.decode()
    assert '<a href="#id_language">Choose French, Dutch or English.</a>' in html
    assert "“nope” is not one of the topics offered." in html
    subscriber.refresh_from_db()
    assert subscriber.language == "fr"


def test_preferences_unsubscribe_button(topics):  # noqa: F811
    subscriber = make_subscriber()
    path = _path(preferences_url(subscriber))
    response = Client().post(path, {"action": "unsubscribe"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_expired_preferences_link_offers_a_fresh_link(topics, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    with time_machine.travel(START, tick=False):
        subscriber = make_subscriber(language="nl")
        path = "/en" + _path(preferences_url(subscriber))[3:]
    with time_machine.travel(START + dt.timedelta(days=366), tick=False):
        page = Client().get(path)
        assert page.status_code == 410
        assert "This link has expired" in page.content.decode()
        assert 'name="email"' in page.content.decode()
        bad = Client().post(path, {"email": "nonsense"})
        assert "Enter a valid e-mail address" in bad.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            unknown = Client().post(path, {"email": "nobody@example.org"})
        with django_capture_on_commit_callbacks(execute=True):
            known = Client().post(path, {"email": "ADA@example.org"})
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(path, {"email": "ada@example.org"})  # within 10 minutes: no second mail
    assert unknown.content == known.content
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]
    fresh = link_in(mailoutbox[0].body, "preferences")
    assert fresh.startswith("/nl/newsletter/preferences/")
    with time_machine.travel(START + dt.timedelta(days=366, minutes=1), tick=False):
        assert Client().get(fresh).status_code == 200


def test_forged_preferences_link_gives_400(topics):  # noqa: F811
    subscriber = make_subscriber()
    forged = tokens.confirm_token(subscriber.pk, subscriber.email)  # right signature, wrong use
    response = Client().get(f"/fr/newsletter/preferences/{forged}/")
    assert response.status_code == 400


def test_delivery_figures_untouched_by_a_token_without_campaign(db):
    subscriber = make_subscriber()
    delivery = make_delivery(make_campaign(), subscriber, "<d@example.org>")
    Client().post(_path(unsubscribe_url(subscriber)), {"List-Unsubscribe": "One-Click"})
    assert Delivery.objects.get(pk=delivery.pk).unsubscribed_at is None
