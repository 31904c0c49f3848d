"""Forms of the newsletter's public pages: subscribe (footer and full page), preferences, fresh link.

The wording a subscriber agrees to is a translatable constant (:data:`CONSENT_WORDING`): the form
shows it and the service stores the very text shown, in the page language (GDPR art. 7(1): the
controller must be able to demonstrate what the person consented to).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from brussels_international.core.i18n import current_language

from .models import Topic

CONSENT_WORDING = _(
    "I agree that Brussels International keeps my e-mail address, my name (if given), my language and "
    "my topics to send me its free e-newsletter. I will receive a mail to confirm my subscription. I can "
    "unsubscribe at any time with the link in every newsletter, and download or erase my data on my "
    "preferences page."
)
"""The consent wording shown on every subscription form and stored with each sign-up (GDPR art. 7(1))."""

CONFIRM_WORDING = _("Yes, I want to receive the newsletter of Brussels International at this address.")
"""The wording of the button that confirms a subscription (the second step of the double opt-in)."""

PREFERENCES_WORDING = _("I want to receive the newsletter in this language and on these topics.")
"""The wording stored when a subscriber changes their language or topics."""

UNSUBSCRIBE_WORDING = _("Unsubscribe me from the newsletter.")
"""The wording of the unsubscribe button, stored with the withdrawal."""

ONE_CLICK_WORDING = "List-Unsubscribe=One-Click (RFC 8058)"
"""Stored with an unsubscription made by a mail client's one-click button (no page was shown)."""

HONEYPOT_FIELD = "website"
"""The name of the hidden field people never fill in; robots that fill every field are ignored."""


def refuse_control_characters(value: str) -> None:
    """Validator: no line breaks, tabs or other control characters (Unicode categories Cc, Zl, Zp).

    Such characters in a name could smuggle extra mail headers (``x\\r\\nBcc: …``) into a mail.

    Raises:
        ValidationError: code ``control_characters``.
    """
    if any(unicodedata.category(ch) in {"Cc", "Zl", "Zp"} for ch in value):
        raise ValidationError(
            _("The name must not contain line breaks, tabs or other control characters."),
            code="control_characters",
        )


class TopicChoiceField(forms.ModelMultipleChoiceField):
    """Active topics as checkboxes, posted by their slug, labelled in the page language."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Topic.objects.filter(active=True))
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid_choice": _("“%(value)s” is not one of the topics offered. Choose topics from the list."),
                "invalid_pk_value": _("“%(pk)s” is not one of the topics offered. Choose topics from the list."),
            },
        )
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.tr("name"))


def _language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class SubscribeForm(forms.Form):
    """The subscription form: address, optional name, language of the newsletter, topics, honeypot.

    ``language`` starts at the page language. The honeypot (:data:`HONEYPOT_FIELD`) is hidden from
    people and from assistive technology; :attr:`is_robot` tells the view to pretend success.
    """

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, like name@example.be."),
        },
    )
    name = forms.CharField(
        label=_("Name (optional)"), max_length=100, required=False, validators=[refuse_control_characters]
    )
    language = forms.ChoiceField(
        label=_("Language of the newsletter"),
        choices=_language_choices,
        error_messages={"invalid_choice": _("Choose French, Dutch or English.")},
    )
    topics = TopicChoiceField(label=_("Topics"))
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"language": current_language()})
        super().__init__(*args, **kwargs)

    @property
    def is_robot(self) -> bool:
        """True when the hidden honeypot field was filled in (by a robot)."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clean_email(self) -> str:
        """The address with its domain lower-cased (the part before ``@`` is kept as typed)."""
        email: str = self.cleaned_data["email"].strip()
        local, _at, domain = email.rpartition("@")
        return f"{local}@{domain.lower()}"


class PreferencesForm(forms.Form):
    """Language and topics of a subscriber (the preference page)."""

    language = forms.ChoiceField(
        label=_("Language of the newsletter"),
        choices=_language_choices,
        error_messages={"invalid_choice": _("Choose French, Dutch or English.")},
    )
    topics = TopicChoiceField(label=_("Topics"))


class FreshLinkForm(forms.Form):
    """The address to which a fresh link to the preference page is mailed (after an expired link)."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, like name@example.be."),
        },
    )
