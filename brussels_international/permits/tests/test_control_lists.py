"""Control lists: loaders (real shared files and corrupt ones), selectors, screens, search kind."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry
from brussels_international.core.search import workspace_search
from brussels_international.permits.models import ControlListEntry, ControlListVersion, EntryKind
from brussels_international.permits.selectors import (
    control_list_entry,
    control_list_search,
    control_list_tree,
)
from brussels_international.permits.services import (
    ControlListLoadError,
    control_list_load_csv,
    control_list_load_dual_use,
    control_list_load_military,
)

pytestmark = pytest.mark.django_db

CURATED = Path(__file__).resolve().parent.parent / "data" / "military-list-categories.csv"
DAY = dt.date(2026, 1, 1)
HEADER = "code,parent_code,text_en,text_fr,text_nl,note_type\n"


def _csv(tmp_path: Path, body: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _load_curated() -> ControlListVersion:
    return control_list_load_csv(actor=None, regime="military", path=CURATED, valid_from=DAY)[0]


def _small_dual_use(tmp_path: Path) -> ControlListVersion:
    path = _csv(
        tmp_path,
        "5P2,,Information security,,,\n"
        "5A002,5P2,Information security systems,,,\n"
        "5A002.a,5A002,Designed or modified to use cryptography,Conçus pour la cryptographie,,\n"
        ",5A002.a,Does not control smart cards,,,Note\n"
        "6,,Sensors and lasers,Capteurs et lasers,Sensoren en lasers,\n"
        "6A003,6,Caméras électroniques,,,\n",
        "dual.csv",
    )
    return control_list_load_csv(actor=None, regime="dual_use", path=path, valid_from=DAY)[0]


# --- Loaders on the real shared files -------------------------------------------------------


def test_dual_use_file_loads_the_whole_tree(shared_data: Path) -> None:
    path = shared_data / "control-lists" / "dual-use-list-no-appendix2-2022.json"
    version, counts = control_list_load_dual_use(actor=None, path=path, valid_from=dt.date(2022, 1, 1))

    assert counts == {"categories": 11, "entries": 366, "paragraphs": 3851}
    rows = ControlListEntry.objects.filter(version=version)
    assert rows.filter(kind=EntryKind.CATEGORY).count() == 11
    assert rows.filter(kind=EntryKind.ENTRY).count() == 366
    # Each entry's top paragraph is the entry's own text: 3,851 - 366 rows under the entries.
    assert rows.filter(kind__in=[EntryKind.PARAGRAPH, EntryKind.NOTE]).count() == 3851 - 366
    assert version.is_current and version.source == "dual-use-list-no-appendix2-2022.json"
    entry = control_list_entry("5A002", "dual_use")
    assert (entry.parent.code, entry.parent.kind) == ("5P2", "category")
    assert entry.text_en.startswith('"Information security" systems')
    paragraph = control_list_entry("5A002.a", "dual_use")
    assert paragraph.parent_id == entry.pk and paragraph.kind == "paragraph"
    assert control_list_entry("0A001.i.1", "dual_use").parent.code == "0A001.i"
    note = rows.get(code="0A001.f", kind=EntryKind.NOTE)
    assert (note.note_type, note.parent.code) == ("N.B.", "0A001.f")
    assert control_list_entry("0A001", "dual_use").parent.code == "0"
    assert AuditEntry.objects.filter(verb="loaded").latest("pk").payload["counts"]["entry"] == 366


def test_military_ratings_file_gives_the_22_categories(shared_data: Path) -> None:
    path = shared_data / "control-lists" / "ml-and-dual-use-ratings.csv"
    version, counts = control_list_load_military(actor=None, path=path, valid_from=DAY)

    assert counts == {"categories": 22}
    codes = list(version.entries.values_list("code", flat=True))
    assert codes == [f"ML{n}" for n in range(1, 23)]  # PL5001... (national ratings) left out
    assert control_list_entry("ML3", "military").text_en == "Ammunition"


def test_command_loads_and_prints_counts(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "load_control_lists",
        "--military", str(shared_data / "control-lists" / "ml-and-dual-use-ratings.csv"),
        "--csv", "military", str(CURATED),
        "--valid-from", "2025-03-01",
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "military: ml-and-dual-use-ratings.csv loaded" in out and "22 categories" in out
    assert "military-list-categories.csv loaded" in out
    current = ControlListVersion.objects.get(is_current=True)
    assert (current.source, current.valid_from) == ("military-list-categories.csv", dt.date(2025, 3, 1))
    assert ControlListVersion.objects.count() == 2


# --- The curated file and bad files -----------------------------------------------------------


def test_curated_military_csv_loads_22_categories() -> None:
    version = _load_curated()
    entries = list(version.entries.all())
    assert [entry.code for entry in entries] == [f"ML{n}" for n in range(1, 23)]
    assert all(entry.kind == "category" and entry.parent_id is None and entry.text_en for entry in entries)
    assert (entries[21].text_en, entries[21].text_fr, entries[21].text_nl) == (
        "Technology",
        "Technologie",
        "Technologie",
    )


def test_bootstrap_loads_the_curated_list_only_once() -> None:
    out = io.StringIO()
    call_command("bootstrap", stdout=out)
    assert "military-list-categories.csv loaded" in out.getvalue()
    call_command("bootstrap", stdout=out)
    assert ControlListVersion.objects.filter(regime="military").count() == 1
    assert "Military list already loaded: kept" in out.getvalue()


def _assert_previous_stays(previous: ControlListVersion) -> None:
    assert list(ControlListVersion.objects.all()) == [previous]
    previous.refresh_from_db()
    assert previous.is_current
    assert ControlListEntry.objects.exclude(version=previous).count() == 0


def test_bad_json_leaves_the_previous_version_current(tmp_path: Path) -> None:
    previous = _small_dual_use(tmp_path)
    path = tmp_path / "broken.json"
    path.write_text('[{"model": "regulations.category",\n "pk": 1,', encoding="utf-8")
    with translation.override("en"), pytest.raises(ControlListLoadError) as error:
        control_list_load_dual_use(actor=None, path=path, valid_from=DAY)
    assert str(error.value).startswith("broken.json, line 2: not valid JSON")
    _assert_previous_stays(previous)


def _paragraph(pk: int, path: str, code: str, text: str) -> dict[str, object]:
    fields = {"path": path, "depth": len(path) // 4, "code": code, "note_type": "base", "text": text, "regulation": 1}
    return {"model": "regulations.paragraph", "pk": pk, "fields": fields}


def test_paragraph_without_parent_is_named(tmp_path: Path) -> None:
    previous = _small_dual_use(tmp_path)
    records = [
        {"model": "regulations.category", "pk": 1, "fields": {"identifier": 0, "name": "Nuclear", "part": None}},
        {"model": "regulations.regulation", "pk": 1, "fields": {"category": 1, "code": "0A001"}},
        _paragraph(1, "0001", "0A001.", "Reactors"),
        _paragraph(7, "00020001", "a.", "Orphan"),
    ]
    path = tmp_path / "orphan.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    with translation.override("en"), pytest.raises(ControlListLoadError) as error:
        control_list_load_dual_use(actor=None, path=path, valid_from=DAY)
    assert str(error.value) == (
        "orphan.json, record 4 (regulations.paragraph 7): path 00020001 has no parent paragraph"
    )
    _assert_previous_stays(previous)


def test_csv_row_with_unknown_parent_is_named(tmp_path: Path) -> None:
    previous = _load_curated()
    path = _csv(tmp_path, "ML1,,Small arms,,,\nML1.a,ML1,Rifles,,,\nML2.a,ML2,Guns,,,\n")
    with translation.override("en"), pytest.raises(ControlListLoadError) as error:
        control_list_load_csv(actor=None, regime="military", path=path, valid_from=DAY)
    assert str(error.value) == "list.csv, line 4: unknown parent ML2 (parents must come before their children)"
    _assert_previous_stays(previous)


def test_csv_duplicate_code_and_wrong_header_are_refused(tmp_path: Path) -> None:
    with translation.override("en"):
        with pytest.raises(ControlListLoadError, match="line 3: duplicate code ML1"):
            control_list_load_csv(
                actor=None, regime="military", path=_csv(tmp_path, "ML1,,A,,,\nML1,,B,,,\n"), valid_from=DAY
            )
        bad = tmp_path / "bad.csv"
        bad.write_text("code,text\nML1,A\n", encoding="utf-8")
        with pytest.raises(ControlListLoadError, match=r"bad\.csv, header: expected the columns"):
            control_list_load_csv(actor=None, regime="military", path=bad, valid_from=DAY)
    assert not ControlListVersion.objects.exists()


def test_a_new_version_replaces_the_current_one(tmp_path: Path) -> None:
    first = _load_curated()
    second = _load_curated()
    first.refresh_from_db()
    assert (first.is_current, second.is_current) == (False, True)
    assert control_list_entry("ML1", "military").version == second


# --- Selectors ----------------------------------------------------------------------------


def test_tree_nests_categories_entries_paragraphs_and_notes(tmp_path: Path) -> None:
    _small_dual_use(tmp_path)
    roots = control_list_tree("dual_use")
    assert [root.entry.code for root in roots] == ["5P2", "6"]
    entry = roots[0].children[0]
    assert (entry.entry.code, entry.entry.kind) == ("5A002", "entry")
    paragraph = entry.children[0]
    assert [(c.entry.kind, c.entry.code, c.entry.note_type) for c in paragraph.children] == [
        ("note", "5A002.a", "Note")
    ]
    assert [node.entry.code for node in control_list_tree("dual_use", code_prefix="5a002")] == ["5A002"]
    assert control_list_tree("military") == []


def test_search_by_code_prefix_and_by_words_ignoring_case_and_accents(tmp_path: Path) -> None:
    _small_dual_use(tmp_path)
    _load_curated()
    assert [entry.code for entry in control_list_search("5A002")] == ["5A002", "5A002.a"]
    assert [entry.code for entry in control_list_search("ml2")] == ["ML2", "ML20", "ML21", "ML22"]
    assert [entry.code for entry in control_list_search("CAMERAS electroniques")] == ["6A003"]
    assert [entry.code for entry in control_list_search("cryptographie")] == ["5A002.a"]
    assert [entry.code for entry in control_list_search("smart cards")] == ["5A002.a"]  # the note
    assert [entry.code for entry in control_list_search("ammunition", regime="dual_use")] == []
    assert [entry.code for entry in control_list_search("ammunition", regime="military")] == ["ML3"]
    assert control_list_search("   ") == []


def test_unknown_code_raises_a_clear_error() -> None:
    _load_curated()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        control_list_entry("ML99", "military")
    assert error.value.code == "unknown_control_list_entry"
    assert error.value.messages == ["Unknown control list entry ML99 in the EU Common Military List."]
    assert control_list_entry(" ml1 ", "military").code == "ML1"


# --- Screens and the workspace search ------------------------------------------------------


@pytest.fixture
def permits_user() -> User:
    groups_setup()
    user = User.objects.create_user("pia")
    user.groups.add(Group.objects.get(name="Permits"))
    return user


def test_screens_for_a_permits_user(
    tmp_path: Path, client: Client, staff_login, permits_user: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    _small_dual_use(tmp_path)
    _load_curated()
    staff_login(client, permits_user)
    with django_assert_max_num_queries(30):
        home = client.get(reverse("permits:control_lists"), {"q": "5A002"})
    assert home.status_code == 200
    html = home.content.decode()
    assert 'href="/admin/control-lists/dual_use/5A002.a/"' in html
    assert 'href="/admin/control-lists/military/"' in html
    assert reverse("permits:control_lists") in html  # the menu item
    with django_assert_max_num_queries(30):
        tree = client.get(reverse("permits:control_list_tree", args=["military"]))
    assert tree.status_code == 200 and tree.content.decode().count('href="/admin/control-lists/military/ML') == 22
    page = client.get(reverse("permits:control_list_entry", args=["dual_use", "5A002"]))
    content = page.content.decode()
    assert page.status_code == 200
    # The workspace speaks French to this user: the French text where the list has one, else the
    # English one marked as English.
    assert "Conçus pour la cryptographie" in content
    assert 'class="control-list-note"' in content and '<span lang="en">Does not control smart cards</span>' in content
    assert client.get(reverse("permits:control_list_entry", args=["dual_use", "9Z999"])).status_code == 404
    assert client.get(reverse("permits:control_list_tree", args=["nuclear"])).status_code == 404


def test_screens_send_anonymous_users_to_sign_in(client: Client) -> None:
    for url in (reverse("permits:control_lists"), reverse("permits:control_list_tree", args=["military"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


def test_workspace_search_finds_entries_of_the_current_versions(permits_user: User) -> None:
    old = _load_curated()
    _load_curated()
    results = workspace_search(user=permits_user, query="ammunition")
    group = next(group for group in results.groups if group.key == "permits.controllistentry")
    assert group.count == 1
    assert group.hits[0].url == "/admin/control-lists/military/ML3/"
    assert old.entries.filter(code="ML3").exists()  # the old version's row exists but is not offered
    assert not any(
        g.key == "permits.controllistentry"
        for g in workspace_search(user=User.objects.create_user("nobody"), query="ammunition").groups
    )


def test_screens_on_the_real_dual_use_list(
    shared_data: Path, client: Client, staff_login, permits_user: User, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    path = shared_data / "control-lists" / "dual-use-list-no-appendix2-2022.json"
    control_list_load_dual_use(actor=None, path=path, valid_from=dt.date(2022, 1, 1))
    staff_login(client, permits_user)
    with django_assert_max_num_queries(30):
        tree = client.get(reverse("permits:control_list_tree", args=["dual_use"]))
    assert tree.content.decode().count("<details>") == 11  # one per category
    with django_assert_max_num_queries(30):
        entry = client.get(reverse("permits:control_list_entry", args=["dual_use", "5A002"]))
    html = entry.content.decode()
    assert 'href="/admin/control-lists/dual_use/5A002.a.1/"' in html and 'class="control-list-note"' in html
    with django_assert_max_num_queries(30):
        found = client.get(reverse("permits:control_lists"), {"q": "cryptographic", "regime": "dual_use"})
    assert 'href="/admin/control-lists/dual_use/5A002.a/"' in found.content.decode()


@pytest.mark.django_db
def test_the_portal_shows_the_sources_line_breaks_and_marks_english_text_on_a_french_page(tmp_path: Path) -> None:
    """The dual-use source separates a note's items with a literal ``<br>``: shown as a line break
    (everything else escaped), and an English text on a French page says it is English."""
    path = _csv(
        tmp_path,
        "5P2,,Information security,Sécurité de l'information,,\n"
        "5A002,5P2,Information security systems,,,\n"
        ',5A002,"Does not control:<br> a. smart cards; <br>b. <script>x</script>",,,Note\n',
    )
    control_list_load_csv(actor=None, regime="dual_use", path=path, valid_from=DAY)
    client = Client()
    with translation.override("fr"):
        url = reverse("portal:control_lists")
    html = client.get(url, {"regime": "dual_use", "code": "5A002"}).content.decode()

    assert (
        '<strong>Note</strong> <span lang="en">Does not control:<br>a. smart cards;<br>b. '
        "&lt;script&gt;x&lt;/script&gt;</span></li>" in html
    )
    assert '<span class="code">5A002</span></a> <span lang="en">Information security systems</span>' in html
    tree = client.get(url, {"regime": "dual_use"}).content.decode()
    assert '<span class="code">5P2</span></a> Sécurité de l&#x27;information' in tree
