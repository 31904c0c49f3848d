"""Documents attached to dossiers: content checks, services, selectors, text extraction.

Any record of a kind registered in :mod:`core.registry` can carry documents (a partner's
signed cooperation agreement, a licence application's annexes). This module is the only
writer of :class:`core.models.Document`:

- **Content checks** (:func:`detect_type`): a file is accepted for what its bytes are, never
  for its name: PDF (starts with ``%PDF-`` and pypdf opens it), PNG and JPEG (signature),
  Word ``.docx``, Excel ``.xlsx`` and OpenDocument ``.odt`` (ZIP packages with their required
  members, no macros), plain text and CSV (UTF-8, no NUL byte, not markup). Programs, web
  pages and SVG (they can carry scripts), archives and everything else are refused, and so
  is a file whose extension contradicts its content. puremagic names what a refused file is.
- **Names** (:func:`sanitise_name`): folder parts dropped, transliterated to ASCII
  (Unidecode), ``get_valid_filename``, Windows reserved names defused, length capped, the
  extension set from the detected type.
- **Services**: :func:`document_upload`, :func:`document_delete` (soft: ``deleted_at``),
  :func:`document_restore` ("Undo"), :func:`documents_purge` (files really removed); each in
  one transaction with its audit entry.
- **Selectors**: :func:`documents_for` (a dossier's documents), :func:`documents_visible_to`
  (the documents a user may open: those of dossiers their kinds' ``visible_to`` return).
- **Text for search**: :func:`extract_document_text`, a django-tasks task queued when the
  upload commits, stores the text of PDFs (pypdf, first ``DOCUMENT_TEXT_MAX_PAGES`` pages)
  and text files on the document, and says in ``text_status`` how it went.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import mimetypes
import re
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import puremagic
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from pypdf import PdfReader
from unidecode import unidecode

from .document_storage import documents_backend
from .models import AuditVerb, Document, DocumentTextStatus
from .registry import AnyUser, RecordKind, kind_for, record_kinds, register_kind, user_can_change, user_can_view
from .services import Actor, audit_record

logger = logging.getLogger(__name__)

# --- File types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    """A type of file the platform accepts.

    Attributes:
        key: short name (``"pdf"``, ``"docx"``...).
        extension: the extension given to stored and served names, without the dot.
        extensions: the extensions a name may carry for this type (lower case, no dot).
        content_type: the ``Content-Type`` the file is served with.
        label: what it is, for people ("a PDF document"), translated lazily.
        short_label: the type column of the documents panel ("PDF").
        has_text: whether :func:`extract_document_text` reads text from it.
    """

    key: str
    extension: str
    extensions: frozenset[str]
    content_type: str
    label: Any
    short_label: Any
    has_text: bool = False


PDF = FileType("pdf", "pdf", frozenset({"pdf"}), "application/pdf", _("a PDF document"), _("PDF"), True)
PNG = FileType("png", "png", frozenset({"png"}), "image/png", _("a PNG image"), _("PNG image"))
JPEG = FileType(
    "jpeg", "jpg", frozenset({"jpg", "jpeg", "jpe", "jfif"}), "image/jpeg", _("a JPEG image"), _("JPEG image")
)
DOCX = FileType(
    "docx",
    "docx",
    frozenset({"docx"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _("a Word document (.docx)"),
    _("Word"),
)
XLSX = FileType(
    "xlsx",
    "xlsx",
    frozenset({"xlsx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _("an Excel workbook (.xlsx)"),
    _("Excel"),
)
ODT = FileType(
    "odt",
    "odt",
    frozenset({"odt"}),
    "application/vnd.oasis.opendocument.text",
    _("an OpenDocument text (.odt)"),
    _("OpenDocument text"),
)
TEXT = FileType("text", "txt", frozenset({"txt"}), "text/plain; charset=utf-8", _("plain text"), _("Text"), True)
CSV = FileType("csv", "csv", frozenset({"csv"}), "text/csv; charset=utf-8", _("a CSV table"), _("CSV table"), True)

FILE_TYPES: tuple[FileType, ...] = (PDF, PNG, JPEG, DOCX, XLSX, ODT, TEXT, CSV)
_BY_CONTENT_TYPE = {file_type.content_type: file_type for file_type in FILE_TYPES}

ACCEPTED_TYPES_TEXT = _(
    "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG and JPEG images, plain text and CSV (UTF-8)"
)


def file_type_for(content_type: str) -> FileType | None:
    """The accepted type served as *content_type* (a stored document's), or ``None``."""
    return _BY_CONTENT_TYPE.get(content_type)


# Extensions that name a type of file: Python's built-in table (not the machine's
# /etc/mime.types, so the answer is the same everywhere) and the formats staff meet.
_KNOWN_EXTENSIONS = frozenset(
    ext.lstrip(".").lower()
    for table in mimetypes.MimeTypes(filenames=()).types_map
    for ext in table
) | frozenset(
    {ext for file_type in FILE_TYPES for ext in file_type.extensions}
    | {
        "7z", "apk", "app", "bmp", "cab", "cmd", "com", "deb", "dmg", "docm", "dot", "dotx", "eml", "epub",
        "gif", "gz", "heic", "htm", "html", "iso", "jar", "js", "lnk", "md", "mjs", "msg", "msi", "odp",
        "ods", "pages", "pps", "ppt", "pptm", "pptx", "ps1", "rar", "rpm", "rtf", "scr", "svg", "svgz", "tar",
        "tgz", "tif", "tiff", "vbs", "webp", "xhtml", "xlsm", "xltx", "xml", "xz", "zip", "zst",
    }
)  # fmt: skip


def claimed_extension(filename: str) -> str:
    """The type extension *filename* ends with (lower case, no dot), or ``""``.

    Only extensions that name a type of file count: ``"Minutes v1.2"`` claims nothing,
    ``"agreement.PDF"`` claims ``"pdf"``. Folder parts are ignored.
    """
    base = re.split(r"[\\/]", filename)[-1]
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem.strip(". "):
        return ""
    ext = ext.strip().lower()
    return ext if ext in _KNOWN_EXTENSIONS else ""


# --- Content checks --------------------------------------------------------------------------


class DocumentRefused(ValidationError):
    """The file cannot be attached; the message says why and what to do (translated)."""


_PROGRAM_SIGNATURES: tuple[tuple[bytes, Any], ...] = (
    (b"MZ", _("a Windows program")),
    (b"\x7fELF", _("a Linux program")),
    (b"\xfe\xed\xfa\xce", _("a macOS program")),
    (b"\xfe\xed\xfa\xcf", _("a macOS program")),
    (b"\xce\xfa\xed\xfe", _("a macOS program")),
    (b"\xcf\xfa\xed\xfe", _("a macOS program")),
    (b"\xca\xfe\xba\xbe", _("a program (Java or macOS)")),
    (b"#!", _("a script")),
)
_ARCHIVE_SIGNATURES: tuple[tuple[bytes, Any], ...] = (
    (b"\x1f\x8b", _("a gzip archive")),
    (b"BZh", _("a bzip2 archive")),
    (b"\xfd7zXZ\x00", _("an xz archive")),
    (b"7z\xbc\xaf\x27\x1c", _("a 7-Zip archive")),
    (b"Rar!\x1a\x07", _("a RAR archive")),
    (b"\x28\xb5\x2f\xfd", _("a Zstandard archive")),
    (b"MSCF", _("a cabinet archive")),
    (b"PK\x05\x06", _("an empty ZIP archive")),
    (b"PK\x07\x08", _("a ZIP archive")),
)
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_ZIP_SIGNATURE = b"PK\x03\x04"
_MARKUP_START = re.compile(r"\s*<[A-Za-z!?/]")
_MARKUP_MIME = ("html", "svg", "xml", "javascript", "ecmascript", "x-sh", "x-php")

_ZIP_MAX_MEMBERS = 10_000
_ZIP_SMALL_MEMBER_BYTES = 1024 * 1024  # [Content_Types].xml and mimetype are tiny; read no more


def _refuse(message: str, name: str, code: str, **params: Any) -> DocumentRefused:
    return DocumentRefused(message % {"name": name, **params}, code=code)


def _puremagic_name(data: bytes) -> tuple[str, str]:
    """(name, mime type) of *data* according to puremagic, or ``("", "")`` when it cannot say."""
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return "", ""
    if not matches:
        return "", ""
    best = max(matches, key=lambda match: match.confidence)
    return str(best.name), str(best.mime_type)


def _pdf_opens(data: bytes) -> bool:
    """Whether pypdf can open *data* and count its pages (encrypted files: their structure)."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return True  # a valid, protected PDF: stored, its text is not readable (text_status "failed")
        return len(reader.pages) >= 0
    except Exception:  # pypdf raises many kinds of errors on damaged files
        return False


def _read_member(archive: zipfile.ZipFile, member: str) -> bytes:
    info = archive.getinfo(member)
    if info.file_size > _ZIP_SMALL_MEMBER_BYTES:
        return b""
    with archive.open(info) as handle:
        return handle.read(_ZIP_SMALL_MEMBER_BYTES)


def _zip_type(data: bytes, name: str) -> FileType:
    """The Office or OpenDocument type of the ZIP package *data*; refuse other archives."""
    archive_error = _refuse(
        gettext("“%(name)s” is a ZIP archive; archives are not accepted. Attach the files it contains one by one."),
        name,
        "archive",
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _refuse(
            gettext("“%(name)s” looks like a ZIP package (Word, Excel, OpenDocument) but is damaged."),
            name,
            "damaged",
        ) from exc
    if len(members) > _ZIP_MAX_MEMBERS:
        raise archive_error
    names = set(members)
    # Macros (vbaProject.bin, Basic/, Scripts/), and OLE objects and ActiveX controls (oleObject*.bin,
    # activeX*.bin: they can carry programs or macro-enabled files inside a macro-free document).
    # Embedded charts and workbooks (.xlsx under embeddings/) are plain packages and stay allowed.
    macros = any(
        member.lower().endswith(".bin") or "/activex/" in member.lower() or member.startswith(("Basic/", "Scripts/"))
        for member in members
    )
    found: FileType | None = None
    try:
        if "[Content_Types].xml" in names:
            declared = _read_member(archive, "[Content_Types].xml")
            if b"macroEnabled" in declared:
                macros = True
            if "word/document.xml" in names and b"wordprocessingml.document.main+xml" in declared:
                found = DOCX
            elif "xl/workbook.xml" in names and b"spreadsheetml.sheet.main+xml" in declared:
                found = XLSX
        elif {"mimetype", "content.xml", "META-INF/manifest.xml"} <= names and _read_member(
            archive, "mimetype"
        ).strip() == ODT.content_type.encode():
            found = ODT
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, RuntimeError, EOFError) as exc:
        raise _refuse(
            gettext("“%(name)s” looks like a ZIP package (Word, Excel, OpenDocument) but is damaged."),
            name,
            "damaged",
        ) from exc
    if macros:
        raise _refuse(
            gettext(
                "“%(name)s” contains macros, which can run code. Save it without macros "
                "(as .docx, .xlsx or .odt) or as PDF."
            ),
            name,
            "macros",
        )
    if found is None:
        raise archive_error
    return found


def _text_type(data: bytes, name: str) -> FileType:
    """Plain text or CSV (by the name's extension) when *data* is UTF-8 text that is not markup."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _refuse(gettext("“%(name)s” is text in UTF-16; save it as UTF-8 text."), name, "encoding")
    if b"\x00" in data:
        what, _mime = _puremagic_name(data)
        raise _unsupported(name, what)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _refuse(
            gettext("“%(name)s” is not UTF-8 text (line %(line)d); save it as UTF-8."),
            name,
            "encoding",
            line=data[: exc.start].count(b"\n") + 1,
        ) from exc
    _what, mime = _puremagic_name(data)
    if _MARKUP_START.match(text) or any(marker in mime for marker in _MARKUP_MIME):
        raise _refuse(
            gettext(
                "“%(name)s” is a web page, SVG or XML file, which can carry scripts; these are not "
                "accepted. Save it as PDF."
            ),
            name,
            "markup",
        )
    return CSV if claimed_extension(name) == "csv" else TEXT


def _unsupported(name: str, what: str) -> DocumentRefused:
    if what:
        return _refuse(
            gettext("“%(name)s” is not a type of file we accept (it looks like: %(what)s). Accepted: %(accepted)s."),
            name,
            "unsupported",
            what=what,
            accepted=ACCEPTED_TYPES_TEXT,
        )
    return _refuse(
        gettext("“%(name)s” is not a type of file we accept. Accepted: %(accepted)s."),
        name,
        "unsupported",
        accepted=ACCEPTED_TYPES_TEXT,
    )


def detect_type(data: bytes, filename: str) -> FileType:
    """Say what *data* is, from its bytes; refuse what the platform does not accept.

    Args:
        data: the whole file (at most ``DOCUMENT_MAX_BYTES``).
        filename: the name the user gave it; only its extension is used, to check it agrees
            with the content and to tell CSV from plain text.

    Returns:
        The accepted :class:`FileType`.

    Raises:
        DocumentRefused: empty file; a program or script; an archive; an old Office file
            (``.doc``/``.xls``, which can carry macros) or an Office file with macros; HTML, SVG
            or XML (they can carry scripts); a PDF that pypdf cannot open; text that is not
            UTF-8; any other type; or a name whose extension contradicts the content
            (a PNG named ``x.pdf``). Rule: issue 3 "Documents" (types by content, not by name).
    """
    name = re.split(r"[\\/]", filename)[-1] or filename
    if not data:
        raise _refuse(gettext("“%(name)s” is empty."), name, "empty")
    for signature, what in _PROGRAM_SIGNATURES:
        if data.startswith(signature):
            raise _refuse(
                gettext("“%(name)s” is %(what)s; programs and scripts are not accepted."), name, "program", what=what
            )
    for signature, what in _ARCHIVE_SIGNATURES:
        if data.startswith(signature):
            raise _refuse(
                gettext("“%(name)s” is %(what)s; archives are not accepted. Attach the files it contains one by one."),
                name,
                "archive",
                what=what,
            )
    if data[257:262] == b"ustar":
        raise _refuse(
            gettext("“%(name)s” is %(what)s; archives are not accepted. Attach the files it contains one by one."),
            name,
            "archive",
            what=gettext("a tar archive"),
        )
    if data.startswith(_OLE_SIGNATURE):
        raise _refuse(
            gettext(
                "“%(name)s” is in an old Microsoft Office format (.doc, .xls, .ppt), which can carry macros. "
                "Save it as .docx, .xlsx or PDF."
            ),
            name,
            "old_office",
        )
    detected: FileType
    if data.startswith(b"%PDF-"):
        if not _pdf_opens(data):
            raise _refuse(
                gettext("“%(name)s” starts like a PDF but cannot be read as one: it is damaged or incomplete."),
                name,
                "damaged",
            )
        detected = PDF
    elif data.startswith(_PNG_SIGNATURE):
        detected = PNG
    elif data.startswith(_JPEG_SIGNATURE):
        detected = JPEG
    elif data.startswith(_ZIP_SIGNATURE):
        detected = _zip_type(data, name)
    else:
        detected = _text_type(data, name)
    claimed = claimed_extension(name)
    if claimed and claimed not in detected.extensions:
        raise _refuse(
            gettext(
                "“%(name)s” is named as a .%(extension)s file but its content is %(what)s. Rename it "
                "with the right extension (.%(right)s) or choose the right file."
            ),
            name,
            "extension",
            extension=claimed,
            what=detected.label,
            right=detected.extension,
        )
    return detected


# --- Names -----------------------------------------------------------------------------------

MAX_NAME_LENGTH = 100
"""Longest sanitised file name, extension included (characters)."""

# Names Windows refuses for a file, whatever the extension (Microsoft, "Naming Files, Paths,
# and Namespaces").
WINDOWS_RESERVED_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in "123456789¹²³"}
    | {f"LPT{n}" for n in "123456789¹²³"}
)


def sanitise_name(filename: str, extension: str) -> str:
    """A safe file name for *filename*, ending in ``.extension``.

    Folder parts (``/`` and ``\\``) are dropped, the extension the name claims (if any) is
    replaced by *extension*, the rest is transliterated to ASCII (Unidecode: "Kraków" →
    "Krakow"), passed through Django's ``get_valid_filename`` (spaces become ``_``, other
    characters than letters, digits, ``-``, ``_`` and ``.`` are dropped), runs of ``_`` are
    collapsed, leading and trailing dots and dashes removed, a Windows reserved name gets a
    ``_`` (``CON.txt`` → ``CON_.txt``), and the whole is cut to :data:`MAX_NAME_LENGTH`
    characters. An empty result becomes ``document``.

    Examples: ``"../../etc/passwd"`` + ``"txt"`` → ``"passwd.txt"``;
    ``"Accord de coopération – Kraków (2024).pdf"`` + ``"pdf"`` →
    ``"Accord_de_cooperation_-_Krakow_2024.pdf"``.
    """
    base = re.split(r"[\\/]", filename)[-1]
    claimed = claimed_extension(base)
    stem = base[: -(len(claimed) + 1)] if claimed else base
    stem = unidecode(stem).strip()
    try:
        stem = get_valid_filename(stem) if stem else ""
    except SuspiciousFileOperation:  # "", "." or ".."
        stem = ""
    stem = re.sub(r"_{2,}", "_", stem)
    stem = re.sub(r"\.{2,}", ".", stem).strip("._- ") or "document"
    first, dot, rest = stem.partition(".")
    if first.upper() in WINDOWS_RESERVED_NAMES:
        stem = f"{first}_{dot}{rest}"
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(". ")  # Windows drops trailing dots and spaces
    return f"{stem}.{extension}"


# --- Services --------------------------------------------------------------------------------


def _check_may_change(actor: Actor, dossier: models.Model) -> None:
    if actor is None:  # the system (a command, a task)
        return
    if not user_can_change(actor, dossier):
        raise PermissionDenied(gettext("You may not change the documents of this record."))


def _read_limited(uploaded_file: File, limit: int, name: str) -> bytes:
    """The bytes of *uploaded_file*, refusing more than *limit* bytes even if its size lied."""
    chunks: list[bytes] = []
    total = 0
    for chunk in uploaded_file.chunks():
        total += len(chunk)
        if total > limit:
            raise _too_large(name, total, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(name: str, size: int, limit: int) -> DocumentRefused:
    return _refuse(
        gettext("“%(name)s” is too large (%(size)s); the limit is %(limit)s."),
        name,
        "too_large",
        size=filesizeformat(size),
        limit=filesizeformat(limit),
    )


def document_upload(*, actor: Actor, dossier: models.Model, uploaded_file: File, title: str = "") -> Document:
    """Attach *uploaded_file* to *dossier*, after checking what it is.

    Args:
        actor: who uploads; must be allowed to change the dossier
            (:func:`core.registry.user_can_change`); ``None`` for the system.
        dossier: a saved record of a registered kind (a partner, a case...).
        uploaded_file: the file (a Django ``UploadedFile`` or ``File``), at most
            ``settings.DOCUMENT_MAX_BYTES`` bytes (default 20 MiB).
        title: an optional title shown instead of the file name (at most 255 characters).

    Returns:
        The saved :class:`Document`: sanitised ``name``, detected ``content_type``, ``size`` in
        bytes, ``sha256``; ``text_status`` "pending" for PDF and text files (the extraction
        task is queued when the transaction commits), "none" for the others. An audit entry
        "created" (target: the dossier) is written in the same transaction.

    Raises:
        PermissionDenied: *actor* may not change *dossier*.
        DocumentRefused: empty, too large, refused type, or an extension that contradicts
            the content (see :func:`detect_type`). Nothing is stored then: no row, no file.
        ValidationError: *dossier* is unsaved or of an unregistered kind; title too long.
    """
    _check_may_change(actor, dossier)
    if dossier.pk is None or kind_for(dossier) is None or isinstance(dossier, Document):
        raise ValidationError(gettext("Documents can only be attached to a saved workspace record."))
    title = title.strip()
    if len(title) > 255:
        raise ValidationError(gettext("The title is too long (at most 255 characters)."), code="title")
    original = str(uploaded_file.name or "")
    shown = re.split(r"[\\/]", original)[-1] or gettext("the file")
    limit = int(settings.DOCUMENT_MAX_BYTES)
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise _too_large(shown, uploaded_file.size, limit)
    data = _read_limited(uploaded_file, limit, shown)
    file_type = detect_type(data, original or shown)
    name = sanitise_name(original, file_type.extension)
    storage_name = f"{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{file_type.extension}"
    stored: str | None = None
    try:
        with transaction.atomic():
            document = Document(
                dossier_type=ContentType.objects.get_for_model(dossier, for_concrete_model=False),
                dossier_id=str(dossier.pk),
                name=name,
                title=title,
                content_type=file_type.content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                text_status=DocumentTextStatus.PENDING if file_type.has_text else DocumentTextStatus.NONE,
                uploaded_by=actor if isinstance(actor, User) else None,
            )
            document.file.save(storage_name, ContentFile(data), save=False)
            stored = str(document.file.name)
            document.save()
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=document,
                target=dossier,
                payload={
                    "name": name,
                    "title": title,
                    "content_type": file_type.content_type,
                    "size": len(data),
                    "sha256": document.sha256,
                },
            )
            if file_type.has_text:
                document_id = document.pk
                transaction.on_commit(lambda: extract_document_text.enqueue(document_id))
    except BaseException:
        if stored:
            documents_backend().delete(stored)
        raise
    return document


def _lock_for_change(actor: Actor, document: Document) -> tuple[Document, Any]:
    """Lock *document*'s row (inside the caller's transaction) and check that *actor* may change
    its dossier. Returns ``(locked document, dossier)``.

    Raises:
        PermissionDenied: the dossier no longer exists, or *actor* may not change it.
    """
    locked = Document.objects.select_for_update().get(pk=document.pk)
    dossier = locked.dossier
    if dossier is None:
        raise PermissionDenied(gettext("The record of this document no longer exists."))
    _check_may_change(actor, dossier)
    return locked, dossier


def document_delete(*, actor: Actor, document: Document) -> Document:
    """Delete *document* softly: it leaves the dossier's list and search, its file stays.

    Args:
        actor: who deletes; must be allowed to change the document's dossier (``None``: system).
        document: a document that is not deleted.

    Returns:
        The document, with ``deleted_at`` and ``deleted_by`` set; an audit entry "deleted"
        (target: the dossier) in the same transaction. :func:`document_restore` undoes it.

    Raises:
        PermissionDenied: *actor* may not change the dossier (or it no longer exists).
        ValidationError: the document is already deleted.
    """
    with transaction.atomic():
        locked, dossier = _lock_for_change(actor, document)
        if locked.deleted_at is not None:
            raise ValidationError(gettext("“%(name)s” is already deleted.") % {"name": locked.name})
        locked.deleted_at = timezone.now()
        locked.deleted_by = actor if isinstance(actor, User) else None
        locked.save(update_fields=["deleted_at", "deleted_by"])
        audit_record(
            actor=actor, verb=AuditVerb.DELETED, obj=locked, target=dossier, payload={"name": locked.name, "soft": True}
        )
    document.deleted_at, document.deleted_by = locked.deleted_at, locked.deleted_by
    return document


def document_restore(*, actor: Actor, document: Document) -> Document:
    """Undo :func:`document_delete`: *document* is back in its dossier and in search.

    Args:
        actor: who restores; must be allowed to change the dossier (``None``: system).
        document: a deleted document whose file is still stored.

    Returns:
        The document, ``deleted_at`` and ``deleted_by`` cleared; an audit entry "updated" with
        ``{"changes": {"deleted": [true, false]}}`` in the same transaction.

    Raises:
        PermissionDenied: *actor* may not change the dossier (or it no longer exists).
        ValidationError: the document is not deleted.
    """
    with transaction.atomic():
        locked, dossier = _lock_for_change(actor, document)
        if locked.deleted_at is None:
            raise ValidationError(gettext("“%(name)s” is not deleted.") % {"name": locked.name})
        locked.deleted_at = None
        locked.deleted_by = None
        locked.save(update_fields=["deleted_at", "deleted_by"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            target=dossier,
            payload={"name": locked.name, "changes": {"deleted": [True, False]}},
        )
    document.deleted_at, document.deleted_by = None, None
    return document


def _delete_stored_file(name: str) -> None:
    documents_backend().delete(name)


def documents_purge(*, actor: Actor, deleted_before: dt.datetime) -> int:
    """Remove for good the documents deleted before *deleted_before*: rows and files.

    Args:
        actor: who purges (``None`` for the command).
        deleted_before: an aware datetime; documents deleted earlier are purged.

    Returns:
        The number of documents purged. Each gets an audit entry "deleted" with
        ``{"purged": true}`` before its row goes; its file is removed after the commit.
    """
    purged = 0
    with transaction.atomic():
        for document in Document.objects.select_for_update().filter(deleted_at__lt=deleted_before).order_by("pk"):
            audit_record(
                actor=actor,
                verb=AuditVerb.DELETED,
                obj=document,
                payload={"name": document.name, "purged": True, "sha256": document.sha256},
            )
            stored = str(document.file.name)
            document.delete()
            transaction.on_commit(partial(_delete_stored_file, stored))
            purged += 1
    return purged


# --- Selectors -------------------------------------------------------------------------------


def documents_for(dossier: models.Model) -> QuerySet[Document]:
    """The documents of *dossier* that are not deleted, newest first, uploader loaded.

    The caller checks that the user may see the dossier (:func:`core.registry.user_can_view`).
    """
    return Document.objects.filter(
        dossier_type=ContentType.objects.get_for_model(dossier, for_concrete_model=False),
        dossier_id=str(dossier.pk),
        deleted_at__isnull=True,
    ).select_related("uploaded_by")


def documents_visible_to(user: AnyUser) -> QuerySet[Document]:
    """The documents *user* may open: not deleted, attached to a dossier that *user* may open.

    Built from every other registered kind's ``visible_to(user)``, as one query:
    ``dossier_type = <kind> AND dossier_id IN (SELECT CAST(pk AS text) ...)`` per kind (the
    ``dossier_id`` column is text, so the subquery casts the primary keys; no pk is loaded).
    Kinds that show *user* nothing are skipped; anonymous users see nothing. The filters use
    only ``dossier_type``, ``dossier_id`` and ``deleted_at``, indexed as filter fields, so the
    result can be searched with Wagtail's search backends.
    """
    if not getattr(user, "is_authenticated", False):
        return Document.objects.none()
    condition = Q()
    for kind in record_kinds():
        if kind.model is Document:
            continue
        visible = kind.visible_to(user)
        if visible.query.is_empty():
            continue
        pks = (
            visible.order_by()
            .annotate(document_dossier_pk=Cast("pk", output_field=CharField()))
            .values("document_dossier_pk")
        )
        content_type = ContentType.objects.get_for_model(kind.model, for_concrete_model=False)
        condition |= Q(dossier_type=content_type, dossier_id__in=pks)
    if not condition:
        return Document.objects.none()
    return Document.objects.filter(condition, deleted_at__isnull=True)


def document_for_user(user: AnyUser, pk: int, *, deleted: bool = False) -> tuple[Document, models.Model] | None:
    """The document *pk* and its dossier if *user* may open the dossier, else ``None``.

    Args:
        user: the requesting user.
        pk: the document's id.
        deleted: look for a deleted document (to restore it) instead of a live one.

    Returns:
        ``(document, dossier)``, or ``None`` when the document does not exist, is (not)
        deleted, its dossier is gone, or *user* may not open the dossier: views answer 404
        in every such case, so nobody learns that a document exists.
    """
    document = Document.objects.filter(pk=pk, deleted_at__isnull=not deleted).select_related("uploaded_by").first()
    if document is None:
        return None
    dossier = document.dossier
    if dossier is None or not user_can_view(user, dossier):
        return None
    return document, dossier


# --- Text extraction -------------------------------------------------------------------------

DEFAULT_TEXT_MAX_PAGES = 300
DEFAULT_TEXT_MAX_CHARS = 1_000_000


@dataclass(frozen=True)
class ExtractedText:
    """The outcome of an extraction: text, :class:`DocumentTextStatus` and a note for staff."""

    text: str
    status: DocumentTextStatus
    note: str = ""


def _clean_text(text: str, max_chars: int) -> str:
    # PostgreSQL text cannot hold NUL characters; some PDFs produce them.
    return text.replace("\x00", "").strip()[:max_chars]


def pdf_text(data: bytes, *, max_pages: int, max_chars: int) -> ExtractedText:
    """The text of the PDF *data* (pypdf), at most *max_pages* pages and *max_chars* characters.

    Never raises: an encrypted PDF that does not open with an empty password, or a damaged
    one, gives ``failed`` with the reason in ``note``; a PDF without a text layer (a scan)
    gives ``none``.
    """
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:  # unsupported encryption, missing crypto library
                opened = False
            if not opened:
                return ExtractedText("", DocumentTextStatus.FAILED, "encrypted")
        pages = reader.pages
        count = len(pages)
        parts = [pages[number].extract_text() or "" for number in range(min(count, max_pages))]
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        logger.info("PDF text extraction failed: %s", exc)
        return ExtractedText("", DocumentTextStatus.FAILED, f"unreadable: {type(exc).__name__}"[:255])
    text = _clean_text("\n".join(parts), max_chars)
    note = f"first {max_pages} of {count} pages" if count > max_pages else ""
    if not text:
        return ExtractedText("", DocumentTextStatus.NONE, note or "no text layer")
    return ExtractedText(text, DocumentTextStatus.EXTRACTED, note)


@task()
def extract_document_text(document_id: int) -> str:
    """Extract the text of document *document_id* for search and store it on the document.

    Queued by :func:`document_upload` when its transaction commits (the ``db_worker`` runs
    it; tests run it at once). PDFs: :func:`pdf_text` with ``DOCUMENT_TEXT_MAX_PAGES``
    (default 300) pages; text and CSV files: their UTF-8 text. At most
    ``DOCUMENT_TEXT_MAX_CHARS`` (default 1,000,000) characters are kept. A missing file or a
    damaged PDF gives ``failed``, never an exception.

    Args:
        document_id: the :class:`Document`'s id.

    Returns:
        The new ``text_status`` (``"missing"`` when the document no longer exists, the
        current status when it was not waiting for extraction).
    """
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return "missing"
    if document.text_status != DocumentTextStatus.PENDING:
        return str(document.text_status)
    max_pages = int(getattr(settings, "DOCUMENT_TEXT_MAX_PAGES", DEFAULT_TEXT_MAX_PAGES))
    max_chars = int(getattr(settings, "DOCUMENT_TEXT_MAX_CHARS", DEFAULT_TEXT_MAX_CHARS))
    try:
        with document.file.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        result = ExtractedText("", DocumentTextStatus.FAILED, f"file unreadable: {type(exc).__name__}")
    else:
        if document.content_type == PDF.content_type:
            result = pdf_text(data, max_pages=max_pages, max_chars=max_chars)
        elif document.content_type in (TEXT.content_type, CSV.content_type):
            text = _clean_text(data.decode("utf-8-sig", errors="replace"), max_chars)
            result = ExtractedText(text, DocumentTextStatus.EXTRACTED if text else DocumentTextStatus.NONE)
        else:
            result = ExtractedText("", DocumentTextStatus.NONE)
    document.text, document.text_status, document.text_note = result.text, result.status, result.note
    document.save(update_fields=["text", "text_status", "text_note"])  # post_save updates the search index
    return str(result.status)


# --- Registry --------------------------------------------------------------------------------


def document_url(document: Document) -> str:
    """The workspace address that downloads *document*."""
    return reverse("core_document_download", args=[document.pk])


def _document_can_change(user: AnyUser, document: Document) -> bool:
    dossier = document.dossier
    return dossier is not None and user_can_change(user, dossier)


def _document_summary(document: Document) -> str:
    file_type = file_type_for(document.content_type)
    label = str(file_type.short_label) if file_type else document.content_type
    return f"{document.name} · {label} · {filesizeformat(document.size)}"


def register_document_kind() -> None:
    """Register documents as a kind of record (search results link to the download)."""
    visible_to: Callable[[AnyUser], QuerySet[Any]] = documents_visible_to
    register_kind(
        RecordKind(
            key="core.document",
            model=Document,
            label=_("Documents"),
            visible_to=visible_to,
            url=document_url,
            can_change=_document_can_change,
            summary=_document_summary,
            order=900,
        )
    )
