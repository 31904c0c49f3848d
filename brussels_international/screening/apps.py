from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    """Sanctions and embargo screening (issue 5): list versions, the name matcher, hits and
    reviews, and the arms-embargo table. Used on its own (workspace, API, command line) and by
    the permits module through :mod:`.services`."""

    name = "brussels_international.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from brussels_international.core.tasks import register_daily_schedule

        from . import embargo_hooks  # noqa: F401  (registers the arms-embargo screens' URLs and menu item)
        from .tasks import schedule_list_refresh

        register_daily_schedule("Refresh of the sanctions lists", schedule_list_refresh)
