"""Public pages (Wagtail)."""
