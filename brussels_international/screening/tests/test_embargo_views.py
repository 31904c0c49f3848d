"""The arms-embargo screens (``/admin/screening/embargoes/``): list and filters, a row with its
history, edit (audited), delete with confirmation, permissions, the destination check form."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from brussels_international.core.groups import groups_setup
from brussels_international.core.models import AuditEntry
from brussels_international.permits.tests.html_checks import description_problems
from brussels_international.screening.embargo_services import embargo_update, embargoes_load
from brussels_international.screening.management.commands.load_arms_embargoes import default_path
from brussels_international.screening.models import ArmsEmbargo

pytestmark = pytest.mark.django_db
TODAY = "2026-11-29 10:00 +01:00"
LIST = "/admin/screening/embargoes/"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def table(db):  # type: ignore[no-untyped-def]
    groups_setup()
    with time_machine.travel("2026-11-28 10:00 +01:00"):  # loaded the day before the tests' day
        embargoes_load(path=default_path())


def member(user_factory, username: str, group: str) -> User:  # type: ignore[no-untyped-def]
    user = user_factory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


def client_for(user: User, staff_login, language: str = "en") -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    staff_login(client, user)
    return client


@pytest.fixture
def anna(table, user_factory, staff_login) -> Client:  # type: ignore[no-untyped-def]
    return client_for(member(user_factory, "anna", "Permits"), staff_login)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def embargo(target: str, body: str) -> ArmsEmbargo:
    return ArmsEmbargo.objects.get(target=target, issuing_body=body)


def listed(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{row['embargo'].issuing_body} {row['embargo'].target}" for row in response.context["rows"]]


@time_machine.travel(TODAY)
def test_the_list_filters_by_status_and_body_and_names_countries_in_the_users_language(
    anna, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    assert reverse("screening_embargoes:list") == LIST
    with django_assert_max_num_queries(12):
        response = anna.get(LIST)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 38  # in force today (the default)
    assert "38 arms embargoes" in text(response)
    assert len(anna.get(LIST, {"status": "lifted"}).context["rows"]) == 10
    assert len(anna.get(LIST, {"status": "all"}).context["rows"]) == 48
    assert listed(anna.get(LIST, {"body": "OSCE"})) == ["OSCE AM", "OSCE AZ"]
    assert listed(anna.get(LIST, {"status": "lifted", "body": "UN"})) == ["UN AZ", "UN CI", "UN ER", "UN LR", "UN SL"]
    page = text(response)
    assert "<td>Russia</td>" in page and "<td>No country (named group)</td>" in page
    assert f'href="{LIST}add/"' in page


@time_machine.travel(TODAY)
def test_country_names_follow_the_workspace_language(table, user_factory, staff_login):  # type: ignore[no-untyped-def]
    from wagtail.users.models import UserProfile

    user = member(user_factory, "jeanne", "Permits")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fr"
    profile.save()
    page = text(client_for(user, staff_login, "fr").get(LIST))
    assert "<td>Russie</td>" in page and "<td>Chine</td>" in page


@time_machine.travel(TODAY)
def test_the_detail_page_shows_the_row_and_its_history(anna):  # type: ignore[no-untyped-def]
    ly = embargo("LY", "EU")
    bram = User.objects.get(username="anna")
    values = {**ly.audit_snapshot(), "start": ly.start, "end": ly.end, "status_note": "in force (reviewed)"}
    embargo_update(actor=bram, embargo=ly, values=values)

    response = anna.get(f"{LIST}{ly.pk}/")

    assert response.status_code == 200
    history = response.context["history"]
    assert [(item["who"], str(item["what"]), item["changes"]) for item in history] == [
        ("anna", "updated", [("status", "in force", "in force (reviewed)")]),
        ("system", "loaded from reference data", []),
    ]
    page = text(response)
    assert "Status: in force → in force (reviewed)" in page
    assert "Council Decision (CFSP) 2015/1333" in page
    assert f'href="{LIST}{ly.pk}/edit/"' in page and f'href="{LIST}{ly.pk}/delete/"' in page


@time_machine.travel(TODAY)
def test_an_edit_is_saved_through_the_service_and_audited(anna):  # type: ignore[no-untyped-def]
    ve = embargo("VE", "EU")
    form = anna.get(f"{LIST}{ve.pk}/edit/")
    assert form.status_code == 200 and form.context["form"].initial["target"] == "VE"
    data = {**form.context["form"].initial, "start": "2017-11-13", "end": "", "end_precision": "", "verified": "on"}
    data["exceptions"] = "Exemptions reviewed 2026-11-29"

    response = anna.post(f"{LIST}{ve.pk}/edit/", data)

    assert response.status_code == 302 and response["Location"] == f"{LIST}{ve.pk}/"
    ve.refresh_from_db()
    assert ve.exceptions == "Exemptions reviewed 2026-11-29"
    entry = AuditEntry.objects.filter(object_id=str(ve.pk), object_type__model="armsembargo").latest("pk")
    assert (entry.verb, entry.actor_label, entry.payload) == (
        "updated",
        "anna",
        {"changes": {"exceptions": ["Exemptions not reviewed here - see consolidated Decision (CFSP) 2017/2074",
                                    "Exemptions reviewed 2026-11-29"]}},
    )  # fmt: skip

    bad = anna.post(f"{LIST}{ve.pk}/edit/", {**data, "scope": "Binding on everyone"})
    assert bad.status_code == 200
    assert bad.context["form"].errors == {
        "scope": [
            "The scope must start with “Legally binding”, “POLITICAL COMMITMENT” or “Non-mandatory”: the destination "
            "check reads the legal force from it."
        ]
    }
    assert "There is a problem" in text(bad)
    assert description_problems(text(form)) == [] and description_problems(text(bad)) == []


@time_machine.travel(TODAY)
def test_a_new_embargo_is_created_from_the_form(anna):  # type: ignore[no-untyped-def]
    response = anna.post(
        f"{LIST}add/",
        {
            "target": "NI", "target_label": "Nicaragua (test)", "issuing_body": "EU", "instruments": "Decision X",
            "scope": "Legally binding - whole state", "start": "2026-01-01", "start_precision": "month",
            "end": "", "end_precision": "",
        },
    )  # fmt: skip

    created = ArmsEmbargo.objects.get(target="NI")
    assert response.status_code == 302 and response["Location"] == f"{LIST}{created.pk}/"
    assert (created.start, created.start_precision, created.end_precision, created.verified) == (
        dt.date(2026, 1, 1), "month", "day", False
    )  # fmt: skip
    assert AuditEntry.objects.filter(object_id=str(created.pk), verb="created", actor_label="anna").count() == 1


@time_machine.travel(TODAY)
def test_delete_asks_for_confirmation_then_deletes(anna):  # type: ignore[no-untyped-def]
    sl = embargo("SL", "UN")
    url = f"{LIST}{sl.pk}/delete/"

    confirm = anna.get(url)

    assert confirm.status_code == 200
    assert "Delete the arms embargo “UN Sierra Leone”?" in text(confirm)
    assert ArmsEmbargo.objects.filter(pk=sl.pk).exists()

    response = anna.post(url)

    assert response.status_code == 302 and response["Location"] == LIST
    assert not ArmsEmbargo.objects.filter(pk=sl.pk).exists()
    assert AuditEntry.objects.filter(object_id=str(sl.pk), verb="deleted", actor_label="anna").count() == 1


@time_machine.travel(TODAY)
def test_the_director_reads_but_may_not_change_and_others_may_not_read(table, user_factory, staff_login):  # type: ignore[no-untyped-def]
    ve = embargo("VE", "EU")
    director = client_for(member(user_factory, "dora", "Director"), staff_login)
    page = director.get(LIST)
    assert page.status_code == 200 and f'href="{LIST}add/"' not in text(page)
    detail = director.get(f"{LIST}{ve.pk}/")
    assert detail.status_code == 200 and f"{LIST}{ve.pk}/edit/" not in text(detail)
    for url in (f"{LIST}add/", f"{LIST}{ve.pk}/edit/", f"{LIST}{ve.pk}/delete/"):
        denied = director.get(url)
        assert denied.status_code == 302 and denied["Location"] == reverse("wagtailadmin_home"), url
    assert director.post(f"{LIST}{ve.pk}/delete/").status_code == 302
    assert ArmsEmbargo.objects.filter(pk=ve.pk).exists()
    assert "Arms embargoes" in text(director.get(reverse("wagtailadmin_home")))

    outsider = client_for(member(user_factory, "carl", "Communication"), staff_login)
    for url in (LIST, f"{LIST}{ve.pk}/", f"{LIST}check/?country=RU"):
        denied = outsider.get(url)
        assert denied.status_code == 302 and denied["Location"] == reverse("wagtailadmin_home"), url
    assert f'href="{LIST}"' not in text(outsider.get(reverse("wagtailadmin_home")))


@time_machine.travel(TODAY)
def test_the_destination_check_form_answers_for_a_country_and_a_day(anna):  # type: ignore[no-untyped-def]
    empty = anna.get(f"{LIST}check/")
    assert empty.status_code == 200 and empty.context["answer"] is None
    assert empty.context["form"].fields["on"].initial == dt.date(2026, 11, 29)

    response = anna.get(f"{LIST}check/", {"country": "RU"})  # the day defaults to today

    answer = response.context["answer"]
    assert (answer.country, answer.on, answer.verdict) == ("RU", dt.date(2026, 11, 29), "embargoed")
    page = text(response)
    assert '<h2 id="check-answer">Russia on 11/29/2026</h2>' in page
    assert "Embargoed: at least one legally binding arms embargo is in force" in page
    assert "Also check the parties against" in page and page.count('class="embargo-in-force"') == 3

    china = anna.get(f"{LIST}check/", {"country": "CN", "on": "2026-11-29"})
    assert "Political commitment only: no legally binding arms embargo is in force" in text(china)
    eritrea = anna.get(f"{LIST}check/", {"country": "ER", "on": "2015-06-01"}).context["answer"]
    assert [i.embargo.issuing_body for i in eritrea.embargoes] == ["EU", "UN"]
    assert anna.get(f"{LIST}check/", {"country": "FR"}).context["answer"].verdict == "none"

    french = anna.get(f"{LIST}check/", {"country": "CN", "on": "2026-11-29"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert '<h2 id="check-answer">Chine' in text(french)

    bad = anna.get(f"{LIST}check/", {"country": "XX"})
    assert bad.context["answer"] is None
    assert bad.context["form"].errors == {"country": ["Select a valid choice. XX is not one of the available choices."]}
