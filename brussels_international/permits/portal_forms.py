"""Forms of the applicant portal: they check the shape of the input; the services
(:mod:`permits.application_services`) check the rules and raise ``{field: message}`` errors that
:func:`apply_errors` puts next to the fields.
"""

from __future__ import annotations

from typing import Any

import pycountry
from babel import Locale
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from brussels_international.core.i18n import current_language
from brussels_international.core.text import fold

from .manifest import LICENCE_TYPES
from .models import DocumentKind, GoodsUnit, Language, MemberRole, Party, PartyRole
from .selectors import is_workspace_user, membership_of


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """``(alpha-2 code, name)`` of every ISO 3166-1 country (``pycountry``), named in *language*
    (default: the active one) from the CLDR data of ``babel``, sorted by name (accents ignored)."""
    names: Any
    try:
        names = Locale.parse(language or current_language()).territories
    except (ValueError, TypeError):
        names = {}
    choices = [(country.alpha_2, str(names.get(country.alpha_2, country.name))) for country in pycountry.countries]
    return sorted(choices, key=lambda choice: fold(choice[1]))


class CountryField(forms.ChoiceField):
    """A country from a list, names in the active language (computed at each form's creation)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=lambda: [("", gettext("Choose a country")), *country_choices()], **kwargs)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ``{field: message}`` errors next to the form's fields; other keys (and a
    plain message) go to the list at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class PortalLoginForm(AuthenticationForm):
    """Sign in to the portal: workspace accounts and accounts without an organisation are sent
    to the workspace's own sign-in."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if membership_of(user) is None:
            if is_workspace_user(user):
                raise ValidationError(
                    gettext("This is a workspace account: sign in to the staff workspace at %(url)s.")
                    % {"url": reverse("wagtailadmin_login")},
                    code="workspace_account",
                )
            raise ValidationError(
                gettext("This account does not belong to an organisation registered for the licence portal."),
                code="no_membership",
            )


class _AccountFields(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    username = forms.CharField(
        label=_("User name"), max_length=150, help_text=_("Letters, digits and . @ + - _ only; you sign in with it.")
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not only digits, not a common password."),
    )


class RegistrationForm(_AccountFields):
    """Register a company and its first administrator, on one page."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    country = CountryField(label=_("Country of the registered office"), initial="BE")
    registration_number = forms.CharField(
        label=_("Enterprise number"),
        max_length=40,
        help_text=_("Belgian organisations: the number of the Crossroads Bank for Enterprises, such as 0123.456.749."),
    )
    street = forms.CharField(label=_("Street and number"), max_length=200)
    postcode = forms.CharField(label=_("Postcode"), max_length=16)
    city = forms.CharField(label=_("City"), max_length=100)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    language = forms.ChoiceField(
        label=_("Language of the decisions"), choices=Language.choices, widget=forms.RadioSelect, initial="fr"
    )

    field_order = [
        "name",
        "country",
        "registration_number",
        "street",
        "postcode",
        "city",
        "phone",
        "language",
        "first_name",
        "last_name",
        "email",
        "username",
        "password",
    ]


class MemberForm(_AccountFields):
    """An administrator adds a colleague."""

    role = forms.ChoiceField(
        label=_("Role"), choices=MemberRole.choices, widget=forms.RadioSelect, initial=MemberRole.APPLICANT
    )
    field_order = ["first_name", "last_name", "email", "role", "username", "password"]


def licence_type_choices() -> list[tuple[str, str]]:
    """Every licence type with its description, for radio buttons."""
    return [(t.key, f"{t.name} – {t.description}" if t.description else str(t.name)) for t in LICENCE_TYPES.values()]


class StartForm(forms.Form):
    """Start an application: its type and an optional title."""

    licence_type = forms.ChoiceField(label=_("Type of licence"), choices=licence_type_choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("Short title (optional)"),
        max_length=200,
        required=False,
        help_text=_("For your own lists, such as “Binoculars for Norway”."),
    )


class LicenceTypeForm(forms.Form):
    """The licence type task."""

    licence_type = forms.ChoiceField(label=_("Type of licence"), choices=licence_type_choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Short title (optional)"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Language of the decision"), choices=Language.choices, widget=forms.RadioSelect
    )


class EndUseForm(forms.Form):
    """The end use task."""

    end_use = forms.CharField(
        label=_("End use"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_("What the end-user will use the goods for, where, and for how long."),
    )


class GoodsLineForm(forms.Form):
    """One line of goods."""

    description = forms.CharField(
        label=_("Description of the goods"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Name, model and maker, as on the invoice."),
    )
    control_code = forms.CharField(
        label=_("Control list entry"),
        max_length=64,
        required=False,
        help_text=_("Such as ML15 or 5A002.a. Find it in the control lists with the link below."),
    )
    code_unknown = forms.BooleanField(
        label=_("I don't know the control list entry: the Permits unit will classify the goods"), required=False
    )
    quantity = forms.CharField(label=_("Quantity"), max_length=20, help_text=_("Such as 20 or 2.5."))
    unit = forms.ChoiceField(label=_("Unit"), choices=GoodsUnit.choices)
    value_eur = forms.CharField(label=_("Value in euros"), max_length=20, help_text=_("Such as 48000 or 1250.50."))


class PartyForm(forms.Form):
    """One party."""

    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices, widget=forms.RadioSelect)
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
    country = CountryField(label=_("Country"))
    website = forms.CharField(label=_("Website (optional)"), max_length=200, required=False)


class DocumentForm(forms.Form):
    """Upload one document."""

    kind = forms.ChoiceField(label=_("What is it?"), choices=DocumentKind.choices, widget=forms.RadioSelect)
    party = forms.ModelChoiceField(
        label=_("For which end-user? (end-user certificates)"), queryset=Party.objects.none(), required=False
    )
    uploaded_file = forms.FileField(label=_("File"), help_text=_("End-user certificates: a PDF file."))

    def __init__(self, *args: Any, application: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = application.parties.filter(role=PartyRole.END_USER).order_by("name", "pk")


class DeclarationForm(forms.Form):
    """The declaration before submission."""

    declaration = forms.BooleanField(
        label=_(
            "I declare that the information in this application is correct and complete, and that I am "
            "authorised to submit it for my organisation."
        ),
        required=False,
    )


class ConfirmForm(forms.Form):
    """An empty form: the confirmation of a destructive action."""
