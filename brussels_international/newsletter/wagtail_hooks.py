"""Workspace hooks of the newsletter app (loaded by Wagtail): see :mod:`.subscriber_hooks`."""

from . import subscriber_hooks  # noqa: F401  (topics, subscribers and the "Newsletter" submenu)
