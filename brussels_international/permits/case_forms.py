"""Forms of the casework screens. They check the shape of the input; the services
(:mod:`permits.case_services`) check the rules and raise ``ValidationError({field: ...})``,
which the views put back on these forms (field names match the services' arguments)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from .case_selectors import officers
from .models import (
    Application,
    AssessmentOutcome,
    Authority,
    Consultation,
    ConsultationAdvice,
    Criterion,
    GoodsLine,
    Outcome,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class AssignForm(forms.Form):
    prefix = "assign"

    case_manager = OfficerField(label=_("Case manager"), queryset=User.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case_manager"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = officers()


class InformationRequestForm(forms.Form):
    prefix = "rfi"

    question = forms.CharField(
        label=_("Question to the applicant"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class ConsultationForm(forms.Form):
    prefix = "consult"

    authority = forms.ChoiceField(label=_("Authority"), choices=Authority.choices)
    authority_other = forms.CharField(label=_("Other authority (name)"), max_length=200, required=False)
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ConsultationAnswerForm(forms.Form):
    prefix = "advice"

    consultation = forms.ModelChoiceField(label=_("Consultation"), queryset=Consultation.objects.none())
    advice = forms.ChoiceField(label=_("Advice"), choices=ConsultationAdvice.choices)
    advice_text = forms.CharField(
        label=_("Summary of the answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Consultation.objects.filter(application=application, answered_at__isnull=True)


class ClassifyForm(forms.Form):
    prefix = "classify"

    goods_line = forms.ModelChoiceField(label=_("Goods line"), queryset=GoodsLine.objects.none())
    code = forms.CharField(label=_("Control list entry"), max_length=64)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["goods_line"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = GoodsLine.objects.filter(application=application)


class AssessmentForm(forms.Form):
    prefix = "assess"

    country = forms.ChoiceField(label=_("Destination"))
    criterion_number = forms.TypedChoiceField(label=_("Criterion"), coerce=int)
    outcome = forms.ChoiceField(label=_("Finding"), choices=AssessmentOutcome.choices)
    note = forms.CharField(label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)

    def __init__(self, *args: Any, countries: list[tuple[str, str]], criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = countries  # type: ignore[attr-defined]
        self.fields["criterion_number"].choices = [(c.number, str(c)) for c in criteria]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    prefix = "note"

    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class ProposalForm(forms.Form):
    prefix = "propose"

    outcome = forms.ChoiceField(label=_("Decision to propose"), choices=Outcome.choices, widget=forms.RadioSelect)
    conditions = forms.CharField(
        label=_("Conditions of the licence"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    valid_from = forms.DateField(label=_("Valid from (empty: today)"), widget=DATE, required=False)
    valid_until = forms.DateField(
        label=_("Valid until (empty: the usual validity of the licence type)"), widget=DATE, required=False
    )
    refusal_criteria = forms.TypedMultipleChoiceField(
        label=_("Criteria of the refusal"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    refusal_reasons = forms.CharField(
        label=_("Reasons of the refusal"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["refusal_criteria"].choices = [(c.number, str(c)) for c in criteria]  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


class HitReviewForm(forms.Form):
    """An officer's decision on one screening hit (``screening.services.hit_review``); one form per
    unreviewed hit on the case page, prefixed ``review-<hit id>``."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("true_match", _("True match: the party is the listed entity")),
            ("false_match", _("False match: the party is not the listed entity")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        help_text=_("What you checked (registration number, address, date of birth...)."),
    )
