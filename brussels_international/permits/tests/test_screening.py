"""Screening in casework (issue 5): the applicant and the parties screened on submission, the case
page's screening section with its review forms, the guards before a proposal (never screened,
unreviewed hits, true matches, arms embargoes), re-screening after a list change with the case
manager told once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from brussels_international.core.models import AuditEntry, Notification
from brussels_international.core.workflow import TransitionError
from brussels_international.permits import application_services as app_services
from brussels_international.permits import case_services as cs
from brussels_international.permits.models import Application, Party
from brussels_international.permits.screening import (
    case_screen_again,
    organisation_key,
    party_key,
    permits_subjects,
    screen_application,
)
from brussels_international.permits.selectors import proposal_problems
from brussels_international.permits.tests.factories import permits_officer
from brussels_international.permits.tests.test_application_services import _complete, storage_dir  # noqa: F401
from brussels_international.permits.tests.test_case_services import assessed, make_case
from brussels_international.screening.list_services import list_load
from brussels_international.screening.models import Hit, HitReview, Screening
from brussels_international.screening.services import subjects_rescreen
from brussels_international.screening.subjects import registered_subjects

pytestmark = pytest.mark.django_db
NOW = "2026-06-15 10:00 +02:00"
DATA = Path(__file__).parent / "data"
WATCH_LIST = DATA / "watch-list.csv"
"""W-1 "Invented Optiks Norway AS" (the consignee of ``make_case`` with a typo), W-2 a person."""
WITHOUT_W1 = DATA / "watch-list-without-w1.csv"


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


@pytest.fixture
def team(permits_setup):  # type: ignore[no-untyped-def]
    return {"anna": permits_officer("anna"), "bram": permits_officer("bram")}


def client_for(user, staff_login) -> Client:  # type: ignore[no-untyped-def]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff_login(client, user)
    return client


def consignee_of(case: Application) -> Party:
    return case.parties.get(role="consignee")


def only_hit(case: Application) -> Hit:
    return Hit.objects.get(screening__subject=party_key(consignee_of(case).pk))


# --- on submission ----------------------------------------------------------------------------


def test_submission_screens_the_applicant_and_each_party_once(
    permits_setup, membership_factory, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    list_load(source="watch", path=WATCH_LIST)
    member = membership_factory(user__username="alex").user
    draft = app_services.application_create(actor=member, licence_type="individual_export", title="Binoculars")
    _complete(member, draft)
    Party.objects.filter(application=draft, role="consignee").update(name="Invented Optics Norway AS")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = app_services.application_submit(actor=member, application=draft, declaration=True)

    consignee = Party.objects.get(application=draft, role="consignee")
    end_user = Party.objects.get(application=draft, role="end_user")
    screenings = Screening.objects.order_by("pk")
    assert [(s.subject, s.name, s.country, s.schema, s.use) for s in screenings] == [
        (organisation_key(submitted.organisation_id), submitted.organisation.name, "BE", "organisation", "permits"),
        (party_key(consignee.pk), "Invented Optics Norway AS", "NO", "", "permits"),
        (party_key(end_user.pk), "Invented Border Guard", "NO", "", "permits"),
    ]
    assert [(h.screening.subject, h.ref) for h in Hit.objects.select_related("screening")] == [
        (party_key(consignee.pk), "W-1")
    ]
    entry = AuditEntry.objects.filter(object_id=str(draft.pk), payload__has_key="screening").get()
    assert entry.payload["screening"] == {
        "reason": "submission",
        "subjects": [s.subject for s in screenings],
        "hits": 1,
    }
    # The task is idempotent: a second run (a retry) screens nothing twice.
    assert screen_application.call(draft.pk) == 0
    assert Screening.objects.count() == 3


@time_machine.travel(NOW)
def test_screen_again_screens_everyone_with_the_lists_of_now_and_needs_the_unit(team, staff_login):  # type: ignore[no-untyped-def]
    case = make_case()  # screened with no list loaded: no hit
    assert Hit.objects.count() == 0
    list_load(source="watch", path=WATCH_LIST)
    client = client_for(team["anna"], staff_login)
    url = reverse("permits_cases:case", args=[case.pk])
    response = client.post(url, {"action": "screen_again"}, follow=True)
    assert "The applicant and the parties are screened again." in response.content.decode()
    assert Screening.objects.count() == 6
    assert only_hit(case).ref == "W-1"
    stranger = permits_officer("no-rights")
    stranger.groups.clear()
    with pytest.raises(PermissionDenied, match=r"Only the Permits unit can screen a case\."):
        case_screen_again(actor=stranger, application=case)
    assert Screening.objects.count() == 6


# --- case page --------------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_the_case_page_shows_the_hit_its_explanation_and_a_review_form(team, staff_login):  # type: ignore[no-untyped-def]
    list_load(source="watch", path=WATCH_LIST)
    case = assessed(make_case(), team["anna"])
    hit = only_hit(case)
    page = client_for(team["anna"], staff_login).get(reverse("permits_cases:case", args=[case.pk])).content.decode()
    assert 'id="case-screening"' in page
    assert "Consignee: Invented Optics Norway AS (NO)" in page
    assert "Invented Optiks Norway AS" in page
    assert "lists: test-list, watch" in page
    assert EXPLANATION in page
    assert "To review" in page
    assert f'name="review-{hit.pk}-decision"' in page and f'name="review-{hit.pk}-reason"' in page
    assert page.count("No hit.") == 2  # the applicant and the end-user
    # among the problems before a proposal:
    assert "<li>Review the 1 screening hit(s) of consignee: Invented Optics Norway AS.</li>" in page


EXPLANATION = (
    "“Invented Optics Norway AS” matched “Invented Optiks Norway AS” (invented ~ invented: exact; optics ~ optiks: "
    "typing error; norway ~ norway: exact); country: same (+0.05); score 1.00, threshold 0.70"
)


@time_machine.travel(NOW)
def test_the_case_page_says_not_screened_yet(team, staff_login):  # type: ignore[no-untyped-def]
    case = make_case()
    Screening.objects.all().delete()
    page = client_for(team["anna"], staff_login).get(reverse("permits_cases:case", args=[case.pk])).content.decode()
    assert page.count("Not screened yet.") == 3


@time_machine.travel(NOW)
def test_a_hit_is_reviewed_from_the_case_page_and_a_blank_reason_is_refused(team, staff_login):  # type: ignore[no-untyped-def]
    list_load(source="watch", path=WATCH_LIST)
    anna = team["anna"]
    case = assessed(make_case(), anna)
    hit = only_hit(case)
    client = client_for(anna, staff_login)
    url = reverse("permits_cases:case", args=[case.pk])
    prefix = f"review-{hit.pk}"

    response = client.post(url, {"action": "review_hit", "hit": hit.pk, f"{prefix}-decision": "false_match"})
    assert response.status_code == 400
    assert "Reason: This field is required." in response.content.decode()
    assert not HitReview.objects.exists()

    response = client.post(
        url,
        {
            "action": "review_hit",
            "hit": hit.pk,
            f"{prefix}-decision": "false_match",
            f"{prefix}-reason": "Different registration number (NO 999 999 999).",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "The review of the hit is recorded." in page
    review = HitReview.objects.get()
    assert (review.hit, review.decision, review.reviewer, review.subject) == (
        hit,
        "false_match",
        anna,
        party_key(consignee_of(case).pk),
    )
    assert "False match" in page and "Different registration number (NO 999 999 999)." in page
    assert "To review" not in page
    assert proposal_problems(Application.objects.get(pk=case.pk)) == ["Choose the decision to propose."]


@time_machine.travel(NOW)
def test_a_hit_of_another_case_cannot_be_reviewed_from_this_one(team, staff_login):  # type: ignore[no-untyped-def]
    list_load(source="watch", path=WATCH_LIST)
    first, second = make_case("APP-2026-00001"), make_case("APP-2026-00002")
    hit = only_hit(second)
    client = client_for(team["anna"], staff_login)
    response = client.post(
        reverse("permits_cases:case", args=[first.pk]),
        {
            "action": "review_hit",
            "hit": hit.pk,
            f"review-{hit.pk}-decision": "true_match",
            f"review-{hit.pk}-reason": "x",
        },
        follow=True,
    )
    assert "This hit is not about this case." in response.content.decode()
    assert not HitReview.objects.exists()


# --- guards before a proposal -----------------------------------------------------------------


@time_machine.travel(NOW)
def test_no_proposal_while_someone_was_never_screened(team):  # type: ignore[no-untyped-def]
    anna = team["anna"]
    case = assessed(make_case(), anna)
    Screening.objects.filter(subject=party_key(consignee_of(case).pk)).delete()
    expected = "Screen consignee: Invented Optics Norway AS against the sanctions lists (not screened yet)."
    case.proposed_outcome = "grant"
    assert proposal_problems(case) == [expected]
    with pytest.raises(TransitionError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        cs.decision_propose(actor=anna, application=case, outcome="grant")
    assert Application.objects.get(pk=case.pk).status == "under_assessment"


@time_machine.travel(NOW)
def test_no_proposal_after_a_list_changed_until_the_parties_are_screened_again(team, monkeypatch):  # type: ignore[no-untyped-def]
    from brussels_international.permits.tests.conftest import NO_HIT_LIST
    from brussels_international.screening import services as screening_services

    anna = team["anna"]
    case = assessed(make_case(), anna)
    case.proposed_outcome = "grant"
    assert proposal_problems(case) == []
    # A new list arrives; the re-screening task has not run for this case yet.
    monkeypatch.setattr(screening_services, "rescreen_after_list_change", lambda **kwargs: None)
    list_load(source="late-list", path=NO_HIT_LIST)
    stale = proposal_problems(case)
    assert stale == [
        "Screen applicant: " + case.organisation.name + " again: the sanctions lists changed since the last screening.",
        "Screen consignee: Invented Optics Norway AS again: the sanctions lists changed since the last screening.",
        "Screen end-user: Invented Border Guard again: the sanctions lists changed since the last screening.",
    ]
    case_screen_again(actor=anna, application=case)
    assert proposal_problems(case) == []


@time_machine.travel(NOW)
def test_no_proposal_when_no_sanctions_list_is_loaded(team):  # type: ignore[no-untyped-def]
    from brussels_international.screening.models import ListVersion

    anna = team["anna"]
    case = assessed(make_case(), anna)
    ListVersion.objects.filter(status="active").update(status="superseded")
    case.proposed_outcome = "grant"
    assert proposal_problems(case)[0] == "No sanctions list is loaded: load the lists, then screen the parties again."


@time_machine.travel(NOW)
def test_no_proposal_while_a_hit_is_unreviewed_not_even_a_refusal(team):  # type: ignore[no-untyped-def]
    list_load(source="watch", path=WATCH_LIST)
    anna = team["anna"]
    case = assessed(make_case(), anna)
    expected = "Review the 1 screening hit(s) of consignee: Invented Optics Norway AS."
    with pytest.raises(TransitionError, match=r"Review the 1 screening hit\(s\) of consignee"):
        cs.decision_propose(actor=anna, application=case, outcome="grant")
    cs.assessment_record(
        actor=anna, application=case, country="NO", criterion_number=7, outcome="refusal_ground", note="Diversion."
    )
    with pytest.raises(TransitionError, match=r"Review the 1 screening hit\(s\) of consignee"):
        cs.decision_propose(
            actor=anna, application=case, outcome="refuse", refusal_criteria=[7], refusal_reasons="Diversion."
        )
    assert Application.objects.get(pk=case.pk).status == "under_assessment"
    case.proposed_outcome = "refuse"
    case.refusal_criteria = [7]
    assert proposal_problems(case) == [expected]


@time_machine.travel(NOW)
def test_a_true_match_blocks_a_licence_but_not_a_refusal(team):  # type: ignore[no-untyped-def]
    list_load(source="watch", path=WATCH_LIST)
    anna = team["anna"]
    case = assessed(make_case(), anna, grounds=(7,))
    from brussels_international.permits.screening import case_hit_review

    case_hit_review(
        actor=anna, application=case, hit=only_hit(case), decision="true_match", reason="Same address and director."
    )
    case.proposed_outcome = "grant"
    problem = (
        "consignee: Invented Optics Norway AS is a true match of Invented Optiks Norway AS (WATCH): "
        "a licence cannot be proposed."
    )
    assert proposal_problems(case)[-1] == problem
    with pytest.raises(TransitionError):
        cs.decision_propose(actor=anna, application=case, outcome="grant")
    proposed = cs.decision_propose(
        actor=anna, application=case, outcome="refuse", refusal_criteria=[7], refusal_reasons="Listed consignee."
    )
    assert proposed.status == "decision_proposed"


@time_machine.travel(NOW)
def test_a_false_match_lets_the_licence_be_proposed(team):  # type: ignore[no-untyped-def]
    list_load(source="watch", path=WATCH_LIST)
    anna = team["anna"]
    case = assessed(make_case(), anna)
    from brussels_international.permits.screening import case_hit_review

    case_hit_review(actor=anna, application=case, hit=only_hit(case), decision="false_match", reason="Other company.")
    assert cs.decision_propose(actor=anna, application=case, outcome="grant").status == "decision_proposed"


def _to(case: Application, country: str, manager) -> Application:  # type: ignore[no-untyped-def]
    """Move the parties of *case* to *country* and assess it there on the eight criteria."""
    case.parties.update(country=country)
    for number in range(1, 9):
        cs.assessment_record(
            actor=manager, application=case, country=country, criterion_number=number, outcome="no_concern", note="ok"
        )
    case.assessments.filter(country="NO").delete()
    return Application.objects.get(pk=case.pk)


@time_machine.travel(NOW)
def test_an_arms_embargo_on_the_destination_blocks_a_licence_but_not_a_refusal(team, staff_login):  # type: ignore[no-untyped-def]
    call_command("load_arms_embargoes", stdout=StringIO())
    anna = team["anna"]
    case = _to(assessed(make_case(), anna), "RU", anna)
    problem = (
        "Criterion 1: arms embargo EU – Russian Federation (Council Decision 2014/512/CFSP of 31 July 2014) "
        "in force on RU: a licence cannot be proposed."
    )
    case.proposed_outcome = "grant"
    assert proposal_problems(case) == [problem]
    with pytest.raises(TransitionError, match="arms embargo EU – Russian Federation"):
        cs.decision_propose(actor=anna, application=case, outcome="grant")
    page = client_for(anna, staff_login).get(reverse("permits_cases:case", args=[case.pk])).content.decode()
    assert "RU: Embargoed: at least one legally binding arms embargo is in force" in page
    assert "Council Decision 2014/512/CFSP of 31 July 2014" in page
    assert "Legally binding - whole state (export and import of arms; plus dual-use, advanced tech)" in page
    assert "Also check the parties against the embargoes on groups tied to no country:" in page
    assert problem in page
    cs.assessment_record(
        actor=anna, application=case, country="RU", criterion_number=1, outcome="refusal_ground", note="Embargo."
    )
    proposed = cs.decision_propose(
        actor=anna, application=case, outcome="refuse", refusal_criteria=[1], refusal_reasons="EU arms embargo."
    )
    assert proposed.status == "decision_proposed"


@time_machine.travel(NOW)
def test_no_embargo_on_france(team, staff_login):  # type: ignore[no-untyped-def]
    call_command("load_arms_embargoes", stdout=StringIO())
    anna = team["anna"]
    case = _to(assessed(make_case(), anna), "FR", anna)
    page = client_for(anna, staff_login).get(reverse("permits_cases:case", args=[case.pk])).content.decode()
    assert "FR: No arms embargo in force" in page
    assert "Criterion 1: arms embargo" not in page
    assert cs.decision_propose(actor=anna, application=case, outcome="grant").status == "decision_proposed"


@time_machine.travel(NOW)
def test_an_embargo_on_non_state_actors_needs_criterion_1_assessed(team):  # type: ignore[no-untyped-def]
    call_command("load_arms_embargoes", stdout=StringIO())
    anna = team["anna"]
    case = _to(assessed(make_case(), anna), "LB", anna)
    case.assessments.filter(criterion__number=1).delete()
    case.proposed_outcome = "grant"
    problems = proposal_problems(case)
    assert problems[0] == "Assess LB against criteria 1."
    assert [p[:60] for p in problems[1:]] == [
        "Criterion 1: arms embargo EU – Non-state actors in Lebanon (",
        "Criterion 1: arms embargo UN – Non-state actors in Lebanon (",
    ]
    cs.assessment_record(
        actor=anna, application=case, country="LB", criterion_number=1, outcome="no_concern", note="Lebanese Army."
    )
    assert proposal_problems(case) == []


# --- re-screening -----------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_the_provider_yields_the_applicant_and_parties_of_open_cases(team):  # type: ignore[no-untyped-def]
    anna = team["anna"]
    case = assessed(make_case(), anna)
    closed = make_case("APP-2026-00002")
    Application.objects.filter(pk=closed.pk).update(status="refused")
    consignee = consignee_of(case)
    subjects = {s.key: s for s in permits_subjects()}
    assert sorted(subjects) == sorted(
        [organisation_key(case.organisation_id), *(party_key(p.pk) for p in case.parties.all())]
    )
    party = subjects[party_key(consignee.pk)]
    assert (party.label, party.url, party.notify, party.country, party.schema) == (
        "APP-2026-00001 – consignee: Invented Optics Norway AS",
        reverse("permits_cases:case", args=[case.pk]),
        (anna.pk,),
        "NO",
        "",
    )
    assert {s.key for s in registered_subjects()} >= set(subjects)


@time_machine.travel(NOW)
def test_a_list_change_tells_the_case_manager_once_and_never_about_a_reviewed_hit(team):  # type: ignore[no-untyped-def]
    anna = team["anna"]
    case = assessed(make_case(), anna)  # screened with no list: no hit
    list_load(source="watch", path=WATCH_LIST)

    outcome = subjects_rescreen(registered_subjects())
    assert (outcome.subjects, outcome.hits, outcome.new_hits) == (3, 1, 1)
    told = Notification.objects.filter(recipient=anna, kind="screening_new_hits")
    assert [n.title for n in told] == ["New screening hit: APP-2026-00001 – consignee: Invented Optics Norway AS"]
    assert told.get().url == reverse("permits_cases:case", args=[case.pk])

    subjects_rescreen(registered_subjects())  # no list change: nothing new
    assert told.count() == 1

    from brussels_international.permits.screening import case_hit_review

    case_hit_review(actor=anna, application=case, hit=only_hit_latest(case), decision="false_match", reason="Other.")
    list_load(source="watch", path=WITHOUT_W1)
    subjects_rescreen(registered_subjects())  # W-1 gone
    list_load(source="watch", path=WATCH_LIST)  # W-1 back, its listing unchanged: the review covers it
    outcome = subjects_rescreen(registered_subjects())
    assert (outcome.hits, outcome.new_hits) == (1, 0)
    assert told.count() == 1


def only_hit_latest(case: Application) -> Hit:
    return Hit.objects.filter(screening__subject=party_key(consignee_of(case).pk)).order_by("-pk").first()  # type: ignore[return-value]
