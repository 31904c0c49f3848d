from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """The free e-newsletter: subscribers and their consent, campaigns, sending, unsubscribe, bounces."""

    name = "brussels_international.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"
