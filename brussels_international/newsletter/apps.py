from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """The free e-newsletter: subscribers and their consent, campaigns, sending, unsubscribe, bounces."""

    name = "brussels_international.newsletter"
    label = "newsletter"
    verbose_name = "Newsletter"

    def ready(self) -> None:
        from brussels_international.core.tasks import register_daily_schedule

        from . import signals  # noqa: F401  (public page cache only)
        from .tasks import schedule_campaign_sending

        # ``manage.py schedule_tasks`` (run before the worker starts) resumes campaigns left sending.
        register_daily_schedule("Newsletter campaigns (start and resume sending)", schedule_campaign_sending)
