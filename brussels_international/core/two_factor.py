"""Two-factor authentication (TOTP) for every workspace user: services, views and the middleware.

Every signed-in user who asks a workspace address (``/admin/...``) must also have proved a
time-based one-time code (RFC 6238, 6 digits, 30-second steps) from an authenticator app in
this session. :class:`RequireTwoFactorMiddleware` sends them to *Set up* (no confirmed device
yet: QR code and secret, then a code) or *Verify* (enter the current code), then back to the
address they asked (``?next=``). Devices, tokens and the per-device throttling (a wait that
doubles after each wrong code: 1 s, 2 s, 4 s, ...) are django-otp's (``otp_totp.TOTPDevice``);
the verified device is kept in the session (``django_otp.DEVICE_ID_SESSION_KEY``), so a new
sign-in or an expired session asks for a code again.

An administrator who lost no factor of their own resets a colleague's devices with
``manage.py otp_reset USERNAME`` or the *Reset two-factor* action of the users' list; the
colleague sets up a new device at their next workspace request.
"""

from __future__ import annotations

import math
import re
from base64 import b32decode, b32encode
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .models import AuditVerb, CalendarFeedToken
from .services import audit_record

CODE_DIGITS = 6
"""Digits of a code (django-otp's ``TOTPDevice.digits`` default; RFC 6238 authenticator apps show 6)."""

DEMO_TOTP_SECRET = "BRUSSELSINTERNATIONALDEMOACCOUNT"  # noqa: S105  (demo mode only, see below)
"""The base32 secret of every demo account's device ("BRUSSELS INTERNATIONAL DEMO ACCOUNT",
20 bytes). Used only by ``create_demo_accounts`` and ``demo_otp_code``, which refuse to run
outside demo mode (``DEBUG=1 DEMO_MODE=1``): no production account ever has it."""

DEVICE_NAME = "Authenticator app"
"""The stored name of a device set up in the workspace (data, shown in the audit trail)."""

CODE_RE = re.compile(rf"^[0-9]{{{CODE_DIGITS}}}$")


class TwoFactorError(Exception):
    """A code was refused; ``message`` says why, translated, for the person who typed it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Selectors -------------------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    """The user's confirmed TOTP device, or ``None`` (setting up a new one replaces the old)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def is_verified(user: Any) -> bool:
    """Whether *user* proved a code in this session (set by ``django_otp.middleware.OTPMiddleware``)."""
    check: Callable[[], bool] | None = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())


def secret_groups(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four for typing: ``"ABCD EFGH ..."``."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """Inline SVG markup of the QR code of the device's ``otpauth://`` address.

    The address (``device.config_url``) carries the secret, the issuer ``OTP_TOTP_ISSUER``
    ("Brussels International") and the user name. Inline markup, not an image address: the
    workspace's Content-Security-Policy allows no external image and no secret belongs in a URL.
    """
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8, border=2)
    markup = image.to_string(encoding="unicode")
    markup = re.sub(r"^<\?xml[^>]*\?>\s*", "", markup)
    label = escape(_("QR code to scan with your authenticator app"))
    return mark_safe(markup.replace("<svg ", f'<svg role="img" aria-label="{label}" class="two-factor-qr" ', 1))


# --- Services --------------------------------------------------------------------------------


def totp_device_start(*, user: User, pending_id: int | None = None) -> TOTPDevice:
    """Return the device this session is setting up, creating it (random 20-byte key) if needed.

    Args:
        user: the person setting up their device.
        pending_id: the id of the pending device this session started (kept in the session by
            the set-up page), or ``None``.

    The secret belongs to one session: reloading the page shows the same secret (a QR code
    already scanned keeps working), but another session (someone else who knows the password)
    gets a new secret and the earlier pending devices are deleted, so a secret copied elsewhere
    never becomes the user's device. A pending device proves nothing and grants nothing, so it
    is not audited; it becomes the user's device only through :func:`totp_device_confirm`,
    which also tells the user by mail.
    """
    with transaction.atomic():
        device = None
        if pending_id is not None:
            device = TOTPDevice.objects.filter(pk=pending_id, user=user, confirmed=False).first()
        if device is None:
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def _check_code(*, user: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Verify *code* against *device* with django-otp's throttling; return the device.

    Raises:
        TwoFactorError: the code is not six digits, the device is throttled (too many wrong
            codes: "wait N seconds"), or the code is wrong or already used.
    """
    code = normalise_code(code)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError(throttle_message(info or {}))
    # django-otp locks the device row, checks the code (current step +/- 1, never an already
    # used step), and records the failure (the next try must wait) in its own transaction.
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        raise TwoFactorError(_("This code is not correct. Enter the code your app shows now (each code works once)."))
    assert isinstance(verified, TOTPDevice)
    return verified


def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm the device being set up with a code from the app; it replaces the user's other devices.

    Args:
        user: the person setting up their own device.
        device: their pending device (from :func:`totp_device_start`).
        code: what they typed (six digits; spaces allowed).

    Returns:
        The confirmed device. The caller marks the session verified (``django_otp.login``).

    Raises:
        TwoFactorError: wrong, malformed or throttled code (the device stays unconfirmed), or
            the pending device was removed meanwhile (reset).
        ValueError: *device* is not *user*'s pending device.
    """
    if device.user_id != user.pk or device.confirmed:
        raise ValueError("totp_device_confirm() needs the user's own device that is being set up.")
    _check_code(user=user, device=device, code=code)
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user, confirmed=False).first()
        if locked is None:  # reset by an administrator meanwhile
            raise TwoFactorError(_("This set-up was cancelled meanwhile. Scan the new QR code and try again."))
        device = locked
        others = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk)
        replaced = sorted(str(d.name) for d in others if d.confirmed)
        others.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            actor=user,
            verb=AuditVerb.CREATED,
            obj=device,
            target=user,
            payload={"two_factor": "set up", "replaced": replaced},
        )
        # Tell the person (mail after the commit): a device they did not set up is noticed.
        from .notifications import notify

        notify(recipient=user, kind="two_factor_set_up", context={}, url=reverse("core_2fa_device"), obj=user)
    return device


def totp_verify(*, user: User, code: str) -> TOTPDevice:
    """Check a code against the user's confirmed device (sign-in's second step).

    Returns:
        The device that accepted the code; the caller marks the session verified.

    Raises:
        TwoFactorError: no confirmed device, or a wrong, malformed or throttled code.
    """
    device = confirmed_device(user)
    if device is None:
        raise TwoFactorError(_("You have no two-factor device yet: set one up first."))
    return _check_code(user=user, device=device, code=code)


def totp_devices_reset(*, actor: User | AnonymousUser | None, user: User) -> list[str]:
    """Remove every one-time-password device of *user* (lost phone), with an audit entry.

    The user's open sessions lose their verification (their device no longer exists) and they
    set up a new device at their next workspace request. Their calendar feed address is revoked
    too (a lost phone may be subscribed to it).

    Args:
        actor: the administrator who resets, or ``None`` for the command line (``otp_reset``).
        user: whose devices go.

    Returns:
        The names of the removed devices (confirmed or pending); ``[]`` when there were none
        (then nothing is written).

    Raises:
        PermissionDenied: *actor* is a user who is not a superuser and *user* is one (a
            superuser's second factor is reset by another superuser or on the command line).
    """
    if isinstance(actor, User) and user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser may reset the two-factor authentication of a superuser."))
    with transaction.atomic():
        removed: list[str] = []
        for device_model in django_otp.device_classes():
            devices = device_model.objects.select_for_update().filter(user=user)
            removed += sorted(d.name + ("" if d.confirmed else " (pending)") for d in devices)
            devices.delete()
        if removed:
            # A lost phone may also hold the calendar subscription: its secret address stops working.
            feeds = CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
            audit_record(
                actor=actor,
                verb=AuditVerb.UPDATED,
                obj=user,
                payload={
                    "changes": {"two_factor_devices": [removed, []]},
                    "two_factor": "reset",
                    "calendar_addresses_revoked": feeds,
                },
            )
    return removed


def totp_demo_device_install(*, user: User) -> TOTPDevice:
    """Give a demo account exactly one confirmed device with the documented demo secret.

    Raises:
        ImproperlyConfigured: outside demo mode (``DEBUG=1 DEMO_MODE=1``).
    """
    if not (settings.DEMO_MODE and settings.DEBUG):
        raise ImproperlyConfigured("The demo two-factor secret exists only in demo mode (DEBUG=1 DEMO_MODE=1).")
    key = b32decode(DEMO_TOTP_SECRET).hex()
    with transaction.atomic():
        current = confirmed_device(user)
        if (
            current is not None
            and current.key == key
            and not TOTPDevice.objects.filter(user=user).exclude(pk=current.pk).exists()
        ):
            return current
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Demo authenticator", key=key, confirmed=True)
        audit_record(actor=None, verb=AuditVerb.CREATED, obj=device, target=user, payload={"two_factor": "demo"})
    return device


def demo_code(at: float | None = None) -> tuple[str, int]:
    """The current code of the demo secret and the seconds it stays current (30-second steps).

    Args:
        at: Unix time in seconds (now when ``None``).
    """
    from django_otp.oath import TOTP

    totp = TOTP(b32decode(DEMO_TOTP_SECRET), step=30, t0=0, digits=CODE_DIGITS)
    if at is not None:
        totp.time = at
    now = totp.time
    return f"{totp.token():0{CODE_DIGITS}d}", 30 - int(now) % 30


# --- Input -----------------------------------------------------------------------------------


def normalise_code(value: str) -> str:
    """*value* without spaces if it is six digits.

    Raises:
        TwoFactorError: anything else (letters, too short, too long).
    """
    code = re.sub(r"\s+", "", value or "")
    if not CODE_RE.match(code):
        raise TwoFactorError(_("Enter the 6 digits your authenticator app shows, for example 123456."))
    return code


def throttle_message(info: dict[str, Any]) -> str:
    """ "Too many wrong codes, wait N seconds" from django-otp's ``verify_is_allowed()`` details."""
    locked_until = info.get("locked_until")
    seconds = 1
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes, wait %(seconds)d second before trying again.",
        "Too many wrong codes, wait %(seconds)d seconds before trying again.",
        seconds,
    ) % {"seconds": seconds}


class CodeForm(forms.Form):
    """The code field of the set-up and verify pages."""

    code = forms.CharField(
        label=gettext_lazy("6-digit code"),
        help_text=gettext_lazy("The code your authenticator app shows now for Brussels International."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
        error_messages={"required": gettext_lazy("Enter the 6 digits your authenticator app shows.")},
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_code(self) -> str:
        try:
            return normalise_code(self.cleaned_data["code"])
        except TwoFactorError as error:
            raise forms.ValidationError(error.message, code="format") from None


# --- Views -----------------------------------------------------------------------------------


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address of the request if it stays on this site, else the workspace home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def with_next(url_name: str, next_url: str) -> str:
    """The address of *url_name* with ``?next=next_url``."""
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


class TwoFactorStepView(View):
    """Base of the two pages of the sign-in's second step (shown in the sign-in page's layout)."""

    template_name = ""
    title: Any = ""

    def user(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # workspace URLs require a signed-in user
        return user

    def render(self, form: CodeForm, **extra: Any) -> HttpResponse:
        context = {"form": form, "title": self.title, "next": safe_next(self.request), **extra}
        return TemplateResponse(self.request, self.template_name, context)

    def succeed(self, device: TOTPDevice) -> HttpResponseRedirect:
        django_otp.login(self.request, device)
        return redirect(safe_next(self.request))


PENDING_SESSION_KEY = "core-2fa-pending-device"


class SetupView(TwoFactorStepView):
    """``/admin/2fa/setup/``: QR code and secret of a new device, confirmed by a first code.

    Someone who has a device but has not proved it in this session is sent to *Verify*
    first: a password alone never replaces a device.
    """

    template_name = "core/two_factor_setup.html"
    title = gettext_lazy("Set up two-factor authentication")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if confirmed_device(self.user()) is not None and not is_verified(request.user):
            return redirect(with_next("core_2fa_verify", safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(CodeForm(initial={"next": safe_next(request)}))

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = CodeForm(request.POST)
        device = self.pending()
        if form.is_valid():
            try:
                device = totp_device_confirm(user=self.user(), device=device, code=form.cleaned_data["code"])
            except TwoFactorError as error:
                form.add_error("code", error.message)
            else:
                messages.success(request, _("Two-factor authentication is set up. Keep your authenticator app."))
                return self.succeed(device)
        return self.page(form)

    def pending(self) -> TOTPDevice:
        """This session's pending device (its id kept in the session)."""
        device = totp_device_start(user=self.user(), pending_id=self.request.session.get(PENDING_SESSION_KEY))
        self.request.session[PENDING_SESSION_KEY] = device.pk
        return device

    def page(self, form: CodeForm) -> HttpResponse:
        device = self.pending()
        return self.render(
            form,
            qr_code=qr_code_svg(device),
            secret=secret_groups(device),
            replacing=confirmed_device(self.user()) is not None,
        )


class VerifyView(TwoFactorStepView):
    """``/admin/2fa/verify/``: the code of the user's device, once per session."""

    template_name = "core/two_factor_verify.html"
    title = gettext_lazy("Two-factor authentication")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if is_verified(request.user):
            return redirect(safe_next(request))
        if confirmed_device(self.user()) is None:
            return redirect(with_next("core_2fa_setup", safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render(CodeForm(initial={"next": safe_next(request)}))

    def post(self, request: HttpRequest) -> HttpResponseBase:
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                device = totp_verify(user=self.user(), code=form.cleaned_data["code"])
            except TwoFactorError as error:
                form.add_error("code", error.message)
            else:
                return self.succeed(device)
        return self.render(form)


class DeviceView(WagtailAdminTemplateMixin, TemplateView):
    """``/admin/2fa/``: the person's device (set up, last used) and the way to replace it."""

    template_name = "core/two_factor_device.html"
    page_title = gettext_lazy("Two-factor authentication")
    header_icon = "key"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assert isinstance(user, User)
        context["device"] = confirmed_device(user)
        context["replace_url"] = with_next("core_2fa_setup", reverse("core_2fa_device"))
        return context


def may_reset(user: Any) -> bool:
    """Who may reset another person's devices: those who manage accounts (``auth.change_user``:
    the Administrator group and superusers, see ``core/groups.py``)."""
    return bool(user.is_authenticated and user.has_perm("auth.change_user"))


class ResetView(WagtailAdminTemplateMixin, TemplateView):
    """``/admin/2fa/reset/<user id>/``: an administrator removes a person's devices, after a confirmation."""

    template_name = "core/two_factor_reset.html"
    page_title = gettext_lazy("Reset two-factor authentication")
    header_icon = "key"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_reset(request.user):
            raise PermissionDenied
        self.person = get_object_or_404(User, pk=kwargs["user_id"])
        if self.person.is_superuser and not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": _("Users")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["person"] = self.person
        context["device"] = confirmed_device(self.person)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        actor = request.user
        assert isinstance(actor, User)
        removed = totp_devices_reset(actor=actor, user=self.person)
        if removed:
            messages.success(
                request,
                _("Two-factor authentication of %(user)s reset: they set up a new device at their next sign-in.")
                % {"user": self.person.get_username()},
            )
        else:
            messages.info(request, _("%(user)s had no two-factor device.") % {"user": self.person.get_username()})
        return redirect("wagtailusers_users:index")


# --- Middleware ------------------------------------------------------------------------------


def exempt_paths() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Workspace addresses open to a signed-in user who has not yet given a code:
    ``(exact paths, path prefixes)``: sign in and out, the two steps, the password reset,
    the icons and the JavaScript translations that those pages load."""
    exact = tuple(
        reverse(name)
        for name in (
            "wagtailadmin_login",
            "wagtailadmin_logout",
            "wagtailadmin_javascript_catalog",
            "wagtailadmin_sprite",
            "core_2fa_setup",
            "core_2fa_verify",
        )
    )
    return exact, (reverse("wagtailadmin_password_reset"),)


class RequireTwoFactorMiddleware:
    """Send a signed-in user who has not given a code in this session from any workspace
    address to *Verify* (or *Set up* when they have no device yet), with ``?next=``.

    Listed after ``django_otp.middleware.OTPMiddleware`` (which tells whether the session is
    verified). Anonymous users pass through: Wagtail sends them to sign in as before, and
    the sign-in's throttling (django-axes) is unchanged. Only ``/admin/`` is guarded; the
    public site and the API have no staff screens.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.redirect_for(request) or self.get_response(request)

    def redirect_for(self, request: HttpRequest) -> HttpResponseBase | None:
        path = request.path
        if not path.startswith(reverse("wagtailadmin_home")):
            return None
        exact, prefixes = exempt_paths()
        if path in exact or path.startswith(prefixes):
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        assert isinstance(user, User)
        step = "core_2fa_verify" if confirmed_device(user) is not None else "core_2fa_setup"
        return redirect(with_next(step, request.get_full_path()))
