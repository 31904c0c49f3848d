from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    """Units, people, roles, portfolios, partners, networks: who handles what."""

    name = "brussels_international.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation only)
        from .kinds import register_directory_kinds

        register_directory_kinds()
        from brussels_international.core.selectors import register_headed_groups

        from .selectors import groups_headed_by

        register_headed_groups(groups_headed_by)
