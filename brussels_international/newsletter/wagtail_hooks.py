"""Workspace hooks of the newsletter. Wagtail loads only this module: each part of the app keeps its
hooks in its own module, imported here (campaigns: ``campaign_hooks``)."""

from .campaign_hooks import *  # noqa: F403
