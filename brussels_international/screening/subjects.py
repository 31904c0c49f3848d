"""Subjects to re-screen: other apps register what they want screened again after a list change.

An app calls :func:`register_subject_provider` in its ``AppConfig.ready()`` with a function
that yields :class:`Subject` rows (the permits module yields the parties of open cases and of
active licences). The screening app never reads the other app's tables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Subject:
    """Something to screen again.

    ``key``: stable identifier, e.g. ``"permits.party:42"`` (reviews are reused per key);
    ``label``: how people recognise it (``"APP-2026-00012, end-user: Acme Ltd"``);
    ``url``: where it is handled in the workspace; ``notify``: ids of the users told about new
    hits (the case manager).
    """

    key: str
    name: str
    label: str
    url: str = ""
    birth_date: str = ""
    country: str = ""
    schema: str = ""
    notify: tuple[int, ...] = field(default_factory=tuple)


SubjectProvider = Callable[[], Iterable[Subject]]
_providers: dict[str, SubjectProvider] = {}


def register_subject_provider(name: str, provider: SubjectProvider) -> None:
    """Register *provider* under *name* (registering the same name again replaces it)."""
    _providers[name] = provider


def registered_subjects() -> Iterator[Subject]:
    """Every subject of every registered provider, provider by provider."""
    for provider in list(_providers.values()):
        yield from provider()
