"""The casework screens: the queue (tabs, overdue, constant query count), the case page (sections,
actions, errors, four eyes, confirmation before issuing, constant query count), organisations,
denial records and their CSV, and 404 for users who may not see a case."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import translation

from brussels_international.permits import case_services as cs
from brussels_international.permits.models import Application, InformationRequest, Licence, OrganisationStatus
from brussels_international.permits.tests.factories import MembershipFactory, permits_officer
from brussels_international.permits.tests.html_checks import description_problems
from brussels_international.permits.tests.test_case_services import assessed, make_case

pytestmark = pytest.mark.django_db
NOW = "2026-06-15 10:00 +02:00"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def team(permits_setup):  # type: ignore[no-untyped-def]
    return {"anna": permits_officer("anna"), "bram": permits_officer("bram")}


def client_for(user: User, staff_login) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff_login(client, user)
    return client


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


@time_machine.travel(NOW)
def test_the_queue_tabs_filter_the_cases_and_show_overdue_in_words(team, staff_login):  # type: ignore[no-untyped-def]
    anna, bram = team["anna"], team["bram"]
    late = make_case("APP-2026-00001", on=dt.date(2026, 3, 1))  # due 30 April: overdue
    mine = make_case("APP-2026-00002")
    waiting = make_case("APP-2026-00003")
    proposed = assessed(make_case("APP-2026-00004"), bram)
    cs.decision_propose(actor=bram, application=proposed, outcome="grant")
    cs.case_assign(actor=anna, application=mine, case_manager=anna)
    cs.case_assign(actor=anna, application=waiting, case_manager=anna)
    cs.information_request_send(actor=anna, application=waiting, question="Which model?")
    client = client_for(anna, staff_login)

    def listed(queue: str) -> list[str]:
        response = client.get(reverse("permits_cases:queue"), {"queue": queue})
        assert response.status_code == 200
        return [row["case"].reference for row in response.context["rows"]]

    assert listed("unassigned") == ["APP-2026-00001"]
    assert listed("mine") == ["APP-2026-00002", "APP-2026-00003"]
    assert listed("open") == ["APP-2026-00001", "APP-2026-00002", "APP-2026-00003", "APP-2026-00004"]
    assert listed("waiting") == ["APP-2026-00003"]
    assert listed("countersign") == ["APP-2026-00004"]  # proposed by Bram: Anna may countersign
    assert listed("closed") == []
    bram_client = client_for(bram, staff_login)
    assert [
        r["case"].reference
        for r in bram_client.get(reverse("permits_cases:queue") + "?queue=countersign").context["rows"]
    ] == []
    page = text(client.get(reverse("permits_cases:queue"), {"queue": "unassigned"}))
    assert "Overdue" in page and "46 days late" in page
    assert late.due_date == dt.date(2026, 4, 30)


@time_machine.travel(NOW)
@pytest.mark.parametrize("cases", [3, 30])
def test_the_queue_needs_the_same_few_queries_for_3_or_30_cases(
    cases, team, staff_login, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    for number in range(cases):
        case = make_case(f"APP-2026-{number + 1:05d}")
        if number % 2:
            cs.case_assign(actor=team["anna"], application=case, case_manager=team["bram"])
    client = client_for(team["anna"], staff_login)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("permits_cases:queue"), {"queue": "open"})
    assert len(response.context["rows"]) == min(cases, 25)


@time_machine.travel(NOW)
def test_the_case_page_shows_every_section_in_a_constant_number_of_queries(
    team, staff_login, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    anna = team["anna"]
    case = assessed(make_case(), anna)
    cs.case_note_add(actor=anna, application=case, text="Called the exporter.")
    client = client_for(anna, staff_login)
    url = reverse("permits_cases:case", args=[case.pk])
    # 47 since the screening section (issue 5): it also reads the active list versions.
    with django_assert_max_num_queries(47) as few:
        page = text(client.get(url))
    for heading in ("The application", "Parties", "Screening", "Goods", "Assessment against the eight criteria",
                    "Requests for information", "Consultations", "Internal notes", "Decision", "Timeline"):  # fmt: skip
        assert f">{heading}</h" in page, heading
    assert page.count("No hit.") == 3  # the applicant and the two parties, screened with no list loaded
    assert "NO: No arms embargo in force" in page
    assert "Respect for the international obligations" in page  # criterion 1's heading
    assert "Called the exporter." in page
    assert "initial checks → under assessment" in page
    count = len(few.captured_queries)
    for number in range(2, 12):
        assessed(make_case(f"APP-2026-{number:05d}"), anna)
    with django_assert_max_num_queries(count):
        client.get(url)


@time_machine.travel(NOW)
def test_users_who_may_not_see_cases_get_404(team, staff_login):  # type: ignore[no-untyped-def]
    case = make_case()
    comms = User.objects.create_user("comms")
    comms.groups.add(Group.objects.get(name="Communication"))
    client = client_for(comms, staff_login)
    assert client.get(reverse("permits_cases:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("permits_cases:issue", args=[case.pk])).status_code == 404
    assert client.post(reverse("permits_cases:case", args=[case.pk]), {"action": "note"}).status_code == 404
    assert client.get(reverse("permits_cases:organisation", args=[case.organisation_id])).status_code == 404
    # The applicant's own people are not workspace users: Wagtail sends them to its sign-in page.
    member = client_for(MembershipFactory(organisation=case.organisation).user, staff_login)
    response = member.get(reverse("permits_cases:case", args=[case.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


@time_machine.travel(NOW)
def test_a_blank_request_is_listed_at_the_top_and_next_to_the_field_and_nothing_is_stored(team, staff_login):  # type: ignore[no-untyped-def]
    anna = team["anna"]
    case = make_case()
    client = client_for(anna, staff_login)
    url = reverse("permits_cases:case", args=[case.pk])
    assert client.post(url, {"action": "assign", "assign-case_manager": anna.pk}).status_code == 302

    response = client.post(url, {"action": "rfi", "rfi-question": ""})

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page and 'href="#id_rfi-question"' in page
    assert 'aria-describedby="id_rfi-question_error"' in page
    assert '<p class="error-message" id="id_rfi-question_error">This field is required.</p>' in page
    assert description_problems(page) == []
    assert page.count('id="error-summary"') == 1  # at the top only: one alert, no duplicate id
    assert InformationRequest.objects.count() == 0
    response = client.post(url, {"action": "rfi", "rfi-question": "Which model exactly?"})
    assert response.status_code == 302
    assert Application.objects.get(pk=case.pk).status == "waiting_for_applicant"


@time_machine.travel(NOW)
def test_a_proposal_without_a_decision_describes_the_radio_group_by_its_error(team, staff_login):  # type: ignore[no-untyped-def]
    """The group of radios is a fieldset described by its error message, and the radios' own
    container keeps the field's id alone (no duplicate id)."""
    case = assessed(make_case(), team["anna"])
    client = client_for(team["anna"], staff_login)

    response = client.post(reverse("permits_cases:case", args=[case.pk]), {"action": "propose"})

    assert response.status_code == 400
    page = text(response)
    assert '<fieldset class="w-field__wrapper w-field--error" aria-describedby="id_propose-outcome_error">' in page
    assert '<p class="error-message" id="id_propose-outcome_error">This field is required.</p>' in page
    assert page.count('id="id_propose-outcome"') == 1
    assert description_problems(page) == []
    assert page.count('id="error-summary"') == 1  # at the top only: one alert, no duplicate id
    assert Application.objects.get(pk=case.pk).status == "under_assessment"


@time_machine.travel(NOW)
def test_the_assessor_is_told_why_they_cannot_countersign_and_another_officer_issues_after_confirming(
    team, staff_login
):  # type: ignore[no-untyped-def]
    anna, bram = team["anna"], team["bram"]
    case = assessed(make_case(), anna)
    anna_client, bram_client = client_for(anna, staff_login), client_for(bram, staff_login)
    url = reverse("permits_cases:case", args=[case.pk])
    response = anna_client.post(url, {"action": "propose", "propose-outcome": "grant", "propose-conditions": "None."})
    assert response.status_code == 302

    page = text(anna_client.get(url))
    assert "You assessed this case: another officer must countersign it (four-eyes principle)." in page
    assert "Countersign the proposed decision" not in page
    response = anna_client.post(url, {"action": "countersign"}, follow=True)
    assert "You assessed this case: another officer must countersign it (four-eyes principle)." in text(response)
    assert Application.objects.get(pk=case.pk).status == "decision_proposed"

    assert bram_client.post(url, {"action": "countersign"}).status_code == 302
    assert "Issue the licence" in text(bram_client.get(url))
    issue = reverse("permits_cases:issue", args=[case.pk])
    confirm = text(bram_client.get(issue))
    assert "Yes, issue the licence" in confirm and not Licence.objects.exists()
    response = bram_client.post(issue, follow=True)
    assert "The decision is issued: BRU/2026/00001." in text(response)
    response = bram_client.post(issue, follow=True)  # "decide" sent twice
    assert "The decision on APP-2026-00001 was already issued." in text(response)
    assert Licence.objects.count() == 1


@time_machine.travel(NOW)
def test_registrations_are_listed_pending_first_and_a_rejection_needs_a_reason(team, staff_login):  # type: ignore[no-untyped-def]
    approved = MembershipFactory(organisation__name="Alpha Optics SA").organisation
    pending = MembershipFactory(organisation__name="Zeta Arms SRL", organisation__status=OrganisationStatus.PENDING)
    client = client_for(team["anna"], staff_login)

    names = [o.name for o in client.get(reverse("permits_cases:organisations")).context["page"].object_list]
    assert names == ["Zeta Arms SRL", approved.name]

    url = reverse("permits_cases:organisation", args=[pending.organisation_id])
    page = text(client.get(url))
    assert "Approve the registration" in page and "Reject the registration" in page and pending.user.email in page
    response = client.post(url, {"action": "reject", "reject-reason": ""})
    assert response.status_code == 400 and text(response).count("There is a problem") == 1
    assert client.post(url, {"action": "reject", "reject-reason": "Unknown number."}).status_code == 302
    pending.organisation.refresh_from_db()
    assert (pending.organisation.status, pending.organisation.status_reason) == ("rejected", "Unknown number.")


@time_machine.travel(NOW)
def test_the_denial_records_list_and_csv(team, staff_login):  # type: ignore[no-untyped-def]
    anna, bram = team["anna"], team["bram"]
    case = assessed(make_case(), anna, grounds=(1, 7))
    proposed = cs.decision_propose(
        actor=anna, application=case, outcome="refuse", refusal_criteria=[1, 7], refusal_reasons="Embargo."
    )
    cs.decision_countersign(actor=bram, application=proposed)
    cs.decision_issue(actor=bram, application=proposed)
    client = client_for(anna, staff_login)

    page = text(client.get(reverse("permits_cases:denials")))
    assert "BE-BRU-2026-0001" in page and "1, 7" in page
    response = client.get(reverse("permits_cases:denials_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert (
        lines[0]
        == "reference,denied_on,destination,consignee,end_user,goods,control_list_entries,criteria,reasons,application"
    )
    assert lines[1] == (
        "BE-BRU-2026-0001,2026-06-15,NO,Invented Optics Norway AS,Invented Border Guard,"
        '"Night-vision binoculars, 3rd generation image intensifier (20.000 items)",ML15,1;7,Embargo.,APP-2026-00001'
    )
    assert [
        r["case"].reference for r in client.get(reverse("permits_cases:queue") + "?queue=closed").context["rows"]
    ] == ["APP-2026-00001"]


@time_machine.travel(NOW)
def test_the_denial_csv_writes_an_applicants_formula_as_text(team, staff_login):  # type: ignore[no-untyped-def]
    """A consignee named like a spreadsheet formula (typed by an applicant) is not run when an
    officer opens the export: the cell starts with an apostrophe."""
    anna, bram = team["anna"], team["bram"]
    case = make_case()
    case.parties.filter(role="consignee").update(name='=HYPERLINK("http://evil.example","Click")')
    case.goods_lines.update(description="-2+3 night-vision binoculars")
    case = assessed(case, anna, grounds=(1,))
    proposed = cs.decision_propose(
        actor=anna, application=case, outcome="refuse", refusal_criteria=[1], refusal_reasons="@Embargo."
    )
    cs.decision_countersign(actor=bram, application=proposed)
    cs.decision_issue(actor=bram, application=proposed)

    lines = client_for(anna, staff_login).get(reverse("permits_cases:denials_csv")).content.decode().splitlines()

    assert lines[1] == (
        'BE-BRU-2026-0001,2026-06-15,NO,"\'=HYPERLINK(""http://evil.example"",""Click"")",'
        "Invented Border Guard,'-2+3 night-vision binoculars (20.000 items),ML15,1,'@Embargo.,APP-2026-00001"
    )
