"""Forms of the correspondence screens; the services do the checks that need the database."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from brussels_international.directory.models import Unit

from .services import officer_choices, units_for


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class LetterForm(forms.Form):
    """Register a letter: who wrote, when, about what, which unit answers."""

    subject = forms.CharField(label=_("Subject"), max_length=255)
    sender_name = forms.CharField(label=_("Sender"), max_length=200)
    sender_organisation = forms.CharField(label=_("Sender's organisation"), max_length=200, required=False)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    unit = forms.ModelChoiceField(label=_("Unit that answers"), queryset=Unit.objects.order_by("order"))
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(pk__in=[unit.pk for unit in units_for(user)]).order_by("order")

    def clean_received_on(self) -> Any:
        """Listed with the other errors at once (the service checks it again)."""
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(gettext("The date of receipt cannot be in the future."))
        return received_on


class AssignForm(forms.Form):
    """Choose the officer in charge among the unit's staff."""

    officer = OfficerField(label=_("Officer in charge"), queryset=User.objects.none())

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[u.pk for u in officer_choices(unit)]).order_by(
            "last_name", "first_name", "username"
        )


class AnswerForm(forms.Form):
    """Record the answer: its date and an optional note."""

    answered_on = forms.DateField(
        label=_("Answered on"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class NoteForm(forms.Form):
    """An optional note kept with a status change."""

    note = forms.CharField(label=_("Note"), required=False, max_length=500)
