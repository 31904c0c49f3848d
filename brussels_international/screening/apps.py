from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    """Sanctions and embargo screening (issue 5): list versions, the name matcher, hits and
    reviews, and the arms-embargo table. Used on its own (workspace, API, command line) and by
    the permits module through :mod:`.services`."""

    name = "brussels_international.screening"
    label = "screening"
    verbose_name = "Screening"

    def ready(self) -> None:
        from . import embargo_hooks  # noqa: F401  (registers the arms-embargo screens' URLs and menu item)
