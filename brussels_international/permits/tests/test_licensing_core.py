"""The licensing core shared by the portal and the casework: criteria loading, the statutory clock
on core deadlines, the status graph's guards (four eyes, completeness of a proposal), visibility."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from brussels_international.core.deadline_services import deadline_reassign, deadline_reschedule
from brussels_international.core.models import AuditEntry, Deadline, DeadlineStatus
from brussels_international.core.workflow import TransitionError, transition
from brussels_international.permits import clock
from brussels_international.permits.models import (
    ApplicationStatus,
    ClassificationStatus,
    Criterion,
    CriterionAssessment,
    InformationRequest,
    PartyRole,
)
from brussels_international.permits.selectors import applications_visible_to, destinations, proposal_problems
from brussels_international.permits.services import ControlListLoadError, criteria_load
from brussels_international.permits.tests.factories import permits_officer, screened, submitted
from brussels_international.permits.workflow import APPLICATION_TRANSITIONS

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages in English (the French catalogue is checked in test_permits_languages)."""
    with translation.override("en"):
        yield


def test_the_eight_criteria_load_in_three_languages_and_a_reload_changes_nothing(permits_setup):
    assert Criterion.objects.count() == 8
    seven = Criterion.objects.get(number=7)
    assert seven.title("en").startswith(
        "Existence of a risk that the military technology or equipment will be diverted"
    )
    assert seven.title("fr").startswith("Existence d'un risque de détournement")
    assert seven.title("nl").startswith("Risico dat de militaire technologie")
    assert seven.title("de") == seven.title_en  # no German: English
    path = Path(__file__).resolve().parents[1] / "data" / "criteria.csv"
    assert criteria_load(actor=None, path=path) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("number,title_en\n1,x\n", "criteria.csv, line 1: the columns must be number,title_en,title_fr"),
        ("{header}\n9,Heading,,,,,,src\n", "criteria.csv, line 2: the number must be 1 to 8, not '9'"),
        ("{header}\n1,Heading,,,,,,src\n1,Again,,,,,,src\n", "criteria.csv, line 3: criterion 1 appears twice"),
        ("{header}\n1,,,,,,,src\n", "criteria.csv, line 2: the English heading is empty"),
        ("{header}\n1,Heading,,,,,,src\n", "criteria.csv, whole file: criteria 2, 3, 4, 5, 6, 7, 8 are missing"),
    ],
)
def test_a_bad_criteria_file_names_the_line_and_changes_nothing(permits_setup, tmp_path, body, message):
    before = list(Criterion.objects.order_by("number").values_list("title_en", flat=True))
    path = tmp_path / "criteria.csv"
    path.write_text(body.format(header="number,title_en,title_fr,title_nl,text_en,text_fr,text_nl,source"))
    with pytest.raises(ControlListLoadError) as error:
        criteria_load(actor=None, path=path)
    assert str(error.value).startswith(message)
    assert list(Criterion.objects.order_by("number").values_list("title_en", flat=True)) == before


@pytest.fixture
def case(permits_setup, application_factory, goods_line_factory, party_factory):  # type: ignore[no-untyped-def]
    """A submitted individual export application to Norway, line ML15, with its clock started
    on Monday 2 March 2026 (60 calendar days: due Friday 1 May 2026 is Labour Day → Monday 4 May)."""
    application = application_factory()
    goods_line_factory(application=application)
    party_factory(application=application, role=PartyRole.CONSIGNEE, country="NO")
    party_factory(application=application, role=PartyRole.END_USER, country="NO")
    submitted(application, reference="APP-2026-00001")
    with transaction.atomic():
        clock.clock_start(actor=application.created_by, application=application, on=D(2026, 3, 2))
    application.refresh_from_db()
    return application


def test_the_clock_starts_at_submission_and_moves_by_the_days_it_stood_still(case):
    deadline = case.deadline
    assert (deadline.due_date, case.due_date) == (D(2026, 5, 4), D(2026, 5, 4))
    assert deadline.title == "Décider de la demande de licence APP-2026-00001" or deadline.title.endswith(
        "APP-2026-00001"
    )
    assert deadline.responsible_group.name == "Permits"
    assert deadline.dossier == case
    with transaction.atomic():
        clock.clock_stop(application=case, on=D(2026, 3, 10))
        clock.clock_stop(application=case, on=D(2026, 3, 12))  # already stopped: the first date counts
    with transaction.atomic():
        clock.clock_restart(actor=None, application=case, on=D(2026, 3, 24))
    case.refresh_from_db()
    deadline.refresh_from_db()
    assert (case.days_stopped, case.clock_stopped_on) == (14, None)
    assert (case.due_date, deadline.due_date) == (D(2026, 5, 18), D(2026, 5, 18))
    entry = AuditEntry.objects.filter(object_id=str(deadline.pk), verb="updated").get()
    assert entry.payload["changes"] == {"due_date": ["2026-05-04", "2026-05-18"]}
    assert "14" in entry.payload["reason"]


@pytest.mark.django_db(transaction=True)
def test_the_clock_functions_refuse_to_run_outside_the_cases_transaction(case):
    with pytest.raises(transaction.TransactionManagementError):
        clock.clock_stop(application=case, on=D(2026, 3, 10))


def test_the_case_manager_becomes_responsible_and_the_decision_meets_the_deadline(case):
    manager = permits_officer("manager")
    case.case_manager = manager
    case.save()
    with transaction.atomic():
        clock.clock_assign(actor=None, application=case)
    case.deadline.refresh_from_db()
    assert case.deadline.responsible_user == manager
    with transaction.atomic():
        clock.clock_finish(actor=case.created_by, application=case, note="withdrawn")  # an applicant, not the unit
    case.deadline.refresh_from_db()
    assert case.deadline.status == DeadlineStatus.DONE


def test_a_deadline_moves_only_while_open_with_a_reason(case):
    with pytest.raises(ValidationError, match=r"Say why the deadline moves\."):
        deadline_reschedule(actor=None, deadline=case.deadline, due=D(2026, 6, 1), reason=" ")
    Deadline.objects.filter(pk=case.deadline.pk).update(status=DeadlineStatus.DONE)
    with pytest.raises(ValidationError, match="This deadline is done"):
        deadline_reschedule(actor=None, deadline=case.deadline, due=D(2026, 6, 1), reason="extension")
    Deadline.objects.filter(pk=case.deadline.pk).update(
        status=DeadlineStatus.OPEN, responsible_user=case.created_by, responsible_group=None
    )
    with pytest.raises(ValidationError, match=r"A deadline needs a responsible person or unit\."):
        deadline_reassign(actor=None, deadline=case.deadline, responsible_user=None)
    case.deadline.refresh_from_db()
    assert case.deadline.responsible_user == case.created_by


def test_destinations_are_the_consignees_and_end_users_countries(case, party_factory):
    party_factory(application=case, role=PartyRole.INTERMEDIARY, country="DE")
    party_factory(application=case, role=PartyRole.END_USER, country="CH")
    assert destinations(case) == ["CH", "NO"]


def _assess_all(application, officer: User, *, grounds=()) -> None:  # type: ignore[no-untyped-def]
    for criterion in Criterion.objects.all():
        CriterionAssessment.objects.create(
            application=application,
            country="NO",
            criterion=criterion,
            outcome="refusal_ground" if criterion.number in grounds else "no_concern",
            note="Checked.",
            assessed_by=officer,
        )


def test_a_proposal_needs_classification_every_criterion_and_a_consistent_outcome(case):
    officer = permits_officer("assessor")
    screened(case)  # the screening's own conditions: test_screening.py
    assert proposal_problems(case) == [
        "Confirm or correct the control list entry of every goods line.",
        "Assess NO against criteria 1, 2, 3, 4, 5, 6, 7, 8.",
        "Choose the decision to propose.",
    ]
    case.goods_lines.update(classification_status=ClassificationStatus.CONFIRMED, confirmed_code="ML15")
    _assess_all(case, officer, grounds=(7,))
    case.proposed_outcome = "grant"
    assert proposal_problems(case) == ["Criteria 7 are assessed as a ground for refusal: a licence cannot be proposed."]
    case.proposed_outcome = "refuse"
    case.refusal_criteria = [1, 7]
    assert proposal_problems(case) == ["A refusal cites only criteria assessed as a ground for refusal (not 1)."]
    case.refusal_criteria = [7]
    assert proposal_problems(case) == []


def test_four_eyes_the_assessor_cannot_countersign_another_officer_can(case):
    assessor, second = permits_officer("assessor"), permits_officer("second")
    screened(case)
    case.goods_lines.update(classification_status=ClassificationStatus.CONFIRMED, confirmed_code="ML15")
    case.case_manager = assessor
    case.status = ApplicationStatus.UNDER_ASSESSMENT
    case.proposed_outcome = "grant"
    case.save()
    _assess_all(case, assessor)
    transition(actor=assessor, obj=case, to=ApplicationStatus.DECISION_PROPOSED, transitions=APPLICATION_TRANSITIONS)
    case.refresh_from_db()
    case.proposed_by = assessor
    case.save()
    with pytest.raises(TransitionError, match="four-eyes"):
        transition(actor=assessor, obj=case, to=ApplicationStatus.COUNTERSIGNED, transitions=APPLICATION_TRANSITIONS)
    transition(actor=second, obj=case, to=ApplicationStatus.COUNTERSIGNED, transitions=APPLICATION_TRANSITIONS)
    case.refresh_from_db()
    assert case.status == ApplicationStatus.COUNTERSIGNED
    with pytest.raises(TransitionError, match=r"The countersigned decision is not this one\."):
        transition(actor=second, obj=case, to=ApplicationStatus.REFUSED, transitions=APPLICATION_TRANSITIONS)


def test_waiting_for_the_applicant_needs_an_open_request_and_goes_back_where_it_was(case):
    manager = permits_officer("manager")
    case.case_manager = manager
    case.status = ApplicationStatus.INITIAL_CHECKS
    case.save()
    with pytest.raises(TransitionError, match=r"Write the request for information first\."):
        transition(
            actor=manager, obj=case, to=ApplicationStatus.WAITING_FOR_APPLICANT, transitions=APPLICATION_TRANSITIONS
        )
    request = InformationRequest.objects.create(application=case, question="Which model?", asked_by=manager)
    case.resume_status = ApplicationStatus.INITIAL_CHECKS
    case.save()
    transition(actor=manager, obj=case, to=ApplicationStatus.WAITING_FOR_APPLICANT, transitions=APPLICATION_TRANSITIONS)
    with pytest.raises(TransitionError, match="has not been answered yet"):
        transition(actor=manager, obj=case, to=ApplicationStatus.INITIAL_CHECKS, transitions=APPLICATION_TRANSITIONS)
    request.answer, request.answered_at, request.answered_by = "Model X", dt.datetime.now(dt.UTC), case.created_by
    request.save()
    with pytest.raises(TransitionError, match="goes back to"):
        transition(actor=manager, obj=case, to=ApplicationStatus.UNDER_ASSESSMENT, transitions=APPLICATION_TRANSITIONS)
    transition(actor=manager, obj=case, to=ApplicationStatus.INITIAL_CHECKS, transitions=APPLICATION_TRANSITIONS)


def test_who_sees_which_application(case, application_factory, membership_factory, user_factory):
    officer = permits_officer("officer")
    draft = application_factory()
    member = membership_factory(organisation=case.organisation).user
    stranger = membership_factory().user
    outsider = user_factory(username="outsider")
    assert list(applications_visible_to(officer)) == [case]  # staff: never a draft
    assert set(applications_visible_to(member)) == {case}
    assert list(applications_visible_to(stranger)) == []
    assert list(applications_visible_to(outsider)) == []
    draft_member = membership_factory(organisation=draft.organisation).user
    assert list(applications_visible_to(draft_member)) == [draft]
