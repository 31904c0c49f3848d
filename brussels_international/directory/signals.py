"""Signals of the directory: cache invalidation only (no business rule here)."""
