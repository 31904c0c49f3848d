from django.apps import AppConfig


class PermitsConfig(AppConfig):
    """The Permits unit (issue 4): strategic-goods licensing. First brick: the control lists,
    dated reference data (EU Common Military List, dual-use list of Regulation (EU) 2021/821)."""

    name = "brussels_international.permits"
    label = "permits"
    verbose_name = "Permits"

    def ready(self) -> None:
        from .kinds import register_permits_kinds

        register_permits_kinds()
