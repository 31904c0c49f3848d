from django.apps import AppConfig


class WebsiteConfig(AppConfig):
    """Public Wagtail pages in French, Dutch and English."""

    name = "brussels_international.website"
    label = "website"
    verbose_name = "Website"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation only)
