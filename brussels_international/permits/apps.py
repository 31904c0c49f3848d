from django.apps import AppConfig


class PermitsConfig(AppConfig):
    """The Permits unit (issue 4): strategic-goods licensing. First brick: the control lists,
    dated reference data (EU Common Military List, dual-use list of Regulation (EU) 2021/821)."""

    name = "brussels_international.permits"
    label = "permits"
    verbose_name = "Permits"

    def ready(self) -> None:
        from brussels_international.core.tasks import register_daily_schedule

        from .kinds import register_permits_kinds
        from .tasks import schedule_licence_expiry

        register_permits_kinds()
        register_daily_schedule("Expiry of licences", schedule_licence_expiry)
