"""A minimal case model used only by the tests of the core workflow, audit and search services."""

from django.db import models
from wagtail.search import index


class DemoStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    SUBMITTED = "submitted", "submitted"
    APPROVED = "approved", "approved"
    CLOSED = "closed", "closed"


class DemoDossier(index.Indexed, models.Model):
    """A dossier with a status, a title and the user who submitted it (its title is searchable)."""

    title = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=DemoStatus.choices, default=DemoStatus.DRAFT)
    submitted_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)

    search_fields = [index.SearchField("title")]

    class Meta:
        permissions = [("submit_demodossier", "Can submit"), ("approve_demodossier", "Can approve")]

    def __str__(self) -> str:
        return self.title
