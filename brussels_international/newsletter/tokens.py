"""Signed links of the newsletter: confirmation (double opt-in), unsubscribe, preferences, and the
single-purpose links that download or erase a subscriber's data.

Each token is ``django.core.signing`` (HMAC-SHA256 with ``SECRET_KEY`` and a salt per use) over
``{"s": subscriber id, "h": address fingerprint}`` (plus ``"c"``, the campaign id, in unsubscribe
links). The fingerprint (12 hex characters of SHA-256 of the lower-cased address) makes a token
useless once the address is erased and its id reused, without putting the address in the URL.

Lifetimes: confirmation 7 days (:data:`CONFIRM_MAX_AGE`, from the issue); unsubscribe links never
expire (RFC 8058 links must keep working in old mails); preference links 365 days
(:data:`PREFERENCES_MAX_AGE`), after which the page offers to mail a fresh link; data links 1 hour
(:data:`DATA_MAX_AGE`). A preference link may be forwarded with a newsletter, so it cannot
download or erase data itself: it only has a link mailed to the address, whose salt names its one
action (a download link cannot erase).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core import signing

CONFIRM_SALT = "newsletter.confirm"
UNSUBSCRIBE_SALT = "newsletter.unsubscribe"
PREFERENCES_SALT = "newsletter.preferences"
DATA_SALT = "newsletter.data"
DATA_ACTIONS = ("download", "erase")
"""The actions of a data link: ``download`` (GDPR art. 15 and 20) or ``erase`` (GDPR art. 17)."""
CONFIRM_MAX_AGE = dt.timedelta(days=7)
PREFERENCES_MAX_AGE = dt.timedelta(days=365)
DATA_MAX_AGE = dt.timedelta(hours=1)


class TokenExpired(Exception):
    """The link is genuine but too old (a confirmation link after 7 days)."""


class TokenInvalid(Exception):
    """The link was altered, forged, cut short, or its address no longer exists."""


@dataclass(frozen=True)
class TokenData:
    """What a verified token says: the subscriber id, the address fingerprint and the campaign (or None)."""

    subscriber_id: int
    fingerprint: str
    campaign_id: int | None = None


def fingerprint(email: str) -> str:
    """12 hex characters of SHA-256 of the lower-cased, stripped address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:12]


def _make(salt: str, subscriber_id: int, email: str, campaign_id: int | None = None) -> str:
    payload: dict[str, object] = {"s": subscriber_id, "h": fingerprint(email)}
    if campaign_id is not None:
        payload["c"] = campaign_id
    return signing.dumps(payload, salt=salt, compress=False)


def _read(token: str, salt: str, max_age: dt.timedelta | None) -> TokenData:
    try:
        payload = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired(str(error)) from error
    except signing.BadSignature as error:
        raise TokenInvalid(str(error)) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("s"), int) or not isinstance(payload.get("h"), str):
        raise TokenInvalid("malformed payload")
    campaign = payload.get("c")
    return TokenData(payload["s"], payload["h"], campaign if isinstance(campaign, int) else None)


def confirm_token(subscriber_id: int, email: str) -> str:
    """The token of the confirmation link of the double opt-in (valid :data:`CONFIRM_MAX_AGE`)."""
    return _make(CONFIRM_SALT, subscriber_id, email)


def unsubscribe_token(subscriber_id: int, email: str, campaign_id: int | None = None) -> str:
    """The token of the unsubscribe link (no expiry); *campaign_id* credits the campaign's figures."""
    return _make(UNSUBSCRIBE_SALT, subscriber_id, email, campaign_id)


def preferences_token(subscriber_id: int, email: str) -> str:
    """The token of the preference page link (valid :data:`PREFERENCES_MAX_AGE`)."""
    return _make(PREFERENCES_SALT, subscriber_id, email)


def _data_salt(action: str) -> str:
    if action not in DATA_ACTIONS:
        raise ValueError(f"unknown data action {action!r}")
    return f"{DATA_SALT}.{action}"


def data_token(subscriber_id: int, email: str, action: str) -> str:
    """The token of a link that downloads or erases the data of a subscriber (valid :data:`DATA_MAX_AGE`).

    Args:
        action: one of :data:`DATA_ACTIONS`; it is part of the salt, so the token serves that action only.

    Raises:
        ValueError: unknown *action*.
    """
    return _make(_data_salt(action), subscriber_id, email)


def read_confirm_token(token: str) -> TokenData:
    """Verify a confirmation token. Raises :class:`TokenExpired` after 7 days, :class:`TokenInvalid` if forged."""
    return _read(token, CONFIRM_SALT, CONFIRM_MAX_AGE)


def read_unsubscribe_token(token: str) -> TokenData:
    """Verify an unsubscribe token. Raises :class:`TokenInvalid` if forged or altered."""
    return _read(token, UNSUBSCRIBE_SALT, None)


def read_preferences_token(token: str) -> TokenData:
    """Verify a preferences token. Raises :class:`TokenExpired` after a year, :class:`TokenInvalid` if forged."""
    return _read(token, PREFERENCES_SALT, PREFERENCES_MAX_AGE)


def read_data_token(token: str, action: str) -> TokenData:
    """Verify a data token for *action* (one of :data:`DATA_ACTIONS`). Raises :class:`TokenExpired`
    after an hour, :class:`TokenInvalid` if forged or made for another action, ``ValueError`` for an
    unknown *action*."""
    return _read(token, _data_salt(action), DATA_MAX_AGE)
