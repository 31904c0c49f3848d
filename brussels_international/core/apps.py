from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared machinery: audit trail, workflow transitions, i18n helpers."""

    name = "brussels_international.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation only)
        from .documents import register_document_kind

        register_document_kind()
