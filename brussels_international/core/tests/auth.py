"""Test helper: sign a user in to the workspace as after both steps (password and code).

Use the ``staff_login`` fixture of the root ``conftest.py``, or import :func:`staff_login` in
module-level helpers.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_KEY = "3132333435363738393031323334353637383930"
"""RFC 6238's test secret ("12345678901234567890" in hex), so tests can compute codes."""


def staff_login(client: Client, user: User) -> TOTPDevice:
    """``client.force_login(user)`` and mark the session verified with the user's confirmed TOTP
    device (created with :data:`TEST_KEY` when they have none). Returns the device."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", key=TEST_KEY, confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
