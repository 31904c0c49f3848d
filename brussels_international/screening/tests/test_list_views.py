"""The workspace's sanctions-list pages: status per list, a version's changes, permissions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.utils import translation

from brussels_international.core.groups import groups_setup
from brussels_international.screening import list_services
from brussels_international.screening.list_services import list_load
from brussels_international.screening.records import ListFormatError

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def lists(db, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(list_services.index, "index_rebuild", lambda: None)
    groups_setup()
    un = list_load(source="un", path=DATA / "un-sample.xml")
    first = list_load(source="eu", path=DATA / "eu-fsf-sample.xml")
    text = (DATA / "eu-fsf-sample.xml").read_text(encoding="utf-8")
    second_file = tmp_path / "eu2.xml"
    second_file.write_text(text.replace("Minsk Optical Trading LLC", "Minsk Optical Trading JSC"), encoding="utf-8")
    second = list_load(source="eu", path=second_file)
    broken = tmp_path / "eu3.xml"
    broken.write_text(text[:2000], encoding="utf-8")
    with pytest.raises(ListFormatError):
        list_load(source="eu", path=broken)
    return {"un": un, "eu_first": first, "eu": second}


def _client(client, staff_login, group: str):  # type: ignore[no-untyped-def]
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    user = User.objects.create_user(f"{group.lower()}@example.org", password="x")
    user.groups.add(Group.objects.get(name=group))
    staff_login(client, user)
    return client


def test_status_page(client, staff_login, lists, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    _client(client, staff_login, "Permits")
    with django_assert_max_num_queries(12):
        response = client.get("/admin/screening/lists/")
    assert response.status_code == 200
    html = re.sub(r">\s+<", "><", response.content.decode())
    assert "UN Security Council Consolidated List" in html
    assert "UK Sanctions List" in html and "Not loaded" in html
    assert "<td>1</td><td>1</td><td>0</td><td>0</td><td>7</td>" in html  # UN sample: 1 person, 1 org, 7 names
    assert "<td>2</td><td>2</td><td>0</td><td>0</td><td>11</td>" in html  # EU sample
    assert "not well-formed XML" in html  # the failed EU load and its place
    assert f'href="/admin/screening/lists/{lists["eu"].pk}/"' in html


def test_version_page_shows_changes(client, staff_login, lists) -> None:  # type: ignore[no-untyped-def]
    _client(client, staff_login, "Director")
    version = lists["eu"]
    response = client.get(f"/admin/screening/lists/{version.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Changed (1)" in html and "Added (0)" in html and "Removed (0)" in html
    assert "<td>9004</td><td>Minsk Optical Trading JSC</td>" in html
    response = client.get(f"/admin/screening/lists/{lists['eu_first'].pk}/?kind=added")
    html = response.content.decode()
    assert "Added (4)" in html
    assert "<td>9001</td><td>Ivan Petrovich SIDORENKO</td>" in html


def test_version_page_paginates(client, staff_login, lists, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from brussels_international.screening import list_views

    monkeypatch.setattr(list_views, "PAGE_SIZE", 3)
    _client(client, staff_login, "Permits")
    html = client.get(f"/admin/screening/lists/{lists['eu_first'].pk}/?kind=added&p=2").content.decode()
    assert "Page 2 of 2" in html
    assert "<td>9004</td>" in html and "<td>9001</td>" not in html


def test_pages_need_the_permission(client, staff_login, lists) -> None:  # type: ignore[no-untyped-def]
    _client(client, staff_login, "Communication")
    assert client.get("/admin/screening/lists/").status_code == 302
    assert client.get(f"/admin/screening/lists/{lists['eu'].pk}/").status_code == 302


def test_unknown_version_is_404(client, staff_login, lists) -> None:  # type: ignore[no-untyped-def]
    _client(client, staff_login, "Permits")
    assert client.get("/admin/screening/lists/999999/").status_code == 404
