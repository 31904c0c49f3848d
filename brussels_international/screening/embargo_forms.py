"""Forms of the arms-embargo screens: they check the shape of the input; the services
(:mod:`.embargo_services`) check the rules and raise ``{field: message}`` errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .embargo_selectors import NO_COUNTRY
from .models import DatePrecision, IssuingBody

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country named in the active language (the permits portal's list, CLDR
    names from ``babel``)."""
    from brussels_international.permits.portal_forms import country_choices as choices

    return choices()


def target_choices() -> list[tuple[str, str]]:
    """The countries, then ``ZZ`` for a group tied to no country."""
    return [
        ("", gettext("Choose a country")),
        *country_choices(),
        (NO_COUNTRY, gettext("ZZ: a group tied to no country (ISIL/Al-Qaida)")),
    ]


class EmbargoForm(forms.Form):
    """One row of the arms-embargo table (create and edit)."""

    target = forms.ChoiceField(label=_("Target country"), choices=target_choices)
    target_label = forms.CharField(
        label=_("Target"), max_length=300, help_text=_("In plain words, e.g. “Non-state actors in Lebanon”.")
    )
    issuing_body = forms.ChoiceField(label=_("Issuing body"), choices=IssuingBody.choices)
    instruments = forms.CharField(
        label=_("Legal instruments"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The acts with their number and date, as seen in a source."),
    )
    scope = forms.CharField(
        label=_("Scope"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Starts with “Legally binding”, “POLITICAL COMMITMENT” or “Non-mandatory” (the destination check reads "
            "the legal force from it), then whole state, non-state actors only, or targeted."
        ),
    )
    exceptions = forms.CharField(label=_("Exceptions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.DateField(
        label=_("Start"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("First day in force. Known only to the year: 1 January; to the month: the 1st. Empty if unknown."),
    )
    start_precision = forms.ChoiceField(
        label=_("Start known to the"), choices=DatePrecision.choices, initial=DatePrecision.DAY
    )
    end = forms.DateField(
        label=_("End"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Last day in force, empty while in force. Known only to the year: 31 December; to the month: its "
                    "last day."),
    )  # fmt: skip
    end_precision = forms.ChoiceField(
        label=_("End known to the"),
        required=False,
        choices=[(p.value, p.label) for p in (DatePrecision.DAY, DatePrecision.MONTH, DatePrecision.YEAR)],
        initial=DatePrecision.DAY,
    )
    status_note = forms.CharField(label=_("Status"), max_length=500, required=False)
    verified = forms.BooleanField(
        label=_("Verified"), required=False, help_text=_("The act's number and a date were seen in the sources.")
    )
    sources = forms.CharField(label=_("Sources"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DestinationCheckForm(forms.Form):
    """A country and a day (default: today)."""

    country = forms.ChoiceField(label=_("Destination country"))
    on = forms.DateField(label=_("On"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", gettext("Choose a country")), *country_choices()]
        self.fields["on"].initial = timezone.localdate()
