"""Workspace hooks of the newsletter. Wagtail loads only this module: each part of the app keeps its
hooks in its own module, imported here (topics and subscribers: ``subscriber_hooks``, which also
makes the "Newsletter" submenu; campaigns: ``campaign_hooks``)."""

from . import campaign_hooks, subscriber_hooks  # noqa: F401
