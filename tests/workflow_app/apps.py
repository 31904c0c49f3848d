from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    """A test-only case model that exercises the core transition helper and audit trail."""

    name = "tests.workflow_app"
    label = "workflow_app"
