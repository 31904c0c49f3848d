"""Signals of the directory: cache invalidation only (no business rule here).

Any save or delete of a directory row, and any change of a role's portfolio, drops the
"who handles what" search index (``selectors.invalidate_directory_cache``) and makes the
cached public pages stale (``core.cache.public_cache_invalidate``: unit, person and partner
pages show this data). Bulk writes (``bulk_create``/``update``) send no signal: their
callers invalidate explicitly.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from brussels_international.core.cache import public_cache_invalidate

from .models import (
    Directorate,
    EUProgramme,
    InternationalOrganisation,
    Network,
    Partner,
    Person,
    PhoneNumber,
    Role,
    Topic,
    Unit,
)
from .selectors import invalidate_directory_cache

_MODELS = (
    Directorate,
    Unit,
    Person,
    PhoneNumber,
    Role,
    Partner,
    Network,
    InternationalOrganisation,
    EUProgramme,
    Topic,
)
_PORTFOLIO_THROUGH = (
    Role.partners.through,
    Role.networks.through,
    Role.organisations.through,
    Role.programmes.through,
    Role.topics.through,
)


def _invalidate(sender: Any, **kwargs: Any) -> None:
    invalidate_directory_cache()
    public_cache_invalidate()


for _model in _MODELS:
    post_save.connect(_invalidate, sender=_model, dispatch_uid=f"directory-cache-save-{_model.__name__}")
    post_delete.connect(_invalidate, sender=_model, dispatch_uid=f"directory-cache-delete-{_model.__name__}")


@receiver(m2m_changed, dispatch_uid="directory-cache-m2m")
def _portfolio_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if sender in _PORTFOLIO_THROUGH and action in {"post_add", "post_remove", "post_clear"}:
        invalidate_directory_cache()
        public_cache_invalidate()
