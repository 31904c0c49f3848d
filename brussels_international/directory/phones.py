"""Phone numbers: validation, E.164 storage and Belgian display (library: ``phonenumbers``)."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext as _


class PhoneNumberError(ValueError):
    """The text is not a valid phone number; the message is translated and names the text."""


def normalise_phone(raw: str, region: str = "BE") -> str:
    """Return *raw* as E.164 (``"02/800 37 45"`` → ``"+3228003745"``).

    Args:
        raw: a number as people write it: slashes, dots, spaces, with or without ``+32``.
        region: ISO 3166-1 alpha-2 region used when the number has no country code.

    Raises:
        PhoneNumberError: the text cannot be parsed or is not a valid number for its region
            (checked against Google's libphonenumber metadata).
    """
    text = (raw or "").strip()
    if not text:
        raise PhoneNumberError(_("The phone number is empty."))
    try:
        parsed = phonenumbers.parse(text.replace("/", " "), region)
    except phonenumbers.NumberParseException as exc:
        raise PhoneNumberError(_("“%(number)s” is not a phone number.") % {"number": text}) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise PhoneNumberError(_("“%(number)s” is not a valid phone number.") % {"number": text})
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """Return the national Belgian format of an E.164 number (``+3228003745`` → ``02 800 37 45``);
    numbers of other countries are shown in international format."""
    parsed = phonenumbers.parse(e164, "BE")
    if parsed.country_code == 32:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
