"""The kinds of records the workspace core knows: what a user may open, where it opens, what it is called.

Every module registers its dossier and reference models here (in its ``AppConfig.ready``),
once. The workspace search (:mod:`core.search`), the documents (:mod:`core.documents`) and
the notifications ask this registry, never the modules, whether a user may see a record:

- :attr:`RecordKind.visible_to` returns the records a user may open. Search filters on it
  *before* matching, so a user never sees a record they may not open, not even its title.
- :attr:`RecordKind.can_change` says whether a user may change a record (attach a
  document to it, for instance).

Example (``correspondence/apps.py``)::

    register_kind(RecordKind(
        key="correspondence.letter", model=Letter, label=_("Letters"),
        visible_to=letters_visible_to, url=lambda letter: reverse("correspondence:letter", args=[letter.pk]),
        can_change=letter_can_change,
    ))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import QuerySet

AnyUser = User | AnonymousUser


def _no_summary(obj: Any) -> str:
    return ""


def _never(user: AnyUser, obj: Any) -> bool:
    return False


@dataclass(frozen=True)
class RecordKind:
    """One kind of record of the workspace.

    Attributes:
        key: ``"app_label.model"`` of the model, e.g. ``"directory.person"``.
        model: the Django model.
        label: the plural name shown as the heading of its search results (translated, lazy).
        visible_to: ``visible_to(user) -> QuerySet`` of the records *user* may open; an empty
            queryset for users who may open none. Must not raise.
        url: ``url(obj) -> str``, the workspace address that opens the record.
        can_change: ``can_change(user, obj) -> bool``; default: nobody.
        summary: ``summary(obj) -> str``, one line shown under the title in search results.
        order: position of the kind's group in search results (smaller first).
        related: ``prefetch_related`` lookups that ``summary`` (and ``str()``) read, so that a
            page of search results costs a fixed number of queries, e.g. ``("roles__unit",)``.
    """

    key: str
    model: type[models.Model]
    label: Any
    visible_to: Callable[[AnyUser], QuerySet[Any]]
    url: Callable[[Any], str]
    can_change: Callable[[AnyUser, Any], bool] = _never
    summary: Callable[[Any], str] = _no_summary
    order: int = 100
    related: tuple[str, ...] = ()


_KINDS: dict[str, RecordKind] = {}


def register_kind(kind: RecordKind) -> None:
    """Register *kind*; registering the same key again replaces it (tests, reloads).

    Raises:
        ValueError: *kind.key* is not the ``app_label.model_name`` of *kind.model*.
    """
    expected = kind.model._meta.label_lower
    if kind.key != expected:
        raise ValueError(f"record kind key {kind.key!r} must be {expected!r}")
    _KINDS[kind.key] = kind


def unregister_kind(key: str) -> None:
    """Forget the kind *key* (used by tests); unknown keys are ignored."""
    _KINDS.pop(key, None)


def record_kinds() -> list[RecordKind]:
    """Every registered kind, in display order (then by key)."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.key))


def kind_for(model_or_obj: type[models.Model] | models.Model) -> RecordKind | None:
    """The registered kind of a model or of an instance, or ``None``."""
    return _KINDS.get(model_or_obj._meta.label_lower)


def user_can_view(user: AnyUser, obj: models.Model) -> bool:
    """Whether *user* may open *obj*: its kind's ``visible_to(user)`` contains it.

    Records of unregistered kinds are visible to nobody (deny by default).
    """
    kind = kind_for(obj)
    if kind is None or not getattr(user, "is_authenticated", False):
        return False
    return kind.visible_to(user).filter(pk=obj.pk).exists()


def user_can_change(user: AnyUser, obj: models.Model) -> bool:
    """Whether *user* may change *obj* (attach documents, ...); deny by default."""
    kind = kind_for(obj)
    if kind is None or not getattr(user, "is_authenticated", False):
        return False
    return user_can_view(user, obj) and kind.can_change(user, obj)
