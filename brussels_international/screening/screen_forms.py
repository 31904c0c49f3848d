"""Forms of the "Screen a name" page and of a hit's review. They check the shape of the input;
the engine (:func:`.engine.validate`, through :func:`.services.party_screen`) and
:func:`.services.hit_review` check the rest and name the field at fault."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .embargo_forms import country_choices
from .models import EntitySchema, ReviewDecision

DATE_SHAPE = 10  # len("YYYY-MM-DD")


def birth_date_exists(value: str) -> bool:
    """False for a ``YYYY-MM-DD`` value that is no day of the calendar (``1960-02-30``); true for
    anything else (the engine checks the shape: :func:`.engine.validate`)."""
    value = value.strip()
    if len(value) == DATE_SHAPE and value[4] == "-" and value[7] == "-":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
    return True


class ScreenForm(forms.Form):
    """A party to screen: a name, and optionally a date of birth (or year), a country and a kind.

    The name is not checked here (empty, too long, script): the engine says what is wrong with
    it, in the same words as in the API and the ``screen`` command."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("A person's, organisation's, vessel's or aircraft's name, in any order and any supported script."),
    )
    birth_date = forms.CharField(
        label=_("Date of birth"),
        required=False,
        help_text=_("A date (YYYY-MM-DD) or a year (YYYY); persons only."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, help_text=_("Nationality of a person, country of an organisation.")
    )
    schema = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", gettext("Any country")), *country_choices()]
        schema = self.fields["schema"]
        assert isinstance(schema, forms.ChoiceField)
        schema.choices = [("", gettext("Any kind")), *EntitySchema.choices]

    def clean_birth_date(self) -> str:
        """A full date must exist (the engine checks the shape only): ``1960-02-30`` is refused."""
        value = str(self.cleaned_data.get("birth_date", "")).strip()
        if not birth_date_exists(value):
            raise forms.ValidationError(gettext("This date does not exist."), code="birth_date")
        return value


class ReviewForm(forms.Form):
    """An officer's decision on a hit: true or false match, and why. Both are checked by
    :func:`.services.hit_review`."""

    decision = forms.ChoiceField(
        label=_("Decision"), required=False, choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the listed entity is, or is not, the party screened: the facts you checked."),
    )
