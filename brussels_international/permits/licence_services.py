"""Writes of the applicant side after submission: answering the unit's requests for information
(and attaching documents while the case waits for the applicant), withdrawing an application,
and reporting shipments made under a licence (licence-use reports).

Each service is keyword-only, runs in one transaction, writes the audit trail in it, moves the
status only through :func:`core.workflow.transition` with
:data:`permits.workflow.APPLICATION_TRANSITIONS`, and tells the case manager through
:func:`core.notifications.notify` (the mail leaves after the commit). Bad input raises
``ValidationError({field: message})`` with a translated message and stores nothing.

Reads (the balance of a licence) are in :mod:`permits.selectors`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext, override
from django.utils.translation import gettext as _

from brussels_international.core.documents import PDF, detect_type, document_upload
from brussels_international.core.models import AuditVerb
from brussels_international.core.notifications import notify
from brussels_international.core.services import audit_record
from brussels_international.core.workflow import transition

from . import clock
from .models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    DocumentKind,
    GoodsLine,
    GoodsUnit,
    InformationRequest,
    Licence,
    LicenceUseReport,
    Party,
    PartyRole,
)
from .workflow import APPLICATION_TRANSITIONS, is_member

ANSWER_MAX_LENGTH = 10_000
"""Characters an answer to a request for information may hold at most."""

REASON_MAX_LENGTH = 2_000
"""Characters the reason of a withdrawal may hold at most."""

CUSTOMS_REFERENCE_MAX_LENGTH = 40
"""Characters of a customs declaration reference (an MRN has 18; some national ones are longer)."""

BABEL_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
"""The CLDR locale used to write numbers, amounts and dates in each interface language."""


def babel_locale(language: str | None = None) -> str:
    """The CLDR locale of *language* (default: the active one): Belgian French and Dutch, British English."""
    return BABEL_LOCALES.get((language or get_language() or "fr")[:2], "fr_BE")


def format_eur(value: Decimal, language: str | None = None) -> str:
    """*value* in euros as written in *language* (``48 000,00 €`` in French)."""
    return str(format_currency(value, "EUR", locale=babel_locale(language)))


def format_quantity(quantity: Decimal, unit: str, language: str | None = None) -> str:
    """*quantity* with its unit, as written in *language*: ``5 items``, ``2,5 kg``.

    Trailing zeros of the three stored decimals are dropped (``5.000`` → ``5``).
    """
    number = str(format_decimal(quantity.normalize(), locale=babel_locale(language), format="#,##0.###"))
    if unit == GoodsUnit.ITEMS:
        return ngettext("%(number)s item", "%(number)s items", _plural_count(quantity)) % {"number": number}
    if unit == GoodsUnit.SETS:
        return ngettext("%(number)s set", "%(number)s sets", _plural_count(quantity)) % {"number": number}
    symbols: dict[str, str] = {"kg": "kg", "l": "l", "m": "m"}
    return f"{number} {symbols.get(str(unit), str(unit))}"


def _plural_count(quantity: Decimal) -> int:
    """The count gettext chooses the plural form with: the quantity when whole, else 2 (plural)."""
    return int(quantity) if quantity == quantity.to_integral_value() else 2


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether *text* holds a control character (U+0000–U+001F, U+007F); line breaks and tabs
    are allowed when *multiline*."""
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any((ord(char) < 32 or ord(char) == 127) and char not in allowed for char in text)


def _case_url(application: Application) -> str:
    return reverse("permits_cases:case", args=[application.pk])


def _tell_case_manager(*, actor: User, application: Application, kind: str, context: dict[str, Any]) -> None:
    """Notify the case manager of *application* (nobody when none is assigned yet)."""
    if application.case_manager is None:
        return
    notify(
        recipient=application.case_manager,
        kind=kind,
        context={"application": application, **context},
        url=_case_url(application),
        actor=actor,
        obj=application,
    )


def _require_member(actor: User, application: Application) -> None:
    if not is_member(application, actor):
        raise PermissionDenied(_("Only the applicant organisation's people can do this."))


# --- Requests for information ----------------------------------------------------------------


def information_request_answer(*, actor: User, request: InformationRequest, answer: str) -> InformationRequest:
    """Record the applicant's answer to *request*; when no request of the case remains open,
    restart the statutory clock and put the case back where it was.

    Args:
        actor: a member of the applying organisation (:func:`permits.workflow.is_member`).
        request: an open request for information of an application waiting for the applicant.
        answer: the answer, at most :data:`ANSWER_MAX_LENGTH` characters; line breaks allowed,
            other control characters refused.

    Returns:
        The request, re-read, with ``answer``, ``answered_by`` and ``answered_at`` set.

    Raises:
        PermissionDenied: *actor* is not a member of the applying organisation.
        ValidationError: ``{"answer": ...}`` blank, too long or with control characters;
            ``{"__all__": ...}`` the request is already answered or the case no longer waits for
            the applicant. Nothing is stored.

    When the last open request is answered, the clock restarts on today's date (Europe/Brussels):
    the due date moves by the calendar days it stood still (:func:`permits.clock.clock_restart`;
    the clock stops while the applicant is asked for information, Brussels ordinance of 20 June
    2013 and its decree of 3 April 2014), and the case goes back to ``application.resume_status``
    (initial checks or assessment, ``workflow.APPLICATION_TRANSITIONS``). The case manager is told
    (notification kind ``information_answered``).
    """
    _require_member(actor, request.application)
    text = answer.strip()
    if not text:
        raise ValidationError({"answer": _("Enter your answer.")})
    if len(text) > ANSWER_MAX_LENGTH:
        raise ValidationError(
            {"answer": _("The answer is too long: at most %(max)s characters.") % {"max": f"{ANSWER_MAX_LENGTH:,}"}}
        )
    if has_control_characters(text, multiline=True):
        raise ValidationError({"answer": _("The answer holds control characters: remove them.")})
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("case_manager")
            .get(pk=request.application_id)
        )
        locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.is_open:
            raise ValidationError({NON_FIELD_ERRORS: _("This request has already been answered.")})
        if application.status != ApplicationStatus.WAITING_FOR_APPLICANT:
            raise ValidationError({NON_FIELD_ERRORS: _("The unit is not waiting for your answer on this application.")})
        locked.answer = text
        locked.answered_by = actor
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=locked,
            target=application,
            payload={"changes": {"answered_at": [None, locked.answered_at.isoformat()]}, "answer_length": len(text)},
        )
        still_open = application.information_requests.filter(answered_at__isnull=True).exists()
        if not still_open:
            due_before = application.due_date
            clock.clock_restart(actor=actor, application=application, on=timezone.localdate())
            with override(settings.LANGUAGE_CODE):  # kept in the workspace's language, as the clock's notes
                note = _("Every request for information is answered.")
            transition(
                actor=actor,
                obj=application,
                to=application.resume_status,
                transitions=APPLICATION_TRANSITIONS,
                note=note,
            )
            application.refresh_from_db()
            if due_before != application.due_date:
                audit_record(
                    actor=actor,
                    verb=AuditVerb.UPDATED,
                    obj=application,
                    payload={
                        "changes": {
                            "due_date": [
                                due_before.isoformat() if due_before else None,
                                application.due_date.isoformat() if application.due_date else None,
                            ]
                        }
                    },
                )
        _tell_case_manager(
            actor=actor,
            application=application,
            kind="information_answered",
            context={"request": locked, "all_answered": not still_open},
        )
    locked.refresh_from_db()
    return locked


def information_document_attach(
    *,
    actor: User,
    application: Application,
    uploaded_file: File,
    kind: str,
    title: str = "",
    party: Party | None = None,
) -> ApplicationDocument:
    """Attach a document to an application that waits for the applicant (the end-user
    certificate or another document the unit asked for).

    Args:
        actor: a member of the applying organisation.
        application: in status ``waiting_for_applicant`` (the registry kind's rule,
            :func:`permits.kinds.application_can_change`, is checked again by the upload).
        uploaded_file: the file; an end-user certificate must be a PDF.
        kind: a :class:`~permits.models.DocumentKind` value.
        title: optional title (at most 255 characters).
        party: for an end-user certificate, the end-user it is for (required then, as in the
            draft: :func:`permits.application_services.application_document_add`); one of the
            application's end-users.

    Returns:
        The :class:`ApplicationDocument` linking the stored core document and its kind.

    Raises:
        PermissionDenied: *actor* is not a member, or may not change the application now.
        ValidationError: ``{"kind": ...}``, ``{"party": ...}`` (not an end-user of this
            application, or missing for an end-user certificate), ``{"file": ...}`` (not a PDF for
            an end-user certificate, or refused by :func:`core.documents.detect_type`: empty,
            too large, unsupported type). Nothing is stored.

    Source: end-user certificates are required, as PDF, for the licence types that say so in
    :mod:`permits.manifest` (``end_user_certificate``).
    """
    _require_member(actor, application)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Choose what the document is.")})
    if party is not None and (party.application_id != application.pk or party.role != PartyRole.END_USER):
        raise ValidationError({"party": _("Choose one of the end-users of this application.")})
    if kind == DocumentKind.END_USER_CERTIFICATE and party is None:
        raise ValidationError({"party": _("Choose the end-user this certificate is for.")})
    if kind == DocumentKind.END_USER_CERTIFICATE:
        data = b"".join(uploaded_file.chunks())
        uploaded_file.seek(0)
        try:
            file_type = detect_type(data, str(uploaded_file.name or ""))
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        if file_type != PDF:
            raise ValidationError({"file": _("An end-user certificate must be a PDF document.")})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.WAITING_FOR_APPLICANT:
            raise ValidationError({NON_FIELD_ERRORS: _("Documents can be added only while the unit waits for you.")})
        try:
            document = document_upload(actor=actor, dossier=locked, uploaded_file=uploaded_file, title=title)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from error
        attached = ApplicationDocument.objects.create(
            application=application, document=document, kind=kind, party=party
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=attached,
            target=application,
            payload={"kind": kind, "document": document.pk, "party": party.pk if party else None},
        )
    return attached


# --- Withdrawal ------------------------------------------------------------------------------


def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    """Withdraw *application* at the applicant's request; its statutory deadline is met.

    Args:
        actor: a member of the applying organisation.
        application: in a withdrawable status (submitted up to decision proposed,
            ``workflow.APPLICATION_TRANSITIONS``).
        reason: optional, at most :data:`REASON_MAX_LENGTH` characters; kept as the note of the
            status change (and so in the audit trail).

    Returns:
        The application, re-read, in status ``withdrawn``.

    Raises:
        PermissionDenied: *actor* is not a member of the applying organisation.
        ValidationError: ``{"reason": ...}`` too long or with control characters;
            ``{"__all__": ...}`` the application can no longer be withdrawn (countersigned,
            decided or a draft). Nothing is stored.

    The status change writes the audit entry (``status_changed`` with the reason); the case
    manager is told (notification kind ``application_withdrawn``).
    """
    _require_member(actor, application)
    reason = reason.strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason is too long: at most %(max)s characters.") % {"max": f"{REASON_MAX_LENGTH:,}"}}
        )
    if has_control_characters(reason, multiline=True):
        raise ValidationError({"reason": _("The reason holds control characters: remove them.")})
    if not application_may_withdraw(application):
        raise ValidationError({NON_FIELD_ERRORS: _("This application can no longer be withdrawn.")})
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",)).select_related("case_manager").get(pk=application.pk)
        )
        if not application_may_withdraw(locked):
            raise ValidationError({NON_FIELD_ERRORS: _("This application can no longer be withdrawn.")})
        transition(
            actor=actor, obj=locked, to=ApplicationStatus.WITHDRAWN, transitions=APPLICATION_TRANSITIONS, note=reason
        )
        locked.refresh_from_db()
        locked.decided_at = timezone.now()  # closed: the queue's "Closed" tab sorts on it
        locked.save(update_fields=["decided_at", "updated_at"])
        with override(settings.LANGUAGE_CODE):  # the deadline's note, read in the workspace
            note = _("Withdrawn by the applicant.")
        clock.clock_finish(actor=actor, application=locked, note=note)
        _tell_case_manager(actor=actor, application=locked, kind="application_withdrawn", context={"reason": reason})
    return locked


def application_may_withdraw(application: Application) -> bool:
    """Whether *application*'s status allows a withdrawal (a row ``→ withdrawn`` in the graph)."""
    return any(
        row.source == application.status and row.target == ApplicationStatus.WITHDRAWN
        for row in APPLICATION_TRANSITIONS
    )


# --- Licence-use reports ---------------------------------------------------------------------


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def use_report_record(
    *,
    actor: User,
    licence: Licence,
    goods_line: GoodsLine,
    quantity: Decimal,
    value_eur: Decimal,
    shipped_on: dt.date,
    customs_reference: str = "",
) -> LicenceUseReport:
    """Record a shipment made under *licence* for one of its goods lines.

    Args:
        actor: a member of the licence holder (the application's organisation).
        licence: a licence in force: its application is ``granted`` (not suspended, revoked or
            expired).
        goods_line: a line of the licence's application.
        quantity: shipped, in the line's unit; more than 0, at most 3 decimals.
        value_eur: value shipped, in EUR; 0 or more, at most 2 decimals.
        shipped_on: the day of the shipment: within the licence's validity
            (``valid_from`` to ``valid_until``) and not in the future (Europe/Brussels).
        customs_reference: optional customs declaration reference (MRN), one line, at most
            :data:`CUSTOMS_REFERENCE_MAX_LENGTH` characters.

    Returns:
        The saved :class:`LicenceUseReport`.

    Raises:
        PermissionDenied: *actor* is not a member of the licence holder.
        ValidationError: ``{field: message}``; in particular ``{"quantity": "Only 5 items remain
            on line 1 of licence BRU/2026/00001."}`` when the line's reported quantities plus
            this one would exceed the licensed quantity, and ``{"value_eur": ...}`` likewise for
            the value. Nothing is stored.

    The licence row is locked (``select_for_update``) while the reports of the line are summed,
    so two reports sent at once cannot together exceed the line. Source: the licence covers the
    goods, quantities and values listed on it (Brussels ordinance of 20 June 2013; Regulation
    (EU) 2021/821, Art. 12 for individual licences); shipments are counted against each line.
    """
    application = licence.application
    _require_member(actor, application)
    errors: dict[str, str] = {}
    if goods_line.application_id != application.pk:
        errors["goods_line"] = _("Choose a line of this licence.")
    if quantity <= 0:
        errors["quantity"] = _("Enter a quantity greater than 0.")
    elif _decimal_places(quantity) > 3:
        errors["quantity"] = _("Enter the quantity with at most 3 decimals.")
    if value_eur < 0:
        errors["value_eur"] = _("Enter a value of 0 euros or more.")
    elif _decimal_places(value_eur) > 2:
        errors["value_eur"] = _("Enter the value in euros with at most 2 decimals (cents).")
    today = timezone.localdate()
    if shipped_on > today:
        errors["shipped_on"] = _("The date of the shipment cannot be in the future.")
    elif not licence.valid_from <= shipped_on <= licence.valid_until:
        errors["shipped_on"] = _("The licence is valid from %(start)s to %(end)s: the shipment date is outside.") % {
            "start": licence.valid_from.isoformat(),
            "end": licence.valid_until.isoformat(),
        }
    reference = customs_reference.strip()
    if len(reference) > CUSTOMS_REFERENCE_MAX_LENGTH:
        errors["customs_reference"] = _("The customs reference is too long: at most %(max)s characters.") % {
            "max": CUSTOMS_REFERENCE_MAX_LENGTH
        }
    elif has_control_characters(reference):
        errors["customs_reference"] = _("Write the customs reference on one line, without control characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Licence.objects.select_for_update().select_related("application").get(pk=licence.pk)
        status = locked.application.status
        if status != ApplicationStatus.GRANTED:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _(
                        "Shipments can be reported only under a licence in force; licence %(number)s is %(status)s."
                    )
                    % {"number": locked.number, "status": locked.application.get_status_display()}
                }
            )
        line = GoodsLine.objects.get(pk=goods_line.pk)
        totals = LicenceUseReport.objects.filter(licence=locked, goods_line=line).aggregate(
            quantity=Sum("quantity"), value=Sum("value_eur")
        )
        shipped_quantity = totals["quantity"] or Decimal("0")
        shipped_value = totals["value"] or Decimal("0")
        remaining_quantity = line.quantity - shipped_quantity
        remaining_value = line.value_eur - shipped_value
        if shipped_quantity + quantity > line.quantity:
            errors["quantity"] = over_quantity_message(locked, line, remaining_quantity)
        if shipped_value + value_eur > line.value_eur:
            errors["value_eur"] = _("Only %(amount)s of value remain on line %(line)s of licence %(number)s.") % {
                "amount": format_eur(max(remaining_value, Decimal("0"))),
                "line": line.position,
                "number": locked.number,
            }
        if errors:
            raise ValidationError(errors)
        report = LicenceUseReport.objects.create(
            licence=locked,
            goods_line=line,
            quantity=quantity,
            value_eur=value_eur,
            shipped_on=shipped_on,
            customs_reference=reference,
            reported_by=actor,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=report,
            target=locked,
            payload={
                "goods_line": line.position,
                "quantity": str(quantity),
                "value_eur": str(value_eur),
                "shipped_on": shipped_on.isoformat(),
                "customs_reference": reference,
            },
        )
    return report


def over_quantity_message(licence: Licence, line: GoodsLine, remaining: Decimal) -> str:
    """The translated refusal of a quantity over the balance: ``Only 5 items remain on line 1 of
    licence BRU/2026/00001.``, or ``Nothing remains ...`` when the line is used up."""
    params = {"line": line.position, "number": licence.number}
    if remaining <= 0:
        return _("Nothing remains on line %(line)s of licence %(number)s.") % params
    return ngettext(
        "Only %(remaining)s remains on line %(line)s of licence %(number)s.",
        "Only %(remaining)s remain on line %(line)s of licence %(number)s.",
        _plural_count(remaining),
    ) % {**params, "remaining": format_quantity(remaining, line.unit)}
