"""Dossier documents: content checks, names, storage, text extraction and search, download
permissions and headers, the panel on a partner's page, delete and undo, the audit trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pypdf
import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from brussels_international.core import documents as documents_module
from brussels_international.core.documents import (
    DocumentRefused,
    document_delete,
    document_restore,
    document_upload,
    documents_for,
    documents_purge,
    documents_visible_to,
    sanitise_name,
)
from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry, AuditVerb, Document, DocumentTextStatus
from brussels_international.core.registry import RecordKind, kind_for, register_kind, unregister_kind
from brussels_international.core.tests.auth import staff_login
from brussels_international.directory.models import Partner
from tests.workflow_app.models import DemoDossier

pytestmark = pytest.mark.django_db


# --- Files built by hand ---------------------------------------------------------------------


def make_pdf(*pages: str) -> bytes:
    """A minimal valid PDF: one page per text, each drawn in Helvetica by a content stream."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def make_encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_zip(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


WORD_TYPES = (
    '<Types><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
EXCEL_TYPES = (
    '<Types><Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
WORD_MACRO_TYPES = (
    '<Types><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
)
PDF = make_pdf("Cooperation agreement Brussels Prague", "Vltava river")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
DOCX = make_zip({"[Content_Types].xml": WORD_TYPES, "word/document.xml": "<w:document/>"})
XLSX = make_zip({"[Content_Types].xml": EXCEL_TYPES, "xl/workbook.xml": "<workbook/>"})
ODT = make_zip(
    {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>", "META-INF/manifest.xml": "<m/>"}
)
DOCX_OLE = make_zip(
    {"[Content_Types].xml": WORD_TYPES, "word/document.xml": "<w/>", "word/embeddings/oleObject1.bin": "x"}
)
DOCM = make_zip({"[Content_Types].xml": WORD_MACRO_TYPES, "word/document.xml": "<w/>", "word/vbaProject.bin": "x"})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def storage_dir(settings, tmp_path: Path) -> Path:
    """Every test stores its documents in its own temporary folder."""
    folder = tmp_path / "documents"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


def stored_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


def member(username: str, group: str | None = None) -> User:
    user = User.objects.create_user(username, password="x" * 12, first_name=username.title(), last_name="Test")
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor() -> User:
    """May change partners (Bilateral Relations)."""
    groups_setup()
    return member("editor", "Bilateral Relations")


@pytest.fixture
def reader(editor: User) -> User:
    """May see partners, not change them (Permits)."""
    return member("reader", "Permits")


@pytest.fixture
def outsider() -> User:
    """A staff member who may enter the workspace but not see any partner."""
    user = User.objects.create_user("outsider", password="x" * 12, is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def partner() -> Partner:
    return Partner.objects.create(
        slug="prague", kind="city", country="CZ", latitude=50.08, longitude=14.42,
        name_fr="Prague", name_nl="Praag", name_en="Prague", has_agreement=True,
    )  # fmt: skip


def attach(
    actor: User | None, dossier: models.Model, name: str = "Accord de coopération Prague.pdf", data=PDF, title=""
):
    return document_upload(actor=actor, dossier=dossier, uploaded_file=upload(name, data), title=title)


@pytest.fixture
def agreement(editor: User, partner: Partner, django_capture_on_commit_callbacks) -> Document:
    with django_capture_on_commit_callbacks(execute=True):
        document = attach(editor, partner, title="Signed cooperation agreement 2024")
    document.refresh_from_db()
    return document


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        staff_login(client, user)
    return client


# --- Upload: what is stored ------------------------------------------------------------------


def test_pdf_upload_stores_the_file_extracts_the_text_and_search_finds_it(agreement, editor, partner, storage_dir):
    assert Document.objects.count() == 1
    assert agreement.name == "Accord_de_cooperation_Prague.pdf"
    assert agreement.title == "Signed cooperation agreement 2024"
    assert agreement.content_type == "application/pdf"
    assert agreement.size == len(PDF)
    assert agreement.sha256 == hashlib.sha256(PDF).hexdigest()
    assert agreement.uploaded_by == editor
    assert agreement.dossier == partner
    assert (agreement.dossier_type.model, agreement.dossier_id) == ("partner", str(partner.pk))
    assert stored_files(storage_dir) == [storage_dir / agreement.file.name]
    assert (storage_dir / agreement.file.name).read_bytes() == PDF
    assert agreement.file.name.endswith(".pdf") and "Prague" not in agreement.file.name  # random storage name
    assert agreement.text == "Cooperation agreement Brussels Prague\nVltava river"
    assert (agreement.text_status, agreement.text_note) == (DocumentTextStatus.EXTRACTED, "")
    assert list(Document.objects.search("Vltava")) == [agreement]
    assert list(documents_visible_to(editor).search("Vltava")) == [agreement]
    assert list(Document.objects.search("Danube")) == []


def test_extraction_waits_for_the_commit(editor, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = attach(editor, partner)
    document.refresh_from_db()
    assert (document.text_status, document.text) == (DocumentTextStatus.PENDING, "")
    assert len(callbacks) == 1
    callbacks[0]()
    document.refresh_from_db()
    assert document.text_status == DocumentTextStatus.EXTRACTED


def test_upload_writes_an_audit_entry(agreement, editor, partner):
    entry = AuditEntry.objects.get(verb=AuditVerb.CREATED, object_id=str(agreement.pk))
    assert entry.actor == editor
    assert entry.object_type == ContentType.objects.get_for_model(Document)
    assert (entry.target_type.model, entry.target_id) == ("partner", str(partner.pk))
    assert entry.payload == {
        "name": "Accord_de_cooperation_Prague.pdf",
        "title": "Signed cooperation agreement 2024",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }


@pytest.mark.parametrize(
    ("name", "data", "stored_name", "content_type", "status", "text"),
    [
        ("agreement.PDF", PDF, "agreement.pdf", "application/pdf", "extracted", None),
        ("Photo signature.JPEG", JPEG, "Photo_signature.jpg", "image/jpeg", "none", ""),
        ("logo.png", PNG, "logo.png", "image/png", "none", ""),
        ("Note.docx", DOCX, "Note.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "none", ""),  # noqa: E501
        ("Budget.xlsx", XLSX, "Budget.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "none", ""),  # noqa: E501
        ("Rapport.odt", ODT, "Rapport.odt", "application/vnd.oasis.opendocument.text", "none", ""),
        ("contacts.csv", "nom;ville\nNovák;Praha\n".encode(), "contacts.csv", "text/csv; charset=utf-8", "extracted", "nom;ville\nNovák;Praha"),  # noqa: E501
        ("notes", b"\xef\xbb\xbfMeeting in Prague", "notes.txt", "text/plain; charset=utf-8", "extracted", "Meeting in Prague"),  # noqa: E501
    ],
)  # fmt: skip
def test_accepted_types(
    editor, partner, django_capture_on_commit_callbacks, name, data, stored_name, content_type, status, text
):
    with django_capture_on_commit_callbacks(execute=True):
        document = attach(editor, partner, name=name, data=data)
    document.refresh_from_db()
    assert (document.name, document.content_type, document.text_status) == (stored_name, content_type, status)
    if text is not None:
        assert document.text == text


# --- Upload: what is refused -----------------------------------------------------------------

ACCEPTED = "PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt), PNG and JPEG images, plain text and CSV (UTF-8)"


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("x.pdf", PNG, "extension", "“x.pdf” is named as a .pdf file but its content is a PNG image. Rename it with the right extension (.png) or choose the right file."),  # noqa: E501
        ("report.docx", PDF, "extension", "“report.docx” is named as a .docx file but its content is a PDF document. Rename it with the right extension (.pdf) or choose the right file."),  # noqa: E501
        ("run.bat", b"echo hello\r\n", "extension", "“run.bat” is named as a .bat file but its content is plain text. Rename it with the right extension (.txt) or choose the right file."),  # noqa: E501
        ("setup.exe", EXE, "program", "“setup.exe” is a Windows program; programs and scripts are not accepted."),
        ("invoice.pdf", EXE, "program", "“invoice.pdf” is a Windows program; programs and scripts are not accepted."),
        ("tool", b"\x7fELF\x02\x01\x01" + b"\x00" * 57, "program", "“tool” is a Linux program; programs and scripts are not accepted."),  # noqa: E501
        ("install.txt", b"#!/bin/sh\nrm -rf /\n", "program", "“install.txt” is a script; programs and scripts are not accepted."),  # noqa: E501
        ("page.html", HTML, "markup", "“page.html” is a web page, SVG or XML file, which can carry scripts; these are not accepted. Save it as PDF."),  # noqa: E501
        ("page.txt", HTML, "markup", "“page.txt” is a web page, SVG or XML file, which can carry scripts; these are not accepted. Save it as PDF."),  # noqa: E501
        ("logo.svg", SVG, "markup", "“logo.svg” is a web page, SVG or XML file, which can carry scripts; these are not accepted. Save it as PDF."),  # noqa: E501
        ("empty.pdf", b"", "empty", "“empty.pdf” is empty."),
        ("corrupt.pdf", b"%PDF-1.7\n" + b"\x8a\x13garbage\x00" * 40, "damaged", "“corrupt.pdf” starts like a PDF but cannot be read as one: it is damaged or incomplete."),  # noqa: E501
        ("files.zip", make_zip({"a.txt": "a"}), "archive", "“files.zip” is a ZIP archive; archives are not accepted. Attach the files it contains one by one."),  # noqa: E501
        ("files.docx", make_zip({"a.txt": "a"}), "archive", "“files.docx” is a ZIP archive; archives are not accepted. Attach the files it contains one by one."),  # noqa: E501
        ("backup.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 20, "archive", "“backup.gz” is a gzip archive; archives are not accepted. Attach the files it contains one by one."),  # noqa: E501
        ("macro.docx", DOCM, "macros", "“macro.docx” contains macros, which can run code. Save it without macros (as .docx, .xlsx or .odt) or as PDF."),  # noqa: E501
        ("ole.docx", DOCX_OLE, "macros", "“ole.docx” contains macros, which can run code. Save it without macros (as .docx, .xlsx or .odt) or as PDF."),  # noqa: E501
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old_office", "“old.doc” is in an old Microsoft Office format (.doc, .xls, .ppt), which can carry macros. Save it as .docx, .xlsx or PDF."),  # noqa: E501
        ("latin1.csv", "nom;ville\nBruxelles;Liège\n".encode("latin-1"), "encoding", "“latin1.csv” is not UTF-8 text (line 2); save it as UTF-8."),  # noqa: E501
        ("unicode.txt", "hello".encode("utf-16"), "encoding", "“unicode.txt” is text in UTF-16; save it as UTF-8 text."),  # noqa: E501
        ("data.bin", b"\x00\x01\x02\x03binary", "unsupported", f"“data.bin” is not a type of file we accept. Accepted: {ACCEPTED}."),  # noqa: E501
    ],
)  # fmt: skip
def test_refused_files_leave_nothing_behind(editor, partner, storage_dir, name, data, code, message):
    with translation.override("en"), pytest.raises(DocumentRefused) as refused:
        attach(editor, partner, name=name, data=data)
    assert refused.value.code == code
    assert refused.value.messages == [message]
    assert Document.objects.count() == 0
    assert AuditEntry.objects.count() == 0
    assert stored_files(storage_dir) == []


def test_file_over_the_limit_is_refused_and_nothing_is_stored(settings, editor, partner, storage_dir):
    settings.DOCUMENT_MAX_BYTES = 100
    with translation.override("en"), pytest.raises(DocumentRefused) as refused:
        attach(editor, partner, name="big.txt", data=b"x" * 101)
    assert refused.value.messages == ["“big.txt” is too large (101\xa0bytes); the limit is 100\xa0bytes."]
    assert (Document.objects.count(), stored_files(storage_dir)) == (0, [])
    assert attach(editor, partner, name="small.txt", data=b"x" * 100).size == 100  # at the limit: accepted


def test_a_failing_database_write_removes_the_stored_file(editor, partner, storage_dir, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(documents_module, "audit_record", broken)
    with pytest.raises(RuntimeError):
        attach(editor, partner)
    assert (Document.objects.count(), stored_files(storage_dir)) == (0, [])


# --- Names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "extension", "expected"),
    [
        ("../../etc/passwd", "txt", "passwd.txt"),
        ("..\\..\\Windows\\System32\\evil.pdf", "pdf", "evil.pdf"),
        ("CON.txt", "txt", "CON_.txt"),
        ("lpt1.backup.csv", "csv", "lpt1_.backup.csv"),
        ("aux", "png", "aux_.png"),
        ("Accord de coopération – Kraków (2024).pdf", "pdf", "Accord_de_cooperation_-_Krakow_2024.pdf"),
        ("Київ угода.pdf", "pdf", "Kiyiv_ugoda.pdf"),
        ("北京 合作.pdf", "pdf", "Bei_Jing_He_Zuo.pdf"),
        ("Minutes v1.2", "txt", "Minutes_v1.2.txt"),
        ("photo.JPEG", "jpg", "photo.jpg"),
        (".htaccess", "txt", "htaccess.txt"),
        ("...", "pdf", "document.pdf"),
        ("", "pdf", "document.pdf"),
        ("<script>.pdf", "pdf", "script.pdf"),
        ("a" * 300 + ".pdf", "pdf", "a" * 96 + ".pdf"),
    ],
)
def test_sanitise_name(given, extension, expected):
    assert sanitise_name(given, extension) == expected


@pytest.mark.parametrize(
    ("given", "data", "expected"),
    [
        ("../../etc/passwd", b"root:x:0:0", "passwd.txt"),
        ("CON.txt", b"x", "CON_.txt"),
        ("Kraków ünïcode.csv", b"a,b", "Krakow_unicode.csv"),
    ],
)
def test_uploaded_names_are_sanitised(editor, partner, given, data, expected):
    assert attach(editor, partner, name=given, data=data).name == expected


# --- PDF text: limits and failures -----------------------------------------------------------


def test_corrupt_pdf_is_refused_not_stored(editor, partner):
    """Decision: a file that starts with ``%PDF-`` but that pypdf cannot open is refused at
    upload (see the refusal table); a PDF that opens but whose text cannot be read is stored
    with ``text_status`` "failed" (next test)."""
    with pytest.raises(DocumentRefused):
        attach(editor, partner, name="broken.pdf", data=PDF[:200])
    assert Document.objects.count() == 0


def test_encrypted_pdf_is_stored_with_failed_extraction(editor, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = attach(editor, partner, name="protected.pdf", data=make_encrypted_pdf())
    document.refresh_from_db()
    assert (document.text_status, document.text_note, document.text) == ("failed", "encrypted", "")


def test_pdf_without_text_layer(editor, partner, django_capture_on_commit_callbacks):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    with django_capture_on_commit_callbacks(execute=True):
        document = attach(editor, partner, name="scan.pdf", data=out.getvalue())
    document.refresh_from_db()
    assert (document.text_status, document.text_note, document.text) == ("none", "no text layer", "")


def test_page_limit(settings, editor, partner, django_capture_on_commit_callbacks):
    settings.DOCUMENT_TEXT_MAX_PAGES = 1
    with django_capture_on_commit_callbacks(execute=True):
        document = attach(editor, partner)
    document.refresh_from_db()
    assert (document.text_status, document.text_note, document.text) == (
        "extracted",
        "first 1 of 2 pages",
        "Cooperation agreement Brussels Prague",
    )


def test_missing_file_gives_failed_not_a_crash(editor, partner, storage_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = attach(editor, partner)
    (storage_dir / document.file.name).unlink()
    callbacks[0]()
    document.refresh_from_db()
    assert (document.text_status, document.text_note) == ("failed", "file unreadable: FileNotFoundError")


# --- Download --------------------------------------------------------------------------------


def test_download_by_a_user_who_may_see_the_partner(agreement, reader):
    response = client_for(reader).get(reverse("core_document_download", args=[agreement.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Accord_de_cooperation_Prague.pdf\"; filename*=UTF-8''Accord_de_cooperation_Prague.pdf"
    )
    assert response["Content-Length"] == str(len(PDF))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    response.close()


def test_download_by_staff_who_may_not_see_the_partner_is_404(agreement, outsider):
    response = client_for(outsider).get(reverse("core_document_download", args=[agreement.pk]))
    assert response.status_code == 404
    missing = client_for(outsider).get(reverse("core_document_download", args=[agreement.pk + 1000]))
    assert missing.status_code == 404  # the same answer as for a document that does not exist


def test_anonymous_download_goes_to_sign_in(agreement):
    url = reverse("core_document_download", args=[agreement.pk])
    response = client_for(None).get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('wagtailadmin_login')}?next={url}"


def test_deleted_document_is_not_served(agreement, editor):
    document_delete(actor=editor, document=agreement)
    response = client_for(editor).get(reverse("core_document_download", args=[agreement.pk]))
    assert response.status_code == 404


# --- Upload through the workspace ------------------------------------------------------------


def upload_url(dossier: models.Model) -> str:
    return reverse("core_document_upload", args=[ContentType.objects.get_for_model(dossier).pk, dossier.pk])


def test_upload_screen_adds_the_document_and_goes_back(editor, partner):
    inspect = reverse("wagtailsnippets_directory_partner:inspect", args=[partner.pk])
    response = client_for(editor).post(
        upload_url(partner),
        {"document-file": upload("agreement.pdf", PDF), "document-title": "Signed agreement", "next": inspect},
    )
    assert response.status_code == 302
    assert response["Location"] == inspect
    document = Document.objects.get()
    assert (document.name, document.title, document.uploaded_by) == ("agreement.pdf", "Signed agreement", editor)


def test_upload_screen_ignores_an_outside_next_address(editor, partner):
    response = client_for(editor).post(
        upload_url(partner), {"document-file": upload("a.pdf", PDF), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("wagtailsnippets_directory_partner:inspect", args=[partner.pk])


def english(user: User) -> User:
    """*user* reads the workspace in English (the default is French)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def test_upload_screen_shows_the_error_at_the_top_and_next_to_the_field(editor, partner, storage_dir):
    response = client_for(english(editor)).post(upload_url(partner), {"document-file": upload("x.pdf", PNG)})
    assert response.status_code == 200
    message = (
        "“x.pdf” is named as a .pdf file but its content is a PNG image. Rename it with the right extension "
        "(.png) or choose the right file."
    )
    assert response.context["form"].errors == {"file": [message]}
    html = response.content.decode()
    summary = html.index('role="alert"')
    assert html.index(message, summary) < html.index('name="document-file"')  # in the summary, above the form
    assert html.count(message) == 2  # in the summary and next to the field
    assert 'href="#id_document-file"' in html
    assert (Document.objects.count(), stored_files(storage_dir)) == (0, [])


def test_upload_without_change_permission_is_403(reader, partner, storage_dir):
    response = client_for(reader).post(upload_url(partner), {"document-file": upload("a.pdf", PDF)})
    assert response.status_code == 403
    assert client_for(reader).get(upload_url(partner)).status_code == 403
    assert (Document.objects.count(), stored_files(storage_dir)) == (0, [])
    with pytest.raises(PermissionDenied):
        attach(reader, partner)


def test_upload_by_staff_who_may_not_see_the_partner_is_404(outsider, partner):
    response = client_for(outsider).post(upload_url(partner), {"document-file": upload("a.pdf", PDF)})
    assert response.status_code == 404
    assert Document.objects.count() == 0


def test_upload_to_an_unknown_record_is_404(editor, partner):
    ct = ContentType.objects.get_for_model(Partner).pk
    assert client_for(editor).get(reverse("core_document_upload", args=[ct, "99999"])).status_code == 404
    assert client_for(editor).get(reverse("core_document_upload", args=[ct, "not-a-pk"])).status_code == 404
    user_ct = ContentType.objects.get_for_model(User).pk  # not a registered kind
    assert client_for(editor).get(reverse("core_document_upload", args=[user_ct, editor.pk])).status_code == 404


# --- The panel on the partner's page ---------------------------------------------------------


def test_partner_page_lists_documents_with_the_upload_form_for_editors(agreement, editor, partner):
    response = client_for(editor).get(reverse("wagtailsnippets_directory_partner:inspect", args=[partner.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="dossier-documents-heading"' in html
    assert "Signed cooperation agreement 2024" in html
    assert "Accord_de_cooperation_Prague.pdf" in html
    assert f'href="{reverse("core_document_download", args=[agreement.pk])}"' in html
    assert reverse("core_document_delete", args=[agreement.pk]) in html
    assert f'action="{upload_url(partner)}"' in html
    assert 'name="document-file"' in html


def test_partner_page_for_readers_has_no_upload_nor_delete(agreement, reader, partner):
    html = client_for(reader).get(reverse("wagtailsnippets_directory_partner:inspect", args=[partner.pk])).content
    html = html.decode()
    assert f'href="{reverse("core_document_download", args=[agreement.pk])}"' in html
    assert reverse("core_document_delete", args=[agreement.pk]) not in html
    assert 'name="document-file"' not in html


def test_panel_shows_size_type_and_uploader_in_english(agreement, editor, partner):
    html = (
        client_for(english(editor)).get(reverse("wagtailsnippets_directory_partner:inspect", args=[partner.pk])).content
    )
    html = html.decode()
    assert "Documents (1)" in html
    assert "<td>PDF</td>" in html
    assert f"<td>{len(PDF)}\xa0bytes</td>" in html
    assert "Editor Test," in html


def test_panel_queries_do_not_grow_with_the_documents(editor, partner, django_assert_max_num_queries):
    client = client_for(editor)
    url = reverse("wagtailsnippets_directory_partner:inspect", args=[partner.pk])
    attach(editor, partner)
    client.get(url)  # warm caches (content types, site)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(5):
        attach(editor, partner, name=f"annex-{i}.pdf")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("annex-") >= 5


# --- Delete and undo -------------------------------------------------------------------------


def test_delete_asks_then_deletes_and_undo_restores(agreement, editor, partner, storage_dir):
    client = client_for(editor)
    inspect = reverse("wagtailsnippets_directory_partner:inspect", args=[partner.pk])
    delete_url = reverse("core_document_delete", args=[agreement.pk])
    confirm = client.get(delete_url, {"next": inspect})
    assert confirm.status_code == 200
    assert Document.objects.get().deleted_at is None  # asking changes nothing

    response = client.post(delete_url, {"next": inspect}, follow=True)
    assert response.redirect_chain == [(inspect, 302)]
    agreement.refresh_from_db()
    assert agreement.deleted_by == editor and agreement.deleted_at is not None
    assert list(documents_for(partner)) == []
    assert list(Document.objects.filter(deleted_at__isnull=True).search("Vltava")) == []
    assert stored_files(storage_dir) == [storage_dir / agreement.file.name]  # the file stays
    html = response.content.decode()
    restore_url = reverse("core_document_restore", args=[agreement.pk])
    assert f'action="{restore_url}"' in html  # the "Undo" button of the message

    undone = client.post(restore_url, {"next": inspect})
    assert undone["Location"] == inspect
    agreement.refresh_from_db()
    assert (agreement.deleted_at, agreement.deleted_by) == (None, None)
    assert list(documents_for(partner)) == [agreement]
    assert list(documents_visible_to(editor).search("Vltava")) == [agreement]

    verbs = list(
        AuditEntry.objects.filter(object_id=str(agreement.pk), object_type__model="document")
        .order_by("id")
        .values_list("verb", "payload", "actor__username")
    )
    name = "Accord_de_cooperation_Prague.pdf"
    assert [verb for verb, _payload, _actor in verbs] == ["created", "deleted", "updated"]
    assert verbs[1:] == [
        ("deleted", {"name": name, "soft": True}, "editor"),
        ("updated", {"name": name, "changes": {"deleted": [True, False]}}, "editor"),
    ]


def test_delete_and_restore_need_change_permission(agreement, reader, outsider):
    delete_url = reverse("core_document_delete", args=[agreement.pk])
    assert client_for(reader).get(delete_url).status_code == 403
    assert client_for(reader).post(delete_url).status_code == 403
    assert client_for(outsider).post(delete_url).status_code == 404
    with pytest.raises(PermissionDenied):
        document_delete(actor=reader, document=agreement)
    agreement.refresh_from_db()
    assert agreement.deleted_at is None
    document_delete(actor=None, document=agreement)
    restore_url = reverse("core_document_restore", args=[agreement.pk])
    assert client_for(reader).post(restore_url).status_code == 403
    assert client_for(outsider).post(restore_url).status_code == 404
    with pytest.raises(PermissionDenied):
        document_restore(actor=reader, document=agreement)


def test_restore_of_a_live_document_and_delete_of_a_deleted_one_are_404(agreement, editor):
    client = client_for(editor)
    assert client.post(reverse("core_document_restore", args=[agreement.pk])).status_code == 404
    document_delete(actor=editor, document=agreement)
    assert client.post(reverse("core_document_delete", args=[agreement.pk])).status_code == 404


def test_purge_removes_rows_and_files_of_documents_deleted_long_ago(
    editor, partner, storage_dir, django_capture_on_commit_callbacks
):
    old, recent, live = (attach(editor, partner, name=f"{n}.pdf") for n in ("old", "recent", "live"))
    document_delete(actor=editor, document=old)
    Document.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=40))
    document_delete(actor=editor, document=recent)
    with django_capture_on_commit_callbacks(execute=True):
        purged = documents_purge(actor=None, deleted_before=timezone.now() - dt.timedelta(days=30))
    assert purged == 1
    assert sorted(Document.objects.values_list("name", flat=True)) == ["live.pdf", "recent.pdf"]
    assert stored_files(storage_dir) == sorted(storage_dir / d.file.name for d in (recent, live))
    entry = AuditEntry.objects.filter(object_id=str(old.pk), verb="deleted").order_by("-id").first()
    assert entry.payload == {"name": "old.pdf", "purged": True, "sha256": hashlib.sha256(PDF).hexdigest()}


def test_purge_command(editor, partner, storage_dir, django_capture_on_commit_callbacks, capsys):
    old = attach(editor, partner, name="old.pdf")
    document_delete(actor=editor, document=old)
    Document.objects.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=40))
    call_command("purge_deleted_documents", "--days", "30", "--dry-run")
    assert capsys.readouterr().out.startswith("1 deleted document(s) would be removed")
    assert Document.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_deleted_documents", "--days", "30")
    assert capsys.readouterr().out.startswith("1 deleted document(s) removed")
    assert (Document.objects.count(), stored_files(storage_dir)) == (0, [])


# --- Who sees which documents (the registry) -------------------------------------------------


@pytest.fixture
def private_dossiers():
    """A test-only kind: a demo dossier is visible to, and changeable by, its submitter only."""

    def visible_to(user):
        if not getattr(user, "is_authenticated", False):
            return DemoDossier.objects.none()
        return DemoDossier.objects.filter(submitted_by=user)

    register_kind(
        RecordKind(
            key="workflow_app.demodossier",
            model=DemoDossier,
            label="Demo dossiers",
            visible_to=visible_to,
            url=lambda obj: f"/admin/demo/{obj.pk}/",
            can_change=lambda user, obj: obj.submitted_by_id == user.pk,
        )
    )
    yield
    unregister_kind("workflow_app.demodossier")


def test_documents_visible_to_follows_each_dossiers_visibility(
    private_dossiers, agreement, editor, outsider, django_capture_on_commit_callbacks
):
    mine = DemoDossier.objects.create(title="Outsider's dossier", submitted_by=outsider)
    with django_capture_on_commit_callbacks(execute=True):
        secret = attach(outsider, mine, name="secret.pdf", data=make_pdf("Vltava secret"))
    assert list(documents_visible_to(outsider)) == [secret]
    assert list(documents_visible_to(editor)) == [agreement]
    assert list(documents_visible_to(editor).search("Vltava")) == [agreement]
    assert list(documents_visible_to(outsider).search("Vltava")) == [secret]
    from django.contrib.auth.models import AnonymousUser

    assert list(documents_visible_to(AnonymousUser())) == []
    assert client_for(editor).get(reverse("core_document_download", args=[secret.pk])).status_code == 404
    assert client_for(outsider).get(reverse("core_document_download", args=[secret.pk])).status_code == 200
    document_delete(actor=outsider, document=secret)
    assert list(documents_visible_to(outsider)) == []


def test_documents_visible_to_is_one_query(private_dossiers, agreement, editor, django_assert_num_queries):
    documents_visible_to(editor)  # content types cached
    with django_assert_num_queries(1):
        assert list(documents_visible_to(editor)) == [agreement]


def test_document_is_a_registered_kind(agreement, editor, outsider):
    kind = kind_for(Document)
    assert kind is not None and kind.key == "core.document"
    assert kind.url(agreement) == reverse("core_document_download", args=[agreement.pk])
    assert kind.can_change(editor, agreement) is True
    assert kind.can_change(outsider, agreement) is False
    with translation.override("en"):
        assert kind.summary(agreement) == f"Accord_de_cooperation_Prague.pdf · PDF · {len(PDF)}\xa0bytes"


def test_a_document_is_not_a_dossier(agreement, editor):  # type: ignore[no-untyped-def]
    with translation.override("en"), pytest.raises(ValidationError) as error:
        document_upload(actor=editor, dossier=agreement, uploaded_file=upload("note.txt", b"A note."))
    assert error.value.messages == ["Documents can only be attached to a saved workspace record."]
