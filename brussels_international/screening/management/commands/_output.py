"""What the list commands print after a load (shared by ``screening_load`` and ``screening_refresh``)."""

from __future__ import annotations

from ...models import ListVersion


def load_summary(version: ListVersion, *, unchanged: bool) -> str:
    """One paragraph: the version, its counts and what changed, or that nothing was loaded."""
    if unchanged:
        return (
            f"{version.source}: same file as the active version {version.pk} "
            f"(SHA-256 {version.sha256[:12]}...), nothing loaded."
        )
    published = f", published {version.published.isoformat()}" if version.published else ""
    lines = [
        f"{version.source}: version {version.pk} loaded from {version.file_name}{published}: "
        f"{version.persons} persons, {version.organisations} organisations, {version.vessels} vessels, "
        f"{version.aircraft} aircraft, {version.names} names.",
        f"Changes since the previous version: {version.added} added, {version.changed} changed, "
        f"{version.removed} removed.",
    ]
    for kind in ("added", "changed", "removed"):
        items = version.diff.get(kind, [])
        if items and len(items) <= 10:
            lines.append(f"  {kind}: " + "; ".join(f"{ref} {caption}" for ref, caption in items))
    return "\n".join(lines)
