"""Subscription with double opt-in: the footer form on cached public pages, the full page, bad
input (invalid address, unknown topic, the same address twice, header injection, honeypot), the
confirmation mail and the confirm page (GET shows a button, POST confirms), expired and forged links."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from brussels_international.core.models import AuditEntry
from brussels_international.newsletter import services, tokens
from brussels_international.newsletter.forms import CONFIRM_WORDING, CONSENT_WORDING
from brussels_international.newsletter.models import Consent, ConsentAction, Subscriber, SubscriberStatus

from .subscriber_helpers import link_in, make_subscriber, topics  # noqa: F401

pytestmark = pytest.mark.django_db


def tr(language: str, msgid: str) -> str:
    """*msgid* in *language*, HTML-escaped as a template shows it (the catalogues are compiled)."""
    with translation.override(language):
        return escape(translation.gettext(msgid))


START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def post_subscribe(client: Client, lang: str = "en", **data: object):  # type: ignore[no-untyped-def]
    payload = {"email": "Ada.Lovelace@Example.ORG", "name": "Ada", "language": "fr", "topics": ["europe"]}
    payload.update(data)
    return client.post(f"/{lang}/newsletter/subscribe/", {k: v for k, v in payload.items() if v is not None})


@pytest.fixture
def public_site(seed_organisation):  # type: ignore[no-untyped-def]
    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return seed_organisation


# --- The footer form on every public page ---------------------------------------------------------


def test_footer_form_on_the_home_page_without_csrf_token_and_with_the_page_language(public_site, topics, settings):  # noqa: F811
    settings.PUBLIC_CACHE_SECONDS = 300
    client = Client()
    response = client.get("/nl/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'action="/nl/newsletter/subscribe/"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies
    assert '<option value="nl" selected>Nederlands</option>' in html
    assert 'id="newsletter-footer-email"' in html
    # Active topics only, labelled in the page language, posted by slug.
    assert 'value="europe"' in html and ">Europa</label>" in html and ">Evenementen</label>" in html
    assert 'value="archive"' not in html
    assert 'name="website"' in html  # the honeypot
    # The page stays cacheable for anonymous visitors.
    assert response["X-Cache"] == "miss"
    assert client.get("/nl/")["X-Cache"] == "hit"


def test_full_page_shows_the_consent_wording_in_the_page_language(topics):  # noqa: F811
    response = Client().get("/en/newsletter/subscribe/")
    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("en"):
        assert str(CONSENT_WORDING) in html
    assert '<option value="en" selected>English</option>' in html
    assert 'id="newsletter-footer-email"' not in html  # the footer form is not repeated on this page
    assert "csrfmiddlewaretoken" not in html


# --- Sign-up -------------------------------------------------------------------------------------


def test_subscribe_records_consent_and_mails_the_confirmation_in_the_chosen_language(
    topics,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7")  # no cookie, no token: still accepted
    with django_capture_on_commit_callbacks(execute=True):
        response = post_subscribe(client, topics=["europe", "events"])
    assert response.status_code == 200
    assert "Check your mailbox" in response.content.decode()
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.name, subscriber.language, subscriber.status) == (
        "Ada.Lovelace@example.org",
        "Ada",
        "fr",
        SubscriberStatus.PENDING,
    )
    assert sorted(subscriber.topics.values_list("slug", flat=True)) == ["europe", "events"]
    consent = Consent.objects.get()
    with translation.override("en"):
        wording = str(CONSENT_WORDING)
    assert (consent.action, consent.ip_address, consent.language, consent.wording) == (
        ConsentAction.SUBSCRIBED,
        "203.0.113.7",
        "en",
        wording,
    )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["Ada.Lovelace@example.org"]
    with translation.override("fr"):
        assert mail.subject == translation.gettext("Confirm your subscription to the Brussels International newsletter")
    path = link_in(mail.body, "confirm")
    assert path.startswith("/fr/newsletter/confirm/")
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"


def test_invalid_address_re_renders_the_page_with_an_error_summary(topics, mailoutbox):  # noqa: F811
    response = post_subscribe(Client(), email="not-an-address")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h2 id="error-summary-title">There is a problem</h2>' in html
    assert '<a href="#id_email">Enter a valid e-mail address, like name@example.be.</a>' in html
    assert 'aria-describedby="id_email_error"' in html and 'aria-invalid="true"' in html
    assert "<title>Error: Subscribe to the newsletter | Brussels International</title>" in html
    assert "no-store" in response["Cache-Control"]
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_unknown_topic_is_an_error_on_the_topics_field(topics, mailoutbox):  # noqa: F811
    response = post_subscribe(Client(), topics=["europe", "nonsense"])
    html = response.content.decode()
    assert "“nonsense” is not one of the topics offered. Choose topics from the list." in html
    assert 'href="#id_topics_0"' in html
    assert Subscriber.objects.count() == 0


def test_inactive_topic_cannot_be_chosen(topics):  # noqa: F811
    response = post_subscribe(Client(), topics=["archive"])
    assert "“archive” is not one of the topics offered." in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_same_address_twice_is_one_subscriber_and_the_mail_is_rate_limited(
    topics,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = Client()
    with time_machine.travel(START, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = post_subscribe(client)
        with django_capture_on_commit_callbacks(execute=True):
            second = post_subscribe(client, email="ada.lovelace@EXAMPLE.org", language="en")
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().language == "en"  # the latest request's choice
    assert len(mailoutbox) == 1  # within 10 minutes: not sent again
    assert Consent.objects.filter(action=ConsentAction.SUBSCRIBED).count() == 2
    with (
        time_machine.travel(START + dt.timedelta(minutes=11), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post_subscribe(client)
    assert len(mailoutbox) == 2
    assert link_in(mailoutbox[1].body, "confirm").startswith("/fr/")


def test_an_active_address_gets_the_same_page_and_no_confirmation(
    topics,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    make_subscriber(email="ada@example.org", status=SubscriberStatus.ACTIVE, language="nl")
    new_page = post_subscribe(Client(), email="someone-new@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        known_page = post_subscribe(Client(), email="ADA@example.org")
    assert known_page.content == new_page.content
    ada = Subscriber.objects.get(email="ada@example.org")
    assert ada.status == SubscriberStatus.ACTIVE
    assert ada.consents.count() == 0
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ada@example.org"]
    with translation.override("nl"):
        assert mailoutbox[0].subject == translation.gettext("You already receive the Brussels International newsletter")
    assert "/nl/newsletter/preferences/" in mailoutbox[0].body
    assert "/newsletter/confirm/" not in mailoutbox[0].body


def test_mails_greet_by_name_only_once_the_address_is_confirmed(
    topics,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # Anyone may type any address and name: the confirmation mail must not carry that name.
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(Client(), email="victim@example.org", name="Win a prize at evil.example", language="en")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].body.startswith("Hello,\n")
    assert "evil.example" not in mailoutbox[0].body
    # Nor the fresh preference link mailed to that pending address.
    with django_capture_on_commit_callbacks(execute=True):
        services.subscriber_preferences_link_send(actor=None, email="victim@example.org")
    assert mailoutbox[1].body.startswith("Hello,\n")
    assert "evil.example" not in mailoutbox[1].body
    # A confirmed address is greeted by its name.
    make_subscriber(email="zoe@example.org", name="Zoë", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.subscriber_preferences_link_send(actor=None, email="zoe@example.org")
    assert mailoutbox[2].body.startswith("Hello Zoë,\n")


def test_one_ip_address_gets_ten_subscription_requests_an_hour(
    topics,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client = Client(REMOTE_ADDR="198.51.100.9")
    with time_machine.travel(START, tick=False):
        pages = []
        for number in range(11):
            with django_capture_on_commit_callbacks(execute=True):
                pages.append(post_subscribe(client, email=f"person{number}@example.org"))
        assert len(mailoutbox) == 10
        assert Subscriber.objects.count() == 10
        assert not Subscriber.objects.filter(email="person10@example.org").exists()
        # The 11th answer is the same "check your mailbox" page.
        assert (pages[10].status_code, pages[10].content) == (200, pages[9].content)
        assert "no-store" in pages[10]["Cache-Control"]
        # Another address is not held back.
        with django_capture_on_commit_callbacks(execute=True):
            post_subscribe(Client(REMOTE_ADDR="198.51.100.10"), email="other@example.org")
        assert len(mailoutbox) == 11
    with (
        time_machine.travel(START + dt.timedelta(hours=1, seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        post_subscribe(client, email="person10@example.org")
    assert len(mailoutbox) == 12
    assert Subscriber.objects.filter(email="person10@example.org").exists()


def test_honeypot_filled_pretends_success_and_does_nothing(topics, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        response = post_subscribe(Client(), website="http://spam.example")
    assert response.status_code == 200
    assert "Check your mailbox" in response.content.decode()
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    "name", ["x\r\nBcc: evil@example.com", "x\nBcc: evil@example.com", "tab\there", "x\u2028Bcc: evil@example.com"]
)
def test_header_injection_in_the_name_is_refused_and_no_mail_goes_out(
    name,
    topics,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_subscribe(Client(), name=name)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_name">The name must not contain line breaks, tabs or other control characters.</a>' in html
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_header_injection_in_the_address_is_refused(topics, mailoutbox):  # noqa: F811
    response = post_subscribe(Client(), email="ada@example.org\r\nBcc: evil@example.com")
    assert "Enter a valid e-mail address" in response.content.decode()
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_a_name_with_accents_and_apostrophe_is_accepted(topics):  # noqa: F811
    post_subscribe(Client(), name="Zoë D'Hondt-Müller")
    assert Subscriber.objects.get().name == "Zoë D'Hondt-Müller"


def test_audit_trail_names_the_subscriber_by_id_only(topics, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        post_subscribe(Client())
    subscriber = Subscriber.objects.get()
    entry = AuditEntry.objects.get(object_id=str(subscriber.pk), object_type__model="subscriber")
    assert entry.object_repr == f"subscriber #{subscriber.pk}"
    assert entry.verb == "created"
    assert entry.payload == {
        "status": ["", "pending"],
        "language": "fr",
        "topics": ["europe"],
        "confirmation_mailed": True,
    }


# --- Confirmation ---------------------------------------------------------------------------------


def _subscribe_and_get_link(mailoutbox, capture) -> str:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        post_subscribe(Client())
    return link_in(mailoutbox[-1].body, "confirm")


def test_confirm_get_shows_a_button_and_post_confirms(topics, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    path = _subscribe_and_get_link(mailoutbox, django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.4")
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<form method="post">' in html and "csrfmiddlewaretoken" in html
    assert "no-store" in page["Cache-Control"]
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING  # a GET (mail scanner) changes nothing
    token = page.cookies["csrftoken"].value
    done = client.post(path, {"csrfmiddlewaretoken": token})
    assert done.status_code == 200
    assert tr("fr", "Subscription confirmed") in done.content.decode()
    assert "/fr/newsletter/preferences/" in done.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == SubscriberStatus.ACTIVE
    assert subscriber.confirmed_at is not None
    confirmed = Consent.objects.get(action=ConsentAction.CONFIRMED)
    with translation.override("fr"):
        assert (confirmed.ip_address, confirmed.language, confirmed.wording) == (
            "198.51.100.4",
            "fr",
            str(CONFIRM_WORDING),
        )
    again = client.get(path)
    assert again.status_code == 200
    assert tr("fr", "Already confirmed") in again.content.decode()
    client.post(path, {"csrfmiddlewaretoken": token})
    assert Consent.objects.filter(action=ConsentAction.CONFIRMED).count() == 1


def test_expired_confirmation_link_offers_to_subscribe_again(topics, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    with time_machine.travel(START, tick=False):
        path = _subscribe_and_get_link(mailoutbox, django_capture_on_commit_callbacks)
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):
        page = Client().get(path)
        post = Client().post(path)
    assert page.status_code == 410
    html = page.content.decode()
    assert tr("fr", "This link has expired") in html
    assert 'href="/fr/newsletter/subscribe/"' in html
    assert post.status_code == 410
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_confirmation_link_still_works_on_day_7(topics, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    with time_machine.travel(START, tick=False):
        path = _subscribe_and_get_link(mailoutbox, django_capture_on_commit_callbacks)
    with time_machine.travel(START + dt.timedelta(days=6, hours=23), tick=False):
        Client().post(path)
    assert Subscriber.objects.get().status == SubscriberStatus.ACTIVE


@pytest.mark.parametrize("kind", ["altered", "garbage", "other salt"])
def test_forged_confirmation_link_gives_a_400_page(kind, topics, mailoutbox, django_capture_on_commit_callbacks):  # noqa: F811
    path = _subscribe_and_get_link(mailoutbox, django_capture_on_commit_callbacks)
    subscriber = Subscriber.objects.get()
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = {
        "altered": token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        "garbage": "not-a-token",
        "other salt": tokens.unsubscribe_token(subscriber.pk, subscriber.email),
    }[kind]
    response = Client().post(f"/fr/newsletter/confirm/{forged}/")
    assert response.status_code == 400
    assert tr("fr", "This link does not work") in response.content.decode()
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING


def test_confirmation_of_an_unsubscribed_address_is_refused(topics):  # noqa: F811
    subscriber = make_subscriber(status=SubscriberStatus.UNSUBSCRIBED)
    response = Client().post(f"/en/newsletter/confirm/{tokens.confirm_token(subscriber.pk, subscriber.email)}/")
    assert response.status_code == 410
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED


def test_a_resubscription_after_unsubscribing_goes_through_the_double_opt_in_again(
    topics,  # noqa: F811
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    make_subscriber(email="ada.lovelace@example.org", status=SubscriberStatus.UNSUBSCRIBED)
    path = _subscribe_and_get_link(mailoutbox, django_capture_on_commit_callbacks)
    assert Subscriber.objects.get().status == SubscriberStatus.PENDING
    Client().post(path)
    assert Subscriber.objects.get().status == SubscriberStatus.ACTIVE


def test_load_newsletter_topics_is_idempotent(db):
    call_command("load_newsletter_topics", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from brussels_international.newsletter.models import Topic

    Topic.objects.filter(slug="events").update(name_en="Events and conferences")
    from io import StringIO

    out = StringIO()
    call_command("load_newsletter_topics", stdout=out)
    assert out.getvalue() == "Newsletter topics: 0 created (none), 4 kept.\n"
    assert list(Topic.objects.values_list("slug", "name_en")) == [
        ("brussels-globe", "The Brussels Globe (blog)"),
        ("events", "Events and conferences"),
        ("europe", "Europe"),
        ("permits-export-control", "Permits and export control"),
    ]


def test_a_topic_change_makes_cached_public_pages_stale(db, django_capture_on_commit_callbacks):
    from brussels_international.core.cache import public_cache_generation
    from brussels_international.newsletter.models import Topic

    before = public_cache_generation()
    with django_capture_on_commit_callbacks(execute=True):
        topic = Topic.objects.create(slug="expo", name_fr="Expo", name_nl="Expo", name_en="Expo")
        assert public_cache_generation() == before  # not before the commit
    assert public_cache_generation() == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        topic.delete()
    assert public_cache_generation() == before + 2


def test_the_applicant_portal_has_no_newsletter_footer(client, db):
    from brussels_international.newsletter.models import Topic

    Topic.objects.create(slug="expo", name_fr="Expo", name_nl="Expo", name_en="Expo")
    html = client.get("/en/portal/sign-in/").content.decode()
    assert "newsletter-footer" not in html
    assert "newsletter-footer" in client.get("/en/newsletter/unsubscribe/forged/").content.decode()


def test_the_throttle_window_is_fixed_from_the_first_request(db):
    """Ten requests in the hour from the first one, whatever the spacing; the eleventh is refused
    until the hour is over (a cache whose ``incr`` resets the expiry must not stretch it)."""
    from brussels_international.newsletter.services import subscribe_throttled

    start = 1_800_000_000.0
    seen = [subscribe_throttled(ip_address="2001:db8::1", now=start + 300 * n) for n in range(11)]
    assert seen == [False] * 10 + [True]  # the 11th comes 50 minutes after the first
    assert subscribe_throttled(ip_address="2001:db8::2", now=start + 3001) is True  # the same /64
    assert subscribe_throttled(ip_address="2001:db8::1", now=start + 3600) is False  # a new window
