"""The Permits unit's casework services: registrations, assignment, requests for information and the
clock, consultations, classification, assessment, proposal, four eyes, decision (licence numbers,
denial records, no double decision), the licence's later life and its expiry."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone, translation

from brussels_international.core.models import AuditEntry, DeadlineStatus, Notification
from brussels_international.core.workflow import TransitionError, transition
from brussels_international.permits import case_services as cs
from brussels_international.permits.clock import clock_restart, clock_start
from brussels_international.permits.licence_services import application_withdraw
from brussels_international.permits.models import (
    Application,
    ApplicationStatus,
    ClassificationStatus,
    Consultation,
    CriterionAssessment,
    DenialNotification,
    InformationRequest,
    Licence,
    MemberRole,
    Organisation,
    OrganisationStatus,
)
from brussels_international.permits.tests.factories import (
    ApplicationFactory,
    GoodsLineFactory,
    MembershipFactory,
    PartyFactory,
    permits_officer,
    screened,
    submitted,
)
from brussels_international.permits.workflow import APPLICATION_TRANSITIONS

S = ApplicationStatus
D = dt.date
NOW = "2026-06-15 10:00 +02:00"


def make_case(reference: str = "APP-2026-00001", on: dt.date | None = None) -> Application:
    """A submitted individual export of night-vision binoculars to Norway, with its clock started."""
    application = ApplicationFactory()
    MembershipFactory(organisation=application.organisation, role=MemberRole.ADMINISTRATOR)
    MembershipFactory(organisation=application.organisation, role=MemberRole.APPLICANT)
    GoodsLineFactory(application=application, control_code="ML15")
    PartyFactory(application=application, role="consignee", name="Invented Optics Norway AS", country="NO")
    PartyFactory(application=application, role="end_user", name="Invented Border Guard", country="NO")
    submitted(application, reference=reference)
    with transaction.atomic():
        clock_start(actor=None, application=application, on=on or D(2026, 6, 1))
    screened(application)
    return Application.objects.get(pk=application.pk)


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    """Messages are compared in English (the workspace's default language is French)."""
    with translation.override("en"):
        yield


@pytest.fixture
def team(permits_setup):  # type: ignore[no-untyped-def]
    return {"anna": permits_officer("anna"), "bram": permits_officer("bram"), "cleo": permits_officer("cleo")}


def assessed(application: Application, manager: User, *, grounds: tuple[int, ...] = ()) -> Application:
    """Assign *manager*, start the assessment, classify the goods, assess NO on the eight criteria."""
    cs.case_assign(actor=manager, application=application, case_manager=manager)
    cs.case_start_assessment(actor=manager, application=application)
    for line in application.goods_lines.all():
        cs.goods_line_classify(actor=manager, goods_line=line, code=line.control_code)
    for number in range(1, 9):
        cs.assessment_record(
            actor=manager,
            application=application,
            country="NO",
            criterion_number=number,
            outcome="refusal_ground" if number in grounds else "no_concern",
            note=f"Criterion {number} considered.",
        )
    return Application.objects.get(pk=application.pk)


def kinds_for(user: User) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


# --- organisations ---------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_a_registration_is_approved_or_rejected_with_a_reason_and_its_administrators_are_told(team):  # type: ignore[no-untyped-def]
    admin = MembershipFactory(organisation__status=OrganisationStatus.PENDING, role=MemberRole.ADMINISTRATOR)
    applicant = MembershipFactory(organisation=admin.organisation, role=MemberRole.APPLICANT)
    organisation = admin.organisation

    approved = cs.organisation_approve(actor=team["anna"], organisation=organisation)
    assert approved.status == OrganisationStatus.APPROVED
    assert kinds_for(admin.user) == ["organisation_approved"]
    assert kinds_for(applicant.user) == []  # the administrators only

    with pytest.raises(ValidationError) as error:
        cs.organisation_suspend(actor=team["anna"], organisation=approved, reason="  ")
    assert error.value.message_dict == {"reason": ["Give the reason: the organisation's administrators receive it."]}
    assert Organisation.objects.get(pk=organisation.pk).status == OrganisationStatus.APPROVED

    suspended = cs.organisation_suspend(actor=team["anna"], organisation=approved, reason="Export ban breached.")
    assert (suspended.status, suspended.status_reason) == ("suspended", "Export ban breached.")
    reinstated = cs.organisation_reinstate(actor=team["anna"], organisation=suspended)
    assert (reinstated.status, reinstated.status_reason) == ("approved", "")
    assert kinds_for(admin.user) == ["organisation_approved", "organisation_suspended", "organisation_approved"]

    other = MembershipFactory(organisation__status=OrganisationStatus.PENDING).organisation
    rejected = cs.organisation_reject(actor=team["anna"], organisation=other, reason="Unknown enterprise number.")
    assert (rejected.status, rejected.status_reason) == ("rejected", "Unknown enterprise number.")
    with pytest.raises(TransitionError):
        cs.organisation_approve(actor=team["anna"], organisation=rejected)
    outsider = User.objects.create_user("outsider")
    with pytest.raises(PermissionDenied):
        cs.organisation_approve(
            actor=outsider, organisation=MembershipFactory(organisation__status="pending").organisation
        )


# --- assignment, initial checks, requests for information and the clock ----------------------


@time_machine.travel(NOW)
def test_assigning_a_submitted_case_starts_the_initial_checks_and_hands_over_the_deadline(team):  # type: ignore[no-untyped-def]
    case = make_case()
    with pytest.raises(ValidationError) as error:
        cs.case_assign(actor=team["anna"], application=case, case_manager=User.objects.create_user("stranger"))
    assert error.value.message_dict == {"case_manager": ["stranger cannot manage licence cases."]}
    with pytest.raises(PermissionDenied):
        cs.case_assign(actor=User.objects.create_user("nobody"), application=case, case_manager=team["bram"])

    assigned = cs.case_assign(actor=team["anna"], application=case, case_manager=team["bram"])

    assert (assigned.status, assigned.case_manager) == (S.INITIAL_CHECKS, team["bram"])
    assert assigned.deadline.responsible_user == team["bram"]
    assert kinds_for(team["bram"]) == ["case_assigned"]  # one notice: the deadline moves quietly
    with pytest.raises(TransitionError, match=re.escape("Only the case manager can do this.")):
        cs.case_start_assessment(actor=team["anna"], application=assigned)
    assert cs.case_start_assessment(actor=team["bram"], application=assigned).status == S.UNDER_ASSESSMENT


def test_a_request_for_information_stops_the_clock_and_the_answer_moves_the_due_date(team):  # type: ignore[no-untyped-def]
    with time_machine.travel("2026-06-02 09:00 +02:00"):
        case = make_case(on=D(2026, 6, 1))
        due = case.due_date
        assert due == D(2026, 7, 31)  # 60 calendar days after submission
        cs.case_assign(actor=team["anna"], application=case, case_manager=team["anna"])
        with pytest.raises(ValidationError) as error:
            cs.information_request_send(actor=team["anna"], application=case, question=" ")
        assert error.value.message_dict == {"question": ["Write the question to the applicant."]}
        assert InformationRequest.objects.count() == 0

        request = cs.information_request_send(
            actor=team["anna"], application=case, question="Send the end-user certificate signed by the ministry."
        )
    case.refresh_from_db()
    assert (case.status, case.resume_status, case.clock_stopped_on) == (
        S.WAITING_FOR_APPLICANT,
        "initial_checks",
        D(2026, 6, 2),
    )
    members = User.objects.filter(permits_membership__organisation=case.organisation)
    assert sorted(kinds for m in members for kinds in kinds_for(m)) == ["information_requested"] * 2

    # The applicant answers on 12 June (their service, not this module's: done by hand here).
    with time_machine.travel("2026-06-12 15:00 +02:00"), transaction.atomic():
        InformationRequest.objects.filter(pk=request.pk).update(
            answer="Attached.", answered_at=timezone.now(), answered_by=members.first()
        )
        locked = Application.objects.select_for_update().get(pk=case.pk)
        clock_restart(actor=None, application=locked, on=D(2026, 6, 12))
        transition(actor=members.first(), obj=locked, to=S.INITIAL_CHECKS, transitions=APPLICATION_TRANSITIONS)
    case.refresh_from_db()
    assert (case.status, case.clock_stopped_on, case.days_stopped) == (S.INITIAL_CHECKS, None, 10)
    assert case.due_date == D(2026, 8, 10) == due + dt.timedelta(days=10)
    assert case.deadline.due_date == D(2026, 8, 10)


@time_machine.travel(NOW)
def test_a_request_goes_out_only_from_checks_or_assessment_by_the_case_manager(team):  # type: ignore[no-untyped-def]
    case = make_case()
    with pytest.raises(TransitionError):
        cs.information_request_send(actor=team["anna"], application=case, question="Why?")  # still submitted
    cs.case_assign(actor=team["anna"], application=case, case_manager=team["bram"])
    with pytest.raises(TransitionError, match=re.escape("Only the case manager can do this.")):
        cs.information_request_send(actor=team["anna"], application=case, question="Why?")
    assert InformationRequest.objects.count() == 0
    assert Application.objects.get(pk=case.pk).clock_stopped_on is None


# --- consultations ---------------------------------------------------------------------------


@time_machine.travel(NOW)
def test_a_consultation_holds_the_case_until_every_authority_answered(team):  # type: ignore[no-untyped-def]
    case = make_case()
    anna = team["anna"]
    cs.case_assign(actor=anna, application=case, case_manager=anna)
    cs.case_start_assessment(actor=anna, application=case)
    with pytest.raises(ValidationError) as error:
        cs.consultation_send(actor=anna, application=case, authority="other", question="")
    assert error.value.message_dict == {
        "authority_other": ["Name the authority."],
        "question": ["Write the question to the authority."],
    }
    first = cs.consultation_send(actor=anna, application=case, authority="foreign_affairs", question="Any concern?")
    second = cs.consultation_send(
        actor=anna, application=case, authority="other", authority_other="Walloon licensing service", question="Same?"
    )
    assert Application.objects.get(pk=case.pk).status == S.CONSULTATION
    assert second.authority_other == "Walloon licensing service"

    cs.consultation_record_answer(actor=anna, consultation=first, advice="no_objection", advice_text="None.")
    with pytest.raises(TransitionError, match=re.escape("Record the answer of every consulted authority first.")):
        cs.case_resume_assessment(actor=anna, application=case)
    with pytest.raises(ValidationError) as error:
        cs.consultation_record_answer(actor=anna, consultation=second, advice="maybe", advice_text="")
    assert set(error.value.message_dict) == {"advice", "advice_text"}
    cs.consultation_record_answer(actor=anna, consultation=second, advice="conditions", advice_text="End-use check.")
    with pytest.raises(ValidationError):
        cs.consultation_record_answer(actor=anna, consultation=second, advice="objection", advice_text="Changed mind.")
    assert cs.case_resume_assessment(actor=anna, application=case).status == S.UNDER_ASSESSMENT
    assert list(Consultation.objects.order_by("pk").values_list("advice", flat=True)) == ["no_objection", "conditions"]


# --- classification and assessment -----------------------------------------------------------


@time_machine.travel(NOW)
def test_goods_lines_are_confirmed_or_corrected_against_the_control_lists(team):  # type: ignore[no-untyped-def]
    case = make_case()
    anna = team["anna"]
    second = GoodsLineFactory(application=case, control_code="", code_unknown=True)
    line = case.goods_lines.order_by("position").first()
    with pytest.raises(ValidationError):  # still submitted: not yet in the checks
        cs.goods_line_classify(actor=anna, goods_line=line, code="ML15")
    cs.case_assign(actor=anna, application=case, case_manager=anna)

    confirmed = cs.goods_line_classify(actor=anna, goods_line=line, code="ml15")
    corrected = cs.goods_line_classify(actor=anna, goods_line=second, code="ML5")
    with pytest.raises(ValidationError) as error:
        cs.goods_line_classify(actor=anna, goods_line=second, code="ML99")

    assert (confirmed.classification_status, confirmed.confirmed_code, confirmed.classified_by) == (
        ClassificationStatus.CONFIRMED, "ML15", anna,
    )  # fmt: skip
    assert (corrected.classification_status, corrected.confirmed_code) == (ClassificationStatus.CORRECTED, "ML5")
    assert error.value.message_dict == {"code": ["Unknown control list entry ML99 in the EU Common Military List."]}
    assert second.__class__.objects.get(pk=second.pk).confirmed_code == "ML5"  # unchanged by the refused call


@time_machine.travel(NOW)
def test_a_finding_is_recorded_per_destination_and_criterion_and_rewritten(team):  # type: ignore[no-untyped-def]
    case = make_case()
    anna = team["anna"]
    cs.case_assign(actor=anna, application=case, case_manager=anna)
    cs.case_start_assessment(actor=anna, application=case)
    with pytest.raises(ValidationError) as error:
        cs.assessment_record(actor=anna, application=case, country="FR", criterion_number=9, outcome="x", note="")
    assert error.value.message_dict == {
        "country": ["Choose one of the destinations of the application."],
        "criterion_number": ["Choose one of the eight criteria."],
        "outcome": ["Choose the finding."],
        "note": ["Write the reasoning of the finding."],
    }
    cs.assessment_record(actor=anna, application=case, country="no", criterion_number=2, outcome="concern", note="A.")
    cs.assessment_record(
        actor=anna, application=case, country="NO", criterion_number=2, outcome="no_concern", note="B."
    )
    assert list(CriterionAssessment.objects.values_list("country", "criterion__number", "outcome", "note")) == [
        ("NO", 2, "no_concern", "B.")
    ]
    assert list(
        AuditEntry.objects.filter(target_id=str(case.pk), object_repr__startswith="NO / 2")
        .values_list("verb", flat=True)
        .order_by("pk")
    ) == ["created", "updated"]


# --- proposal, four eyes, decision -----------------------------------------------------------


@time_machine.travel(NOW)
def test_a_licence_is_proposed_countersigned_by_another_officer_and_issued_once(team):  # type: ignore[no-untyped-def]
    anna, bram = team["anna"], team["bram"]
    case = make_case()
    cs.case_assign(actor=anna, application=case, case_manager=anna)
    cs.case_start_assessment(actor=anna, application=case)
    with pytest.raises(
        TransitionError, match=re.escape("Confirm or correct the control list entry of every goods line.")
    ):
        cs.decision_propose(actor=anna, application=case, outcome="grant")
    assert Application.objects.get(pk=case.pk).proposed_outcome == ""  # nothing stored half
    for line in case.goods_lines.all():
        cs.goods_line_classify(actor=anna, goods_line=line, code="ML15")
    for number in range(1, 9):
        cs.assessment_record(
            actor=anna, application=case, country="NO", criterion_number=number, outcome="no_concern", note="Fine."
        )
    with pytest.raises(ValidationError) as error:
        cs.decision_propose(actor=anna, application=case, outcome="grant", valid_from=D(2026, 6, 1))
    assert error.value.message_dict == {"valid_from": ["A licence cannot start in the past."]}

    proposed = cs.decision_propose(actor=anna, application=case, outcome="grant", conditions="No re-export.")
    assert (proposed.status, proposed.proposed_valid_from, proposed.proposed_valid_until) == (
        S.DECISION_PROPOSED, D(2026, 6, 15), D(2027, 6, 15),
    )  # fmt: skip

    with pytest.raises(TransitionError) as refused:
        cs.decision_countersign(actor=anna, application=proposed)
    assert str(refused.value) == "You assessed this case: another officer must countersign it (four-eyes principle)."
    sent_back = cs.decision_send_back(actor=bram, application=proposed, reason="Check the consignee's address.")
    assert sent_back.status == S.UNDER_ASSESSMENT and kinds_for(anna)[-1] == "decision_sent_back"
    proposed = cs.decision_propose(actor=anna, application=case, outcome="grant", conditions="No re-export.")
    countersigned = cs.decision_countersign(actor=bram, application=proposed)
    assert (countersigned.status, countersigned.countersigned_by) == (S.COUNTERSIGNED, bram)

    licence = cs.decision_issue(actor=bram, application=countersigned)

    assert isinstance(licence, Licence)
    assert (licence.number, licence.valid_from, licence.valid_until, licence.conditions) == (
        "BRU/2026/00001", D(2026, 6, 15), D(2027, 6, 15), "No re-export.",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.status == S.GRANTED and case.decided_at is not None
    assert case.deadline.status == DeadlineStatus.DONE
    admins = User.objects.filter(permits_membership__organisation=case.organisation)
    assert all(kinds_for(m)[-1] == "decision_issued" for m in admins)
    with pytest.raises(TransitionError, match=re.escape("The decision on APP-2026-00001 was already issued.")):
        cs.decision_issue(actor=bram, application=countersigned)
    assert Licence.objects.count() == 1


@time_machine.travel(NOW)
def test_a_refusal_citing_criteria_1_and_7_records_the_denial(team):  # type: ignore[no-untyped-def]
    anna, bram = team["anna"], team["bram"]
    case = assessed(make_case(), anna, grounds=(1, 7))
    with pytest.raises(TransitionError, match="a licence cannot be proposed"):
        cs.decision_propose(actor=anna, application=case, outcome="grant")
    with pytest.raises(ValidationError) as error:
        cs.decision_propose(actor=anna, application=case, outcome="refuse", refusal_reasons="")
    assert error.value.message_dict == {
        "refusal_criteria": ["Choose the criteria the refusal rests on."],
        "refusal_reasons": ["Write the reasons of the refusal."],
    }
    with pytest.raises(TransitionError, match="not 3"):
        cs.decision_propose(
            actor=anna, application=case, outcome="refuse", refusal_criteria=[1, 3], refusal_reasons="R."
        )
    proposed = cs.decision_propose(
        actor=anna, application=case, outcome="refuse", refusal_criteria=[7, 1], refusal_reasons="Embargo; diversion."
    )
    cs.decision_countersign(actor=bram, application=proposed)

    denial = cs.decision_issue(actor=bram, application=proposed)

    assert isinstance(denial, DenialNotification)
    assert (denial.reference, denial.destination, denial.criteria, denial.denied_on) == (
        "BE-BRU-2026-0001", "NO", [1, 7], D(2026, 6, 15),
    )  # fmt: skip
    assert (denial.consignee, denial.end_user, denial.control_codes) == (
        "Invented Optics Norway AS", "Invented Border Guard", "ML15",
    )  # fmt: skip
    assert denial.goods == "Night-vision binoculars, 3rd generation image intensifier (20.000 items)"
    assert denial.reasons == "Embargo; diversion."
    assert Application.objects.get(pk=case.pk).status == S.REFUSED
    assert not Licence.objects.exists()


@time_machine.travel(NOW)
def test_a_licence_is_suspended_lifted_revoked_and_expires(team):  # type: ignore[no-untyped-def]
    anna, bram = team["anna"], team["bram"]
    cases = []
    for number in (1, 2):
        case = assessed(make_case(reference=f"APP-2026-0000{number}"), anna)
        proposed = cs.decision_propose(actor=anna, application=case, outcome="grant", valid_until=D(2026, 12, 31))
        cs.decision_countersign(actor=bram, application=proposed)
        cs.decision_issue(actor=bram, application=proposed)
        cases.append(Application.objects.get(pk=case.pk))
    first, second = cases
    assert list(Licence.objects.order_by("number").values_list("number", flat=True)) == [
        "BRU/2026/00001", "BRU/2026/00002",
    ]  # fmt: skip

    with pytest.raises(ValidationError):
        cs.licence_suspend(actor=bram, application=first, reason="")
    assert cs.licence_suspend(actor=bram, application=first, reason="Inquiry.").status == S.SUSPENDED
    assert cs.licence_lift_suspension(actor=bram, application=first, reason="Cleared.").status == S.GRANTED
    assert cs.licence_revoke(actor=bram, application=second, reason="Embargo.").status == S.REVOKED
    with pytest.raises(PermissionDenied):
        cs.licence_suspend(actor=User.objects.create_user("x"), application=first, reason="No.")

    assert cs.licences_expire(today=D(2026, 12, 31)) == []
    assert cs.licences_expire(today=D(2027, 1, 1)) == ["APP-2026-00001"]  # the revoked one stays revoked
    assert cs.licences_expire(today=D(2027, 1, 2)) == []
    assert Application.objects.get(pk=first.pk).status == S.EXPIRED


def test_months_are_added_with_the_day_clamped() -> None:
    assert cs.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert cs.add_months(D(2026, 6, 15), 12) == D(2027, 6, 15)
    assert cs.add_months(D(2026, 11, 30), 36) == D(2029, 11, 30)


# --- concurrency (PostgreSQL) ----------------------------------------------------------------


def _countersigned_case(reference: str, anna: User, bram: User) -> Application:
    case = assessed(make_case(reference=reference), anna)
    proposed = cs.decision_propose(actor=anna, application=case, outcome="grant")
    return cs.decision_countersign(actor=bram, application=proposed)


@pytest.fixture
def no_search_auto_update(settings):  # type: ignore[no-untyped-def]
    """Tests run tasks at once (the immediate backend), so saving a case would re-index it inside the
    decision's transaction, where two threads' index refreshes deadlock on the index table. In
    production the index task runs in the worker after the commit."""
    settings.WAGTAILSEARCH_BACKENDS = {
        name: {**config, "AUTO_UPDATE": False} for name, config in settings.WAGTAILSEARCH_BACKENDS.items()
    }


def _in_threads(calls: list) -> tuple[list, list]:  # type: ignore[type-arg]
    results: list = []  # type: ignore[type-arg]
    errors: list = []  # type: ignore[type-arg]
    start = threading.Barrier(len(calls))

    def run(call) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            results.append(call())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_on_two_cases_take_consecutive_numbers(permits_setup, no_search_auto_update):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locking under concurrency is checked on PostgreSQL (SQLite serialises writers)")
    anna, bram = permits_officer("anna"), permits_officer("bram")
    first = _countersigned_case("APP-2026-00001", anna, bram)
    second = _countersigned_case("APP-2026-00002", anna, bram)

    results, errors = _in_threads(
        [
            lambda: cs.decision_issue(actor=bram, application=first),
            lambda: cs.decision_issue(actor=bram, application=second),
        ]
    )

    assert errors == []
    year = timezone.localdate().year
    assert sorted(licence.number for licence in results) == [f"BRU/{year}/00001", f"BRU/{year}/00002"]
    assert Licence.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_deciding_the_same_case_twice_at_once_issues_one_licence(permits_setup, no_search_auto_update):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("row locking under concurrency is checked on PostgreSQL (SQLite serialises writers)")
    anna, bram = permits_officer("anna"), permits_officer("bram")
    case = _countersigned_case("APP-2026-00001", anna, bram)

    results, errors = _in_threads([lambda: cs.decision_issue(actor=bram, application=case)] * 2)

    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], TransitionError)
    assert str(errors[0]) == "La décision relative à APP-2026-00001 a déjà été rendue."  # threads run in French
    assert list(Licence.objects.values_list("number", flat=True)) == [f"BRU/{timezone.localdate().year}/00001"]


@time_machine.travel(NOW)
def test_the_expiry_runs_from_the_command_and_is_scheduled_daily(team):  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    from brussels_international.core.tasks import daily_schedules
    from brussels_international.permits.tasks import schedule_licence_expiry

    assert daily_schedules()["Expiry of licences"] is schedule_licence_expiry
    anna, bram = team["anna"], team["bram"]
    case = assessed(make_case(), anna)
    proposed = cs.decision_propose(actor=anna, application=case, outcome="grant", valid_until=D(2026, 6, 30))
    cs.decision_countersign(actor=bram, application=proposed)
    cs.decision_issue(actor=bram, application=proposed)
    out = StringIO()
    call_command("licences_expire", "--today", "2026-07-01", stdout=out)
    assert out.getvalue().strip() == "1 licence(s) expired on 2026-07-01: APP-2026-00001."
    assert Application.objects.get(pk=case.pk).status == S.EXPIRED


@time_machine.travel(NOW)
def test_no_advice_is_recorded_once_the_case_has_left_the_consultation(team):  # type: ignore[no-untyped-def]
    """The applicant withdrew while the foreign affairs were consulted: a late answer is refused."""
    case = make_case()
    anna = team["anna"]
    cs.case_assign(actor=anna, application=case, case_manager=anna)
    cs.case_start_assessment(actor=anna, application=case)
    asked = cs.consultation_send(actor=anna, application=case, authority="foreign_affairs", question="Any concern?")
    member = User.objects.filter(permits_membership__organisation=case.organisation).first()
    application_withdraw(actor=member, application=case)
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        cs.consultation_record_answer(actor=anna, consultation=asked, advice="no_objection", advice_text="None.")
    assert error.value.messages == ["The case is no longer in consultation (withdrawn): the answer is not recorded."]
    asked.refresh_from_db()
    assert (asked.answered_at, asked.advice_text, AuditEntry.objects.count()) == (None, "", entries)


@time_machine.travel(NOW)
def test_a_licence_is_not_proposed_for_longer_than_its_type_allows(team):  # type: ignore[no-untyped-def]
    """An individual export licence is valid 12 months at most (manifest): a slip of the year
    (2028 for 2027) is caught before the proposal, and nothing is stored."""
    anna = team["anna"]
    case = assessed(make_case(), anna)
    with pytest.raises(ValidationError) as error:
        cs.decision_propose(actor=anna, application=case, outcome="grant", valid_until=D(2028, 6, 14))
    assert error.value.message_dict == {
        "valid_until": [
            "A licence of this type is valid for at most 12 months: its last day is June 15, 2027 at the latest."
        ]
    }
    assert Application.objects.get(pk=case.pk).proposed_valid_until is None

    proposed = cs.decision_propose(
        actor=anna, application=case, outcome="grant", valid_from=D(2026, 7, 1), valid_until=D(2027, 7, 1)
    )
    assert (proposed.proposed_valid_from, proposed.proposed_valid_until) == (D(2026, 7, 1), D(2027, 7, 1))
