from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    """Incoming letters to the directorate: registered, assigned, answered within a deadline.

    The small demo module of the workspace core (issue 3): it uses the deadlines radar, the
    documents, the search, the notifications and the shared workflow, the way the permits,
    grants and treaty modules will.
    """

    name = "brussels_international.correspondence"
    label = "correspondence"
    verbose_name = "Correspondence"

    def ready(self) -> None:
        from .kinds import register_correspondence_kinds

        register_correspondence_kinds()
