"""The storage of dossier attachments (:mod:`core.documents`), looked up at each use.

``STORAGES["documents"]`` (settings): local disk under ``DOCUMENTS_ROOT`` by default, never
served as media; an S3 bucket with ``DOCUMENTS_STORAGE=s3``.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import Storage, storages

STORAGE_ALIAS = "documents"


def documents_backend() -> Storage:
    """The configured documents storage (``storages["documents"]``)."""
    return storages[STORAGE_ALIAS]


class DocumentsStorage(Storage):
    """A storage that forwards every call to ``storages["documents"]`` at the time of the call.

    ``FileField(storage=callable)`` evaluates the callable once, when the model class is
    created; forwarding keeps the field on whatever ``STORAGES`` says now (tests override
    it with a temporary folder). Migrations record the callable, not a path.
    """

    def _open(self, name: str, mode: str = "rb") -> File:
        return documents_backend().open(name, mode)

    def save(self, name: str | None, content: IO[Any], max_length: int | None = None) -> str:
        return documents_backend().save(name, content, max_length=max_length)

    def generate_filename(self, filename: str | os.PathLike[str]) -> str:
        return documents_backend().generate_filename(filename)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return documents_backend().get_available_name(name, max_length=max_length)

    def get_valid_name(self, name: str) -> str:
        return documents_backend().get_valid_name(name)

    def delete(self, name: str) -> None:
        documents_backend().delete(name)

    def exists(self, name: str) -> bool:
        return documents_backend().exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return documents_backend().listdir(path)

    def size(self, name: str) -> int:
        return documents_backend().size(name)

    def url(self, name: str | None) -> str:
        return documents_backend().url(name)

    def path(self, name: str) -> str:
        return documents_backend().path(name)

    def get_accessed_time(self, name: str) -> datetime:
        return documents_backend().get_accessed_time(name)

    def get_created_time(self, name: str) -> datetime:
        return documents_backend().get_created_time(name)

    def get_modified_time(self, name: str) -> datetime:
        return documents_backend().get_modified_time(name)
