"""Forms of the campaign screens; the services do the checks that need the database."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from brussels_international.website.models import BlogPostPage

from .models import Campaign, Topic

BRUSSELS = ZoneInfo("Europe/Brussels")


class PostChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.locale.language_code}, {obj.date:%d/%m/%Y})"


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class CampaignForm(forms.Form):
    """Compose a campaign: internal title, subject and text per language, blog posts, topics.

    Subjects and texts may stay empty while a draft; scheduling checks the languages of the recipients.
    """

    title = forms.CharField(label=_("Internal title"), max_length=200)
    subject_fr = forms.CharField(label=_("Subject (French)"), max_length=200, required=False)
    subject_nl = forms.CharField(label=_("Subject (Dutch)"), max_length=200, required=False)
    subject_en = forms.CharField(label=_("Subject (English)"), max_length=200, required=False)
    text_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    text_nl = forms.CharField(label=_("Text (Dutch)"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    posts = PostChoiceField(
        label=_("Blog posts"),
        queryset=BlogPostPage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each subscriber gets the post in their language when it is translated, else as published."),
    )
    topics = TopicChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Subscribers who chose one of these topics, and those who chose no topic; none ticked: every subscriber."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        posts = self.fields["posts"]
        assert isinstance(posts, forms.ModelMultipleChoiceField)
        posts.queryset = BlogPostPage.objects.live().select_related("locale").order_by("-date", "title")

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        """The form's initial values from *campaign*."""
        values: dict[str, Any] = {name: getattr(campaign, name) for name in CONTENT_FIELD_NAMES}
        values["posts"] = list(campaign.posts.values_list("pk", flat=True))
        values["topics"] = list(campaign.topics.values_list("pk", flat=True))
        return values


CONTENT_FIELD_NAMES = ("title", "subject_fr", "subject_nl", "subject_en", "text_fr", "text_nl", "text_en")


class ScheduleForm(forms.Form):
    """When to send: now, or at a date and time in Brussels."""

    WHEN_CHOICES = [("now", _("Now")), ("later", _("At a date and time (Brussels time)"))]

    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, widget=forms.RadioSelect, initial="now")
    send_at = forms.DateTimeField(
        label=_("Date and time (Europe/Brussels)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "later":
            send_at = data.get("send_at")
            if send_at is None:
                if "send_at" not in self.errors:
                    self.add_error("send_at", gettext("Give the date and time of sending."))
                return data
            if timezone.is_naive(send_at):
                send_at = send_at.replace(tzinfo=BRUSSELS)
            else:  # USE_TZ made it aware in the current zone: read the digits as Brussels time
                send_at = timezone.localtime(send_at).replace(tzinfo=None).replace(tzinfo=BRUSSELS)
            if send_at <= timezone.now():
                self.add_error("send_at", gettext("This time is past: choose a later one, or send now."))
            data["send_at"] = send_at.astimezone(dt.UTC)
        else:
            data["send_at"] = None
        return data


class TestSendForm(forms.Form):
    """Send a test to one address, in one language."""

    to = forms.EmailField(label=_("Send a test to"), max_length=254)
    language = forms.ChoiceField(label=_("Language of the test"), choices=settings.LANGUAGES)


class ConfirmForm(forms.Form):
    """An optional note kept with the status change."""

    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)
