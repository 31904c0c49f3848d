"""Forms of the applicant portal after submission: they check the shape of the input; the rules
are in :mod:`permits.licence_services`, whose ``ValidationError`` dicts are put back on the
fields (:func:`add_service_errors`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .licence_services import ANSWER_MAX_LENGTH, CUSTOMS_REFERENCE_MAX_LENGTH, REASON_MAX_LENGTH
from .models import DocumentKind, GoodsLine, Party


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on *form*: each field's message next to the field
    (the form's own fields), the others at the top."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=ANSWER_MAX_LENGTH,
        error_messages={"required": _("Enter your answer.")},
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is the document?"), choices=DocumentKind.choices)
    party = forms.ModelChoiceField(
        label=_("End-user it is for"),
        queryset=Party.objects.none(),
        required=False,
        help_text=_("For an end-user certificate."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("An end-user certificate must be a PDF document."),
        error_messages={"required": _("Choose the file to upload.")},
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=255, required=False)

    def __init__(self, *args: Any, end_users: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if end_users is not None:
            self.fields["party"].queryset = end_users  # type: ignore[attr-defined]


class UseReportForm(forms.Form):
    goods_line = forms.ModelChoiceField(
        label=_("Goods line"),
        queryset=GoodsLine.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the goods line."), "invalid_choice": _("Choose a line of this licence.")},
    )
    quantity = forms.DecimalField(
        label=_("Quantity shipped"),
        max_digits=14,
        decimal_places=3,
        error_messages={"required": _("Enter the quantity shipped."), "invalid": _("Enter a number.")},
    )
    value_eur = forms.DecimalField(
        label=_("Value shipped (EUR)"),
        max_digits=14,
        decimal_places=2,
        error_messages={"required": _("Enter the value shipped, in euros."), "invalid": _("Enter a number.")},
    )
    shipped_on = forms.DateField(
        label=_("Date of the shipment"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Enter the date of the shipment."), "invalid": _("Enter a real date.")},
    )
    customs_reference = forms.CharField(
        label=_("Customs declaration reference (MRN, optional)"),
        max_length=CUSTOMS_REFERENCE_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args: Any, lines: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if lines is not None:
            field = self.fields["goods_line"]
            field.queryset = lines  # type: ignore[attr-defined]
            field.label_from_instance = lambda line: f"{line.position}. {line.code} – {line.description[:60]}"  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw it? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=REASON_MAX_LENGTH,
        required=False,
    )
