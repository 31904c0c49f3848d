"""Login throttling and lockout (django-axes): repeated failures lock the username from that address."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User

from brussels_international.core.groups import groups_setup

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def officer() -> User:
    groups_setup()
    user = User.objects.create_user("officer", password="the-right-password-1")
    user.groups.add(Group.objects.get(name="Permits"))
    return user


def attempt(client, password: str, ip: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": "officer", "password": password}, REMOTE_ADDR=ip)


def test_five_failures_lock_the_account_from_that_address(client, officer, settings):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(4):
            assert attempt(client, "wrong").status_code == 200  # the form again, with its error
        locked = attempt(client, "wrong")
        assert locked.status_code == 429
        html = locked.content.decode()
        assert "Trop de tentatives de connexion échouées" in html  # French by default
        assert "bloquée pendant 15 minutes" in html
        # Even the right password is refused while locked, from that address...
        assert attempt(client, "the-right-password-1").status_code == 429
        # ...but not from another address (no lockout of a colleague by a stranger).
        assert attempt(client, "the-right-password-1", ip="198.51.100.7").status_code == 302
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 16, tzinfo=dt.UTC), tick=False):
        response = attempt(client, "the-right-password-1")
        assert response.status_code == 302  # the lockout has expired after 15 minutes
        assert response["Location"] == "/admin/"


def test_a_success_resets_the_count(client, officer):
    with time_machine.travel(dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(4):
            attempt(client, "wrong")
        assert attempt(client, "the-right-password-1").status_code == 302
        client.logout()
        for _ in range(4):
            assert attempt(client, "wrong").status_code == 200
