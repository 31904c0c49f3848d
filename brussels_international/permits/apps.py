from django.apps import AppConfig


class PermitsConfig(AppConfig):
    """The Permits unit (issue 4): strategic-goods licensing. First brick: the control lists,
    dated reference data (EU Common Military List, dual-use list of Regulation (EU) 2021/821)."""

    name = "brussels_international.permits"
    label = "permits"
    verbose_name = "Permits"

    def ready(self) -> None:
        from brussels_international.core.tasks import register_daily_schedule
        from brussels_international.screening.subjects import register_subject_provider

        from .kinds import register_permits_kinds
        from .screening import permits_subjects
        from .tasks import schedule_licence_expiry

        register_permits_kinds()
        register_daily_schedule("Expiry of licences", schedule_licence_expiry)
        # After a sanctions list changes, the parties of open cases and active licences are
        # screened again and the case managers told about new hits (permits.screening).
        register_subject_provider("permits", permits_subjects)
