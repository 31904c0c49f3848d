"""Two-factor authentication of the workspace (core/two_factor.py): the redirect of unverified
sessions, set-up, verify, throttling, ``next``, the administrators' reset and the demo accounts.

The officer's workspace language is English (profile), so the assertions read the English source
texts and stay true once the French and Dutch catalogues exist.
"""

from __future__ import annotations

import datetime as dt
import re
from base64 import b32encode
from io import StringIO
from urllib.parse import quote

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.users.models import UserProfile

from brussels_international.core.groups import groups_setup
from brussels_international.core.management.commands.create_demo_accounts import DEMO_PASSWORD
from brussels_international.core.models import AuditEntry, CalendarFeedToken, Notification
from brussels_international.core.tests.auth import TEST_KEY, staff_login
from brussels_international.core.two_factor import DEMO_TOTP_SECRET, demo_code, totp_demo_device_install, with_next

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
HOME = "/admin/"
SETUP = "/admin/2fa/setup/"
VERIFY = "/admin/2fa/verify/"
PEOPLE = "/admin/snippets/directory/person/"


def code_for(device: TOTPDevice, *, steps: int = 0) -> str:
    """The code the device's app shows now (plus *steps* 30-second steps)."""
    return f"{totp(device.bin_key, step=30, t0=0, digits=6, drift=steps):06d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """A well-formed code that is none of the three the device accepts now (previous, current, next)."""
    accepted = {code_for(device, steps=s) for s in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222") if c not in accepted)


@pytest.fixture(autouse=True)
def frozen():
    """Every test runs at NOW, time standing still (codes and sessions depend on the clock)."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer() -> User:
    groups_setup()
    user = User.objects.create_user("officer", password="the-right-password-1")
    user.groups.add(Group.objects.get(name="Permits"))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def officer_device(officer) -> TOTPDevice:
    return TOTPDevice.objects.create(user=officer, name="Authenticator app", key=TEST_KEY, confirmed=True)


def password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def errors_of(html: str) -> tuple[list[str], list[str]]:
    """(the error summary's items, the code field's error) of a two-factor page."""
    summary = re.search(r'<div class="help-block help-critical error-summary".*?</div>', html, re.S)
    items = re.findall(r'<li><a href="#id_code">(.*?)</a></li>', summary.group(0)) if summary else []
    field = re.findall(r'<p class="error-message">\s*(.*?)\s*</p>', html, re.S)
    return [i.replace("&#x27;", "'") for i in items], [f.strip().replace("&#x27;", "'") for f in field]


# --- The redirect -----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, PEOPLE, "/admin/account/", "/admin/calendar/", "/admin/2fa/"])
def test_a_password_alone_leads_to_verify_with_next(officer, officer_device, url):
    response = password_only(officer).get(url + "?page=1")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next={quote(url + '?page=1', safe='')}"


@pytest.mark.parametrize("url", [HOME, PEOPLE, "/admin/account/"])
def test_without_a_device_the_redirect_goes_to_set_up(officer, url):
    response = password_only(officer).get(url)
    assert (response.status_code, response["Location"]) == (302, f"{SETUP}?next={quote(url, safe='')}")


def test_anonymous_users_keep_the_sign_in_redirect(officer):
    client = Client()
    for url in (HOME, SETUP, VERIFY):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/?next=")
    assert client.get("/admin/login/").status_code == 200


def test_sign_in_then_code_then_the_asked_page(client, officer, officer_device):
    signed_in = client.post(
        "/admin/login/", {"username": "officer", "password": "the-right-password-1", "next": PEOPLE}
    )
    assert (signed_in.status_code, signed_in["Location"]) == (302, PEOPLE)
    asked = client.get(PEOPLE)
    assert asked["Location"] == with_next("core_2fa_verify", PEOPLE)
    page = client.get(asked["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Two-factor authentication</h1>" in html
    assert 'autocomplete="one-time-code"' in html
    assert f'name="next" value="{PEOPLE}"' in html
    done = client.post(VERIFY, {"code": code_for(officer_device), "next": PEOPLE})
    assert (done.status_code, done["Location"]) == (302, PEOPLE)
    assert client.get(PEOPLE).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == officer_device.persistent_id


def test_signing_out_is_possible_before_the_code(officer, officer_device):
    client = password_only(officer)
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not response["Location"].startswith(VERIFY)
    assert "_auth_user_id" not in client.session


def test_the_public_site_is_not_guarded(officer, officer_device):
    response = password_only(officer).get("/healthz")
    assert response.status_code == 200


# --- Set-up -----------------------------------------------------------------------------------


def test_set_up_page_shows_the_qr_code_and_the_secret_of_one_pending_device(officer):
    client = password_only(officer)
    first = client.get(SETUP, {"next": PEOPLE})
    assert first.status_code == 200
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed is False
    html = first.content.decode()
    assert "<h1>Set up two-factor authentication</h1>" in html
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in html
    assert "<img" not in html.split('<main class="content-wrapper"')[1]  # inline markup only (CSP)
    secret = b32encode(device.bin_key).decode()
    assert len(secret) == 32
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in html
    assert device.config_url.startswith("otpauth://totp/Brussels%20International%3Aofficer?secret=")
    assert device.config_url.endswith("&issuer=Brussels%20International")
    # A reload shows the same secret (an app that already scanned it keeps working).
    client.get(SETUP)
    assert list(TOTPDevice.objects.filter(user=officer).values_list("pk", flat=True)) == [device.pk]


def test_another_session_gets_another_secret_and_the_first_one_stops_working(officer, mailoutbox):
    """Someone else who knows the password cannot copy the secret the owner will scan."""
    intruder = password_only(officer)
    intruder.get(SETUP)
    copied = TOTPDevice.objects.get(user=officer)
    owner = password_only(officer)
    owner.get(SETUP)
    scanned = TOTPDevice.objects.get(user=officer)
    assert scanned.pk != copied.pk and scanned.key != copied.key
    # The intruder's code no longer confirms anything: their session starts a new secret.
    response = intruder.post(SETUP, {"code": code_for(copied)})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).count() == 0


def test_a_correct_code_confirms_the_device_and_verifies_the_session(officer):
    client = password_only(officer)
    client.get(SETUP, {"next": PEOPLE})
    device = TOTPDevice.objects.get(user=officer)
    code = code_for(device)
    response = client.post(SETUP, {"code": f"{code[:3]} {code[3:]}", "next": PEOPLE})  # spaces are fine
    assert (response.status_code, response["Location"]) == (302, PEOPLE)
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(PEOPLE).status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.verb, entry.object_id, entry.target_id) == (
        officer, "created", str(device.pk), str(officer.pk)
    )  # fmt: skip
    assert entry.payload == {"two_factor": "set up", "replaced": []}
    told = Notification.objects.get(recipient=officer)  # in English: the officer's language
    assert (told.kind, told.title) == ("two_factor_set_up", "Two-factor authentication was set up for your account")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the 6 digits your authenticator app shows."),
        ("12ab56", "Enter the 6 digits your authenticator app shows, for example 123456."),
        ("12345", "Enter the 6 digits your authenticator app shows, for example 123456."),
        ("wrong", "Enter the 6 digits your authenticator app shows, for example 123456."),
        (None, "This code is not correct. Enter the code your app shows now (each code works once)."),
    ],
)
def test_a_wrong_or_malformed_code_is_explained_and_leaves_the_device_unconfirmed(officer, typed, message):
    client = password_only(officer)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(SETUP, {"code": wrong_code_for(device) if typed is None else typed, "next": PEOPLE})
    assert response.status_code == 200
    summary, field = errors_of(response.content.decode())
    assert summary == [message]
    assert field == [message]
    assert "There is a problem" in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert list(TOTPDevice.objects.filter(user=officer).values_list("pk", flat=True)) == [device.pk]  # same secret
    assert AuditEntry.objects.count() == 0
    assert client.get(PEOPLE)["Location"].startswith(SETUP)


def test_a_password_alone_cannot_replace_a_device(officer, officer_device):
    client = password_only(officer)
    response = client.get(SETUP, {"next": PEOPLE})
    assert (response.status_code, response["Location"]) == (302, with_next("core_2fa_verify", PEOPLE))
    response = client.post(SETUP, {"code": "123456"})
    assert response["Location"] == with_next("core_2fa_verify", HOME)
    assert list(TOTPDevice.objects.filter(user=officer)) == [officer_device]


def test_a_verified_user_replaces_their_device(client, officer):
    old = staff_login(client, officer)
    device_page = client.get("/admin/2fa/")
    assert device_page.status_code == 200
    assert with_next("core_2fa_setup", "/admin/2fa/").replace("&", "&amp;") in device_page.content.decode()
    page = client.get(SETUP, {"next": "/admin/2fa/"})
    assert "You are setting up a new device." in page.content.decode()
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    response = client.post(SETUP, {"code": code_for(new), "next": "/admin/2fa/"})
    assert response["Location"] == "/admin/2fa/"
    assert list(TOTPDevice.objects.filter(user=officer).values_list("pk", "confirmed")) == [(new.pk, True)]
    assert client.session[DEVICE_ID_SESSION_KEY] == new.persistent_id
    assert client.get(HOME).status_code == 200
    assert AuditEntry.objects.get().payload == {"two_factor": "set up", "replaced": [old.name]}


# --- Verify, throttling, next -----------------------------------------------------------------


def test_each_code_works_once(officer, officer_device):
    code = code_for(officer_device)
    first = password_only(officer)
    assert first.post(VERIFY, {"code": code})["Location"] == HOME
    second = password_only(officer)
    response = second.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert errors_of(response.content.decode())[0] == [
        "This code is not correct. Enter the code your app shows now (each code works once)."
    ]


def test_wrong_codes_make_the_next_try_wait_longer_and_longer(officer, officer_device, frozen):
    client = password_only(officer)
    wrong = wrong_code_for(officer_device)
    right = code_for(officer_device)  # the same 30-second step throughout (09:00:00 to 09:00:07)

    def attempt(code: str, at: dt.datetime):
        frozen.move_to(at)
        return client.post(VERIFY, {"code": code, "next": PEOPLE})

    def error(response) -> list[str]:
        assert response.status_code == 200
        return errors_of(response.content.decode())[0]

    not_correct = ["This code is not correct. Enter the code your app shows now (each code works once)."]
    assert error(attempt(wrong, NOW)) == not_correct
    assert error(attempt(right, NOW)) == ["Too many wrong codes, wait 1 second before trying again."]
    assert error(attempt(wrong, NOW + dt.timedelta(seconds=1))) == not_correct  # failure 2
    # Even the right code is refused while the device waits (2 s after the second failure).
    assert error(attempt(right, NOW + dt.timedelta(seconds=1))) == [
        "Too many wrong codes, wait 2 seconds before trying again."
    ]
    assert error(attempt(wrong, NOW + dt.timedelta(seconds=3))) == not_correct  # failure 3: wait 4 s
    assert error(attempt(right, NOW + dt.timedelta(seconds=4))) == [
        "Too many wrong codes, wait 3 seconds before trying again."
    ]
    officer_device.refresh_from_db()
    assert officer_device.throttling_failure_count == 3
    done = attempt(right, NOW + dt.timedelta(seconds=7))
    assert (done.status_code, done["Location"]) == (302, PEOPLE)
    officer_device.refresh_from_db()
    assert officer_device.throttling_failure_count == 0


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/admin/", "//evil.example/", "http://testserver.evil.example/", "javascript:alert(1)"],
)
def test_next_outside_the_site_is_refused(officer, officer_device, target):
    client = password_only(officer)
    page = client.get(VERIFY, {"next": target})
    assert f'name="next" value="{HOME}"' in page.content.decode()
    response = client.post(VERIFY, {"code": code_for(officer_device), "next": target})
    assert (response.status_code, response["Location"]) == (302, HOME)


def test_verify_sends_a_user_without_device_to_set_up(officer):
    response = password_only(officer).get(VERIFY, {"next": PEOPLE})
    assert response["Location"] == with_next("core_2fa_setup", PEOPLE)


# --- Reset by an administrator ----------------------------------------------------------------


def test_otp_reset_removes_the_devices_and_writes_an_audit_entry(officer, officer_device):
    verified = Client()
    staff_login(verified, officer)
    assert verified.get(HOME).status_code == 200
    TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=False)
    feed = CalendarFeedToken.objects.create(user=officer, token="lost-phone-calendar")
    AuditEntry.objects.all().delete()
    out = StringIO()
    call_command("otp_reset", "officer", stdout=out)
    assert out.getvalue() == (
        "Removed 2 two-factor device(s) of officer: Authenticator app, Authenticator app (pending). "
        "Their open sessions must give a code again; they set up a new authenticator app at their next "
        "workspace sign-in. Audit entry written.\n"
    )
    assert TOTPDevice.objects.filter(user=officer).count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_label, entry.verb, entry.object_id) == (None, "system", "updated", str(officer.pk))
    assert entry.payload == {
        "changes": {"two_factor_devices": [["Authenticator app", "Authenticator app (pending)"], []]},
        "two_factor": "reset",
        "calendar_addresses_revoked": 1,
    }
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    # The session verified with the removed device must set up a new one.
    assert verified.get(HOME)["Location"] == with_next("core_2fa_setup", HOME)


def test_otp_reset_of_a_user_without_device_or_unknown_changes_nothing(officer):
    out = StringIO()
    call_command("otp_reset", "officer", stdout=out)
    assert out.getvalue() == "officer has no two-factor device; nothing changed.\n"
    assert AuditEntry.objects.count() == 0
    with pytest.raises(CommandError, match=r"^No user named 'nobody'; nothing changed\.$"):
        call_command("otp_reset", "nobody", stdout=StringIO())


def test_an_administrator_resets_a_colleague_in_the_workspace(client, officer, officer_device):
    admin = User.objects.create_user("admin", password="x" * 12)
    admin.groups.add(Group.objects.get(name="Administrator"))
    staff_login(client, admin)
    url = reverse("core_2fa_reset", args=[officer.pk])
    assert url in client.get(reverse("wagtailusers_users:index")).content.decode()  # the "More" menu
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url)
    assert (response.status_code, response["Location"]) == (302, reverse("wagtailusers_users:index"))
    assert TOTPDevice.objects.filter(user=officer).count() == 0
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.verb, entry.object_id) == (admin, "updated", str(officer.pk))


def test_other_groups_may_not_reset(client, officer, officer_device):
    director = User.objects.create_user("director", password="x" * 12)
    director.groups.add(Group.objects.get(name="Director"))
    staff_login(client, director)
    url = reverse("core_2fa_reset", args=[officer.pk])
    assert client.get(url)["Location"] == HOME
    assert client.post(url)["Location"] == HOME
    assert list(TOTPDevice.objects.filter(user=officer)) == [officer_device]


# --- Demo accounts ----------------------------------------------------------------------------


def test_demo_commands_refuse_outside_demo_mode(settings, officer):
    settings.DEBUG = True
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("demo_otp_code", stdout=StringIO())
    with pytest.raises(CommandError, match="only in demo mode"):
        call_command("create_demo_accounts", stdout=StringIO())
    with pytest.raises(ImproperlyConfigured):
        totp_demo_device_install(user=officer)
    assert TOTPDevice.objects.count() == 0


def test_demo_accounts_sign_in_with_the_printed_code(settings):
    settings.DEBUG = True
    settings.DEMO_MODE = True
    groups_setup()
    out = StringIO()
    call_command("create_demo_accounts", stdout=out)
    assert "demo authenticator secret BRUS SELS INTE RNAT IONA LDEM OACC OUNT" in out.getvalue()
    call_command("create_demo_accounts", stdout=StringIO())  # again: still one device each
    devices = TOTPDevice.objects.filter(user__username__startswith="demo-")
    assert devices.count() == 8
    assert {(d.confirmed, b32encode(d.bin_key).decode()) for d in devices} == {(True, DEMO_TOTP_SECRET)}

    printed = StringIO()
    call_command("demo_otp_code", stdout=printed)
    code, seconds = demo_code()
    assert printed.getvalue() == (
        f"{code}  (two-factor code of every demo account, current for {seconds} more seconds)\n"
    )
    assert (code, seconds) == (code_for(devices.first()), 30)
    client = Client()
    client.post("/admin/login/", {"username": "demo-permits", "password": DEMO_PASSWORD})
    assert client.get(HOME)["Location"] == with_next("core_2fa_verify", HOME)
    assert client.post(VERIFY, {"code": code})["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_only_a_superuser_resets_a_superusers_second_factor(officer):
    from django.core.exceptions import PermissionDenied

    from brussels_international.core.two_factor import totp_devices_reset

    root = User.objects.create_superuser("root", password="x" * 12)
    TOTPDevice.objects.create(user=root, name="Phone", confirmed=True)
    administrator = User.objects.create_user("administrator", password="x" * 12)
    administrator.groups.add(Group.objects.get(name="Administrator"))
    with pytest.raises(PermissionDenied):
        totp_devices_reset(actor=administrator, user=root)
    client = Client()
    staff_login(client, administrator)
    refused = client.get(reverse("core_2fa_reset", args=[root.pk]))
    assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))
    assert TOTPDevice.objects.filter(user=root).count() == 1
    assert totp_devices_reset(actor=None, user=root) == ["Phone"]  # the command line may
