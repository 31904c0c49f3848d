from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """Public Wagtail pages in French, Dutch and English."""

    name = "brussels_international.website"
    label = "website"
    verbose_name = "Website"

    def ready(self) -> None:
        from brussels_international.core.tasks import register_daily_schedule

        from . import signals  # noqa: F401  (cache invalidation only)
        from .tasks import schedule_scheduled_publishing

        # Every five minutes, chained (website/tasks.py); ``schedule_tasks`` starts the chain.
        register_daily_schedule("Scheduled publishing of pages (every 5 minutes)", schedule_scheduled_publishing)
