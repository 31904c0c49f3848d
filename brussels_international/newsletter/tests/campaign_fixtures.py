"""Fixtures and helpers of the campaign and sending tests (imported by ``test_campaign*.py`` and
``test_sending*.py``; kept apart from the subscription tests' fixtures)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from wagtail.models import Locale

from brussels_international.core.groups import groups_setup
from brussels_international.newsletter.campaign_services import campaign_create
from brussels_international.newsletter.models import Campaign, Subscriber, SubscriberStatus, Topic


@pytest.fixture
def comms(db: Any) -> User:
    """A member of the Communication group (all newsletter permissions, ``send_campaign`` included)."""
    groups_setup()
    user = User.objects.create_user("emil", "emil@example.invalid", "x" * 12, first_name="Emil")
    user.groups.add(Group.objects.get(name="Communication"))
    return User.objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def topics(db: Any) -> dict[str, Topic]:
    """Two topics: ``events`` and ``europe``."""
    return {
        slug: Topic.objects.create(slug=slug, name_fr=slug, name_nl=slug, name_en=slug) for slug in ("events", "europe")
    }


def make_subscriber(
    email: str, *, language: str = "fr", topics: Iterable[Topic] = (), status: str = SubscriberStatus.ACTIVE
) -> Subscriber:
    """A subscriber made directly (the subscription services are another module's)."""
    subscriber = Subscriber.objects.create(email=email, language=language, status=status)
    subscriber.topics.set(list(topics))
    return subscriber


def make_campaign(actor: User, **overrides: Any) -> Campaign:
    """A draft with a subject and a text in the three languages (overrides: content fields, posts, topics)."""
    posts = overrides.pop("posts", ())
    topics = overrides.pop("topics", ())
    content = {
        "title": "June letter",
        "subject_fr": "Lettre de juin",
        "subject_nl": "Brief van juni",
        "subject_en": "June letter",
        "text_fr": "Bonjour à tous.",
        "text_nl": "Dag allemaal.",
        "text_en": "Hello all.",
    }
    content.update(overrides)
    return campaign_create(actor=actor, content=content, posts=posts, topics=topics)


@pytest.fixture
def blog(db: Any, seed_organisation: Any) -> Any:
    """The page tree (``setup_site``); returns the French blog index page."""
    from brussels_international.website.models import BlogIndexPage

    call_command("setup_site", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return BlogIndexPage.objects.get(locale__language_code="fr")


def make_post(
    index: Any, title: str, *, intro: str = "", date: str = "2026-05-01", translations: dict[str, str] | None = None
) -> Any:
    """A published blog post under *index*, with published translations ``{language: title}``."""
    from brussels_international.website.models import BlogPostPage

    post = BlogPostPage(title=title, intro=intro, date=date)
    index.add_child(instance=post)
    post.save_revision().publish()
    for code, translated_title in (translations or {}).items():
        copy = post.copy_for_translation(Locale.objects.get(language_code=code))
        copy.title = translated_title
        copy.intro = f"{intro} ({code})"
        copy.save_revision().publish()
    return BlogPostPage.objects.get(pk=post.pk)
