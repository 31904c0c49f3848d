"""``{% newsletter_footer_form %}``: the subscription form in the footer of every public page."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.db import DatabaseError

from ..forms import CONSENT_WORDING, SubscribeForm
from ..selectors import topics_offered_cached

register = template.Library()

FOOTER_AUTO_ID = "newsletter-footer-%s"
"""Field ids of the footer form, distinct from those of a form in the page itself."""


@register.inclusion_tag("newsletter/includes/footer_form.html", takes_context=True)
def newsletter_footer_form(context: template.Context) -> dict[str, Any]:
    """The footer's subscription form (language preselected to the page language, active topics).

    Hidden on the full subscription page, which shows the same form, and in the applicant portal
    (``/<lang>/portal/``: a service for companies, whose forms it would only crowd). Without a
    database (an error page while it is down) the form is left out rather than breaking the page.
    """
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is not None and (match.view_name == "newsletter:subscribe" or "portal" in match.namespaces):
        return {"show": False}  # the full page shows the form; the applicant portal is a service, not news
    form = SubscribeForm(auto_id=FOOTER_AUTO_ID)
    try:
        topics = topics_offered_cached()  # no query on most pages (the footer is on all of them)
    except DatabaseError:
        return {"show": False}
    topic_field = form.fields["topics"]
    assert isinstance(topic_field, forms.ChoiceField)
    topic_field.choices = [(topic.slug, topic.tr("name")) for topic in topics]
    has_topics = bool(topics)
    return {
        "show": True,
        "form": form,
        "has_topics": has_topics,
        "consent_wording": CONSENT_WORDING,
        "request": request,
    }
