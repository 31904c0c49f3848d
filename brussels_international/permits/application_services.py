"""Writes of the applicant side of licensing: registration, members, drafts and their submission.

Every service is keyword-only, runs in one transaction, writes its audit entries in it and
queues mail only through :func:`core.notifications.notify` (the in-app row in the transaction,
the mail once it commits). Bad input raises :class:`~django.core.exceptions.ValidationError`
with a dict ``{field: message}`` (translated) and stores nothing; acting on another
organisation's file raises :class:`~django.core.exceptions.PermissionDenied`.

- Accounts: :func:`organisation_register` (a company, its first administrator; the Permits unit
  is told and approves it in the workspace), :func:`member_add`, :func:`member_remove`.
- Drafts: :func:`application_create`, :func:`application_update`, :func:`application_delete_draft`;
  goods lines (:func:`goods_line_add` / ``_update`` / ``_delete``), parties (:func:`party_add` /
  ``_update`` / ``_delete``), documents (:func:`application_document_add`,
  :func:`application_document_remove`). A draft changes only while it is a draft, and only
  through the people of its organisation.
- Submission: :func:`application_submit` checks :func:`application_problems` (what each task of
  the form still misses), gives the reference ``APP-<year>-<nnnnn>`` from a gap-free yearly
  sequence, moves the status through :func:`core.workflow.transition` and starts the statutory
  clock (:func:`permits.clock.clock_start`); once committed, the applicant and the parties are
  screened against the sanctions lists in the background (:mod:`permits.screening`).

What differs between licence types (parties required, end-user certificate, single destination,
control lists, processing time) is read from :mod:`permits.manifest`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

import pycountry
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files import File
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from brussels_international.core.document_storage import documents_backend
from brussels_international.core.documents import PDF, DocumentRefused, detect_type, document_delete, document_upload
from brussels_international.core.models import AuditVerb
from brussels_international.core.notifications import notify
from brussels_international.core.sequences import sequence_next
from brussels_international.core.services import Actor, audit_change, audit_record, model_snapshot, snapshot_for_audit
from brussels_international.core.workflow import transition

from .clock import PERMITS_GROUP, clock_start
from .manifest import LICENCE_TYPES, LicenceType
from .models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    DocumentKind,
    GoodsLine,
    GoodsUnit,
    Language,
    MemberRole,
    Membership,
    Organisation,
    OrganisationStatus,
    Party,
    PartyRole,
)
from .screening import screening_after_submission
from .selectors import application_problems, control_list_entry, membership_of
from .workflow import APPLICATION_TRANSITIONS

SEQUENCE_KEY = "permits.application"
"""The gap-free yearly sequence of application references (:mod:`core.sequences`)."""

APPLICATION_FIELDS = ("licence_type", "title", "end_use", "language")
"""The fields of an application the applicant edits (:func:`application_update`)."""

_ENTERPRISE_NUMBER = re.compile(r"^(?:BE)?\s*([01]\d{3})[.\s]?(\d{3})[.\s]?(\d{3})$", re.IGNORECASE)
_USERNAME = re.compile(r"^[\w.@+-]{3,150}$")


# --- Checks shared by the services -----------------------------------------------------------


def normalise_enterprise_number(value: str) -> str:
    """Check a Belgian enterprise number (KBO/BCE) and write it as ``0123.456.789``.

    Accepts ``0123.456.789``, ``0123456789``, ``0123 456 789`` and the VAT form ``BE0123456789``.
    The last two digits are the check digits: ``97 - (first eight digits mod 97)`` (Royal Decree
    of 22 June 2003 on the enterprise number; the same check as the Belgian VAT number).

    Raises:
        ValidationError: not ten digits starting with 0 or 1, or wrong check digits (translated).
    """
    match = _ENTERPRISE_NUMBER.match(value.strip())
    if match is None:
        raise ValidationError(
            _("Enter the enterprise number as 10 digits, such as 0123.456.749 (starting with 0 or 1)."),
            code="enterprise_number_format",
        )
    digits = "".join(match.groups())
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise ValidationError(
            _("%(number)s is not a valid enterprise number: check the digits (the last two do not match).")
            % {"number": f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"},
            code="enterprise_number_check",
        )
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def country_code(value: str) -> str:
    """The ISO 3166-1 alpha-2 code *value* (upper-cased), checked with ``pycountry``.

    Raises:
        ValidationError: not a known alpha-2 code.
    """
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValidationError(_("Choose a country from the list."), code="country")
    return code


def _raise(errors: dict[str, Any]) -> None:
    if errors:
        raise ValidationError(errors)


def _one_line(value: str) -> bool:
    return not any(ord(char) < 32 or ord(char) == 127 for char in value)


def _required(errors: dict[str, Any], field: str, value: str, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = message
    elif len(value) > max_length:
        errors[field] = _("Write at most %(max)s characters.") % {"max": max_length}
    return value


def _member_of(actor: Actor, organisation_id: int) -> Membership:
    membership = membership_of(actor)
    if membership is None or membership.organisation_id != organisation_id:
        raise PermissionDenied(_("Only the applicant organisation's people can do this."))
    return membership


def _locked_draft(actor: Actor, application: Application) -> Application:
    """Lock *application* (inside the caller's transaction), check the actor and the status."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _member_of(actor, locked.organisation_id)
    if locked.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application has been submitted: it can no longer be changed."), code="not_draft")
    return locked


def _licence_type(key: str) -> LicenceType:
    spec = LICENCE_TYPES.get(key)
    if spec is None:
        raise ValidationError({"licence_type": _("Choose the type of licence.")})
    return spec


def _permits_unit() -> list[User]:
    group = Group.objects.filter(name=PERMITS_GROUP).first()
    if group is None:
        return []
    return list(group.user_set.filter(is_active=True).order_by("pk"))


def _new_user_errors(
    *, username: str, password: str, email: str, first_name: str, last_name: str
) -> tuple[dict[str, Any], User]:
    errors: dict[str, Any] = {}
    username = (username or "").strip()
    if not _USERNAME.match(username):
        errors["username"] = _("Choose a user name of 3 to 150 letters, digits and the signs . @ + - _ (no spaces).")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = _("This user name is taken: choose another one.")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter an e-mail address, such as name@example.com.")
    first = _required(errors, "first_name", first_name, _("Enter the first name."), 150)
    last = _required(errors, "last_name", last_name, _("Enter the last name."), 150)
    user = User(username=username, email=email, first_name=first, last_name=last, is_staff=False)
    try:
        validate_password(password or "", user=user)
    except ValidationError as error:
        errors["password"] = error.messages
    return errors, user


def _create_user(user: User, password: str) -> User:
    user.set_password(password)
    try:
        with transaction.atomic():  # savepoint: a concurrent registration of the same name
            user.save()
    except IntegrityError as error:
        raise ValidationError({"username": _("This user name is taken: choose another one.")}) from error
    return user


# --- Accounts --------------------------------------------------------------------------------


def organisation_register(
    *,
    username: str,
    password: str,
    email: str,
    first_name: str,
    last_name: str,
    name: str,
    registration_number: str,
    street: str,
    postcode: str,
    city: str,
    country: str,
    phone: str = "",
    language: str = Language.FR,
) -> Membership:
    """Register a company for the portal: its first person (administrator) and the organisation.

    Args:
        username, password, email, first_name, last_name: the person's account (not staff; the
            password is checked with ``AUTH_PASSWORD_VALIDATORS``).
        name, street, postcode, city, phone: the organisation's details (``phone`` optional).
        registration_number: for ``country="BE"`` the enterprise number (KBO/BCE), normalised to
            ``0123.456.789`` (:func:`normalise_enterprise_number`); otherwise the national
            registration number, as given.
        country: ISO 3166-1 alpha-2 code of the registered office.
        language: ``fr``, ``nl`` or ``en``: the language of the decisions.

    Returns:
        The administrator's :class:`Membership` (with ``user`` and ``organisation``); the
        organisation is ``pending`` until the Permits unit approves it. The unit's people get
        a notification ``organisation_registered`` (mail after the commit).

    Raises:
        ValidationError: ``{field: message}``: a field missing or too long, a user name taken or
            malformed, a weak password, a bad e-mail address, an unknown country, a malformed
            enterprise number or wrong check digits, a number already registered. Nothing is stored.

    Source: issue 4, "Company accounts: ... registration checked and approved by the unit".
    """
    errors, user = _new_user_errors(
        username=username, password=password, email=email, first_name=first_name, last_name=last_name
    )
    org_name = _required(errors, "name", name, _("Enter the name of the organisation."), 200)
    street = _required(errors, "street", street, _("Enter the street and number."), 200)
    postcode = _required(errors, "postcode", postcode, _("Enter the postcode."), 16)
    city = _required(errors, "city", city, _("Enter the city."), 100)
    phone = (phone or "").strip()
    if len(phone) > 32:
        errors["phone"] = _("Write at most %(max)s characters.") % {"max": 32}
    code = ""
    try:
        code = country_code(country or "")
    except ValidationError as error:
        errors["country"] = error.messages
    number = (registration_number or "").strip()
    if not number:
        errors["registration_number"] = _("Enter the enterprise number.")
    elif code == "BE":
        try:
            number = normalise_enterprise_number(number)
        except ValidationError as error:
            errors["registration_number"] = error.messages
    elif len(number) > 40:
        errors["registration_number"] = _("Write at most %(max)s characters.") % {"max": 40}
    if "registration_number" not in errors and Organisation.objects.filter(registration_number=number).exists():
        errors["registration_number"] = _(
            "An organisation with number %(number)s is already registered. Ask its administrator to add you."
        ) % {"number": number}
    if language not in Language.values:
        errors["language"] = _("Choose a language.")
    _raise(errors)
    with transaction.atomic():
        _create_user(user, password)
        try:
            with transaction.atomic():  # savepoint: a concurrent registration of the same number
                organisation = Organisation.objects.create(
                    name=org_name,
                    registration_number=number,
                    street=street,
                    postcode=postcode,
                    city=city,
                    country=code,
                    email=user.email,
                    phone=phone,
                    language=language,
                    status=OrganisationStatus.PENDING,
                )
        except IntegrityError as error:
            raise ValidationError(
                {
                    "registration_number": _(
                        "An organisation with number %(number)s is already registered. "
                        "Ask its administrator to add you."
                    )
                    % {"number": number}
                }
            ) from error
        membership = Membership.objects.create(organisation=organisation, user=user, role=MemberRole.ADMINISTRATOR)
        audit_record(actor=user, verb=AuditVerb.CREATED, obj=organisation, payload=model_snapshot(organisation))
        audit_record(
            actor=user, verb=AuditVerb.CREATED, obj=membership, target=organisation, payload={"role": membership.role}
        )
        url = reverse("permits_cases:organisation", args=[organisation.pk])
        for officer in _permits_unit():
            notify(
                recipient=officer,
                kind="organisation_registered",
                context={"organisation": organisation},
                url=url,
                actor=user,
                obj=organisation,
            )
    return membership


def member_add(
    *,
    actor: Actor,
    email: str,
    username: str,
    first_name: str,
    last_name: str,
    role: str,
    password: str,
) -> Membership:
    """Give a colleague an account in the actor's organisation.

    Args:
        actor: an administrator of the organisation.
        email, username, first_name, last_name, password: the new account (not staff; the
            password checked as in :func:`organisation_register`); the administrator passes the
            password on to the colleague, who can change it.
        role: ``administrator`` or ``applicant`` (:class:`~permits.models.MemberRole`).

    Returns:
        The new :class:`Membership`.

    Raises:
        PermissionDenied: *actor* is not an administrator of an organisation.
        ValidationError: ``{field: message}`` as for the registration, or an unknown role.
    """
    membership = membership_of(actor)
    if membership is None or membership.role != MemberRole.ADMINISTRATOR:
        raise PermissionDenied(_("Only an administrator of the organisation can add people."))
    errors, user = _new_user_errors(
        username=username, password=password, email=email, first_name=first_name, last_name=last_name
    )
    if role not in MemberRole.values:
        errors["role"] = _("Choose a role.")
    _raise(errors)
    with transaction.atomic():
        _create_user(user, password)
        added = Membership.objects.create(organisation=membership.organisation, user=user, role=role)
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=added,
            target=membership.organisation,
            payload={"user": user.username, "role": role},
        )
    return added


def member_remove(*, actor: Actor, membership: Membership) -> None:
    """Take a person out of the organisation: the membership is deleted and the account
    deactivated (it stays, as author of the files it wrote).

    Raises:
        PermissionDenied: *actor* is not an administrator of the same organisation.
        ValidationError: the person is the organisation's last administrator.
    """
    own = membership_of(actor)
    if own is None or own.role != MemberRole.ADMINISTRATOR or own.organisation_id != membership.organisation_id:
        raise PermissionDenied(_("Only an administrator of the organisation can remove people."))
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=membership.organisation_id)
        locked = Membership.objects.select_related("user", "organisation").get(pk=membership.pk)
        if (
            locked.role == MemberRole.ADMINISTRATOR
            and not Membership.objects.filter(organisation_id=locked.organisation_id, role=MemberRole.ADMINISTRATOR)
            .exclude(pk=locked.pk)
            .exists()
        ):
            raise ValidationError(
                _("%(name)s is the last administrator: make someone else administrator first.")
                % {"name": locked.user.get_full_name() or locked.user.get_username()}
            )
        audit_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            obj=locked,
            target=locked.organisation,
            payload={"user": locked.user.username, "role": locked.role},
        )
        user = locked.user
        locked.delete()
        user.is_active = False
        user.save(update_fields=["is_active"])


# --- Drafts ----------------------------------------------------------------------------------


def application_create(*, actor: Actor, licence_type: str, title: str = "") -> Application:
    """Start a draft application for the actor's organisation.

    Args:
        actor: a member of an approved organisation.
        licence_type: a key of :data:`permits.manifest.LICENCE_TYPES` (general licences, with
            ``applied_for=False``, are registered for through the same form).
        title: an optional short title for the applicant's own lists (200 characters at most).

    Returns:
        The draft, in the organisation's language of decisions.

    Raises:
        PermissionDenied: *actor* is not a member of an organisation.
        ValidationError: the organisation is not approved (yet); an unknown licence type; a title
            too long or on several lines.
    """
    membership = membership_of(actor)
    if membership is None:
        raise PermissionDenied(_("Only the people of a registered organisation can apply."))
    organisation = membership.organisation
    if organisation.status != OrganisationStatus.APPROVED:
        raise ValidationError(
            _(
                "Your organisation's registration is being checked by the Permits unit: "
                "you can apply once it is approved."
            )
        )
    errors: dict[str, Any] = {}
    if licence_type not in LICENCE_TYPES:
        errors["licence_type"] = _("Choose the type of licence.")
    title = (title or "").strip()
    if len(title) > 200 or not _one_line(title):
        errors["title"] = _("Write the title on one line, at most 200 characters.")
    _raise(errors)
    with transaction.atomic():
        application = Application.objects.create(
            organisation=organisation,
            created_by=membership.user,
            licence_type=licence_type,
            title=title,
            language=organisation.language,
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CREATED,
            obj=application,
            target=organisation,
            payload={"licence_type": licence_type, "title": title},
        )
    return application


def application_update(*, actor: Actor, application: Application, **fields: Any) -> Application:
    """Change the licence type, short title, end use or language of a draft.

    Args:
        actor: a member of the applying organisation.
        application: a draft.
        **fields: any of :data:`APPLICATION_FIELDS`.

    Returns:
        The saved draft (only the given fields change; an audit entry with old and new values).

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: not a draft (``not_draft``); an unknown field, licence type or language;
            a title too long; an end use over 5,000 characters.
    """
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    if "licence_type" in fields:
        if fields["licence_type"] not in LICENCE_TYPES:
            errors["licence_type"] = _("Choose the type of licence.")
        clean["licence_type"] = fields["licence_type"]
    if "title" in fields:
        clean["title"] = (fields["title"] or "").strip()
        if len(clean["title"]) > 200 or not _one_line(clean["title"]):
            errors["title"] = _("Write the title on one line, at most 200 characters.")
    if "end_use" in fields:
        clean["end_use"] = (fields["end_use"] or "").strip()
        if len(clean["end_use"]) > 5000:
            errors["end_use"] = _("Write at most %(max)s characters.") % {"max": 5000}
    if "language" in fields:
        if fields["language"] not in Language.values:
            errors["language"] = _("Choose a language.")
        clean["language"] = fields["language"]
    _raise(errors)
    with transaction.atomic():
        locked = _locked_draft(actor, application)
        before = snapshot_for_audit(locked)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*clean, "updated_at"])
        audit_change(actor=actor, obj=locked, before=before, verb=AuditVerb.UPDATED)
    return locked


def application_delete_draft(*, actor: Actor, application: Application) -> None:
    """Delete a draft with its goods lines, parties and documents (documents deleted softly first).

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: not a draft (a submitted application is withdrawn, not deleted).
    """
    with transaction.atomic():
        locked = _locked_draft(actor, application)
        for row in ApplicationDocument.objects.filter(application=locked).select_related("document"):
            if row.document.deleted_at is None:
                document_delete(actor=actor, document=row.document)
        audit_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            obj=locked,
            target=locked.organisation,
            payload={"licence_type": locked.licence_type, "title": locked.title},
        )
        locked.delete()


# --- Goods lines -----------------------------------------------------------------------------


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _clean_goods(
    application: Application,
    *,
    description: str,
    control_code: str,
    code_unknown: bool,
    quantity: Any,
    unit: str,
    value_eur: Any,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    description = _required(errors, "description", description, _("Describe the goods."), 2000)
    code = (control_code or "").strip()
    if code and code_unknown:
        errors["control_code"] = _("Either give the control list entry or tick “I don't know”, not both.")
    elif not code and not code_unknown:
        errors["control_code"] = _("Choose the control list entry, or tick “I don't know”.")
    elif code:
        spec = LICENCE_TYPES.get(application.licence_type)
        regimes = spec.regimes if spec else ()
        for regime in regimes:
            try:
                code = control_list_entry(code, regime).code
                break
            except ValidationError:
                continue
        else:
            errors["control_code"] = _(
                "“%(code)s” is not an entry of the control lists for this licence type. Choose it from the "
                "lists, or tick “I don't know”."
            ) % {"code": code[:64]}
    qty = _decimal(quantity)
    if qty is None:
        errors["quantity"] = _("Enter the quantity as a number, such as 20 or 2.5.")
    elif qty <= 0:
        errors["quantity"] = _("The quantity must be more than 0.")
    elif _decimals(qty) > 3 or qty >= Decimal("1e11"):
        errors["quantity"] = _("Enter the quantity with at most 3 decimals and 11 digits before the decimal point.")
    if unit not in GoodsUnit.values:
        errors["unit"] = _("Choose the unit of the quantity.")
    value = _decimal(value_eur)
    if value is None:
        errors["value_eur"] = _("Enter the value in euros, such as 48000 or 1250.50.")
    elif value < Decimal("0.01"):
        errors["value_eur"] = _("The value must be at least 0.01 EUR.")
    elif _decimals(value) > 2 or value >= Decimal("1e12"):
        errors["value_eur"] = _(
            "Enter the value in euros with at most 2 decimals and 12 digits before the decimal point."
        )
    _raise(errors)
    return {
        "description": description,
        "control_code": code,
        "code_unknown": bool(code_unknown),
        "quantity": qty,
        "unit": unit,
        "value_eur": value,
    }


def goods_line_add(
    *,
    actor: Actor,
    application: Application,
    description: str,
    quantity: Decimal | str,
    unit: str,
    value_eur: Decimal | str,
    control_code: str = "",
    code_unknown: bool = False,
) -> GoodsLine:
    """Add a line of goods to a draft.

    Args:
        actor: a member of the applying organisation.
        application: a draft.
        description: what the goods are (required, 2,000 characters at most).
        control_code: the control list entry (``"ML15"``, ``"5A002.a"``), looked up in the current
            lists of the licence type's regimes (:func:`permits.selectors.control_list_entry`) and
            stored as written there; or empty with *code_unknown*.
        code_unknown: "I don't know": the unit classifies the goods (Regulation (EU) 2021/821 and
            the Common Military List give the entries; issue 4).
        quantity: more than 0, at most 3 decimals, in *unit* (:class:`~permits.models.GoodsUnit`).
        value_eur: the value in EUR, at least 0.01, at most 2 decimals.

    Returns:
        The saved line, numbered after the draft's last line.

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: ``{field: message}``: no description; both or neither of a code and
            "I don't know"; an unknown control list entry; a quantity or value out of range (for
            example "minus one euro"); an unknown unit; or the application is no longer a draft.
    """
    clean = _clean_goods(
        application,
        description=description,
        control_code=control_code,
        code_unknown=code_unknown,
        quantity=quantity,
        unit=unit,
        value_eur=value_eur,
    )
    with transaction.atomic():
        locked = _locked_draft(actor, application)
        last = locked.goods_lines.aggregate(last=Max("position"))["last"] or 0
        line = GoodsLine.objects.create(application=locked, position=last + 1, **clean)
        audit_record(actor=actor, verb=AuditVerb.CREATED, obj=line, target=locked, payload=model_snapshot(line, clean))
    return line


def goods_line_update(
    *,
    actor: Actor,
    goods_line: GoodsLine,
    description: str,
    quantity: Decimal | str,
    unit: str,
    value_eur: Decimal | str,
    control_code: str = "",
    code_unknown: bool = False,
) -> GoodsLine:
    """Change a line of goods of a draft (arguments and errors as :func:`goods_line_add`)."""
    clean = _clean_goods(
        goods_line.application,
        description=description,
        control_code=control_code,
        code_unknown=code_unknown,
        quantity=quantity,
        unit=unit,
        value_eur=value_eur,
    )
    with transaction.atomic():
        locked_application = _locked_draft(actor, goods_line.application)
        line = GoodsLine.objects.get(pk=goods_line.pk, application=locked_application)
        before = snapshot_for_audit(line)
        for name, value in clean.items():
            setattr(line, name, value)
        line.save(update_fields=list(clean))
        audit_change(actor=actor, obj=line, before=before, verb=AuditVerb.UPDATED)
    return line


def goods_line_delete(*, actor: Actor, goods_line: GoodsLine) -> None:
    """Remove a line of goods from a draft.

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: the application is no longer a draft.
    """
    with transaction.atomic():
        locked = _locked_draft(actor, goods_line.application)
        line = GoodsLine.objects.get(pk=goods_line.pk, application=locked)
        audit_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            obj=line,
            target=locked,
            payload=model_snapshot(line, ["description", "control_code", "quantity", "unit", "value_eur"]),
        )
        line.delete()


# --- Parties ---------------------------------------------------------------------------------


def _clean_party(
    application: Application,
    *,
    role: str,
    name: str,
    address: str,
    country: str,
    website: str,
    exclude: int | None = None,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if role not in PartyRole.values:
        errors["role"] = _("Choose the role of the party.")
    name = _required(errors, "name", name, _("Enter the name of the party."), 200)
    if "name" not in errors and not _one_line(name):
        errors["name"] = _("Write the name on one line.")
    address = _required(errors, "address", address, _("Enter the address of the party."), 1000)
    code = ""
    try:
        code = country_code(country or "")
    except ValidationError as error:
        errors["country"] = error.messages
    website = (website or "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            errors["website"] = _("Enter the website address, such as https://www.example.com.")
        if len(website) > 200:
            errors["website"] = _("Write at most %(max)s characters.") % {"max": 200}
    spec = LICENCE_TYPES.get(application.licence_type)
    if code and role in (PartyRole.CONSIGNEE, PartyRole.END_USER) and spec is not None and spec.single_destination:
        destinations = application.parties.filter(role__in=(PartyRole.CONSIGNEE, PartyRole.END_USER))
        if exclude is not None:
            destinations = destinations.exclude(pk=exclude)
        others = destinations.exclude(country=code).values_list("country", flat=True).first()
        if others:
            errors["country"] = _(
                "An application for a %(type)s has one destination country: the consignees and end-users are "
                "all in %(country)s. Apply for a global licence to export to several countries."
            ) % {"type": str(spec.name).lower(), "country": _country_name(others)}
    _raise(errors)
    return {"role": role, "name": name, "address": address, "country": code, "website": website}


def _country_name(code: str) -> str:
    from babel import Locale

    from brussels_international.core.i18n import current_language

    try:
        return str(Locale.parse(current_language()).territories.get(code, code))
    except (ValueError, TypeError):
        return code


def party_add(
    *,
    actor: Actor,
    application: Application,
    role: str,
    name: str,
    address: str,
    country: str,
    website: str = "",
) -> Party:
    """Add a consignee, end-user or intermediary to a draft.

    Args:
        actor: a member of the applying organisation.
        application: a draft.
        role: a :class:`~permits.models.PartyRole`.
        name, address: required.
        country: ISO 3166-1 alpha-2 code (``pycountry``).
        website: optional ``http(s)`` address.

    Returns:
        The saved party.

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: ``{field: message}``: a field missing, an unknown role or country, a bad
            website; a second destination country on a licence type with ``single_destination``
            (individual licences: one consignee and end-user country, :mod:`permits.manifest`);
            or the application is no longer a draft.
    """
    with transaction.atomic():
        locked = _locked_draft(actor, application)
        clean = _clean_party(locked, role=role, name=name, address=address, country=country, website=website)
        party = Party.objects.create(application=locked, **clean)
        audit_record(actor=actor, verb=AuditVerb.CREATED, obj=party, target=locked, payload=clean)
    return party


def party_update(
    *,
    actor: Actor,
    party: Party,
    role: str,
    name: str,
    address: str,
    country: str,
    website: str = "",
) -> Party:
    """Change a party of a draft (arguments and errors as :func:`party_add`)."""
    with transaction.atomic():
        locked = _locked_draft(actor, party.application)
        row = Party.objects.get(pk=party.pk, application=locked)
        clean = _clean_party(
            locked, role=role, name=name, address=address, country=country, website=website, exclude=row.pk
        )
        before = snapshot_for_audit(row)
        for field, value in clean.items():
            setattr(row, field, value)
        row.save(update_fields=list(clean))
        audit_change(actor=actor, obj=row, before=before, verb=AuditVerb.UPDATED)
    return row


def party_delete(*, actor: Actor, party: Party) -> None:
    """Remove a party from a draft; its documents stay, no longer tied to it.

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: the application is no longer a draft.
    """
    with transaction.atomic():
        locked = _locked_draft(actor, party.application)
        row = Party.objects.get(pk=party.pk, application=locked)
        audit_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            obj=row,
            target=locked,
            payload={"role": row.role, "name": row.name, "country": row.country},
        )
        row.delete()


# --- Documents -------------------------------------------------------------------------------


def _read(uploaded_file: File) -> bytes:
    uploaded_file.seek(0)
    data = uploaded_file.read()
    uploaded_file.seek(0)
    return bytes(data)


def application_document_add(
    *,
    actor: Actor,
    application: Application,
    uploaded_file: File,
    kind: str,
    party: Party | None = None,
) -> ApplicationDocument:
    """Attach a document to a draft (stored by :func:`core.documents.document_upload`).

    Args:
        actor: a member of the applying organisation.
        application: a draft.
        uploaded_file: the file (at most ``DOCUMENT_MAX_BYTES``).
        kind: a :class:`~permits.models.DocumentKind`.
        party: for an end-user certificate, the end-user it is for (required then); optional
            otherwise; a party of this application.

    Returns:
        The :class:`ApplicationDocument` tying the stored document to the application.

    Raises:
        PermissionDenied: *actor* may not change the application.
        ValidationError: ``{field: message}``: an unknown kind; a party of another application,
            or an end-user certificate without its end-user; an end-user certificate that is
            not a PDF (judged on the content with :func:`core.documents.detect_type`, not on the
            name); a file the platform refuses (empty, too large, a program...); or the
            application is no longer a draft. Nothing is stored: no row, no file.

    Source: issue 4, "end-user certificate required for arms exports, uploaded as PDF".
    """
    errors: dict[str, Any] = {}
    if kind not in DocumentKind.values:
        errors["kind"] = _("Choose what the document is.")
    if party is not None and party.application_id != application.pk:
        errors["party"] = _("Choose a party of this application.")
    elif kind == DocumentKind.END_USER_CERTIFICATE and (party is None or party.role != PartyRole.END_USER):
        errors["party"] = _("Choose the end-user this certificate is for.")
    if kind == DocumentKind.END_USER_CERTIFICATE:
        shown = str(uploaded_file.name or "").replace("\\", "/").rsplit("/", 1)[-1]
        try:
            file_type = detect_type(_read(uploaded_file), str(uploaded_file.name or ""))
        except DocumentRefused as error:
            errors["uploaded_file"] = [_("The end-user certificate must be a PDF file."), *error.messages]
        else:
            if file_type != PDF:
                errors["uploaded_file"] = _("The end-user certificate must be a PDF file: “%(name)s” is %(what)s.") % {
                    "name": shown,
                    "what": file_type.label,
                }
    _raise(errors)
    document = None
    try:
        with transaction.atomic():
            locked = _locked_draft(actor, application)
            try:
                document = document_upload(actor=actor, dossier=locked, uploaded_file=uploaded_file)
            except DocumentRefused as error:
                raise ValidationError({"uploaded_file": error.messages}) from error
            row = ApplicationDocument.objects.create(application=locked, document=document, kind=kind, party=party)
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=row,
                target=locked,
                payload={"kind": kind, "name": document.name, "party": party.name if party else ""},
            )
    except BaseException:
        if document is not None and document.file.name:
            documents_backend().delete(document.file.name)
        raise
    return row


def application_document_remove(*, actor: Actor, application_document: ApplicationDocument) -> None:
    """Remove a document from a draft: the stored document is deleted softly
    (:func:`core.documents.document_delete`; the workspace can restore it) and no longer counts.

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: the application is no longer a draft, or the document is already deleted.
    """
    with transaction.atomic():
        locked = _locked_draft(actor, application_document.application)
        row = ApplicationDocument.objects.select_related("document").get(pk=application_document.pk, application=locked)
        document_delete(actor=actor, document=row.document)
        audit_record(
            actor=actor,
            verb=AuditVerb.DELETED,
            obj=row,
            target=locked,
            payload={"kind": row.kind, "name": row.document.name},
        )


# --- Submission ------------------------------------------------------------------------------


def _problems_error(problems: Iterable[tuple[str, str]]) -> ValidationError:
    errors: dict[str, list[str]] = {}
    for task, message in problems:
        errors.setdefault(task, []).append(message)
    return ValidationError(errors)


def application_submit(*, actor: Actor, application: Application, declaration: bool) -> Application:
    """Submit a complete draft to the Permits unit.

    In one transaction: the declaration (who, when), the reference ``APP-<year>-<nnnnn>`` (year of
    submission in Brussels, gap-free yearly sequence :data:`SEQUENCE_KEY`), the submission time,
    the status ``draft → submitted`` (:func:`core.workflow.transition`), the statutory deadline
    (:func:`permits.clock.clock_start`: the licence type's processing days from the submission
    date), the audit entries; the Permits unit's people get a notification ``application_submitted``.
    Once committed, :func:`permits.screening.screen_application` is queued (the applicant and every
    party screened against the sanctions lists).

    Args:
        actor: a member of the applying organisation.
        application: the draft.
        declaration: the applicant confirms the declaration (the information is correct and
            complete; Ordinance of 20 June 2013).

    Returns:
        The submitted application (re-read), with ``reference``, ``submitted_at`` and ``due_date``.

    Raises:
        PermissionDenied: *actor* is not a member of the organisation.
        ValidationError: ``{"__all__": ...}`` the organisation is no longer approved (suspended or
            rejected by the unit, :func:`permits.case_services.organisation_suspend`: a suspended
            organisation may not apply); ``{task: [messages]}``: everything
            :func:`permits.selectors.application_problems` finds (missing goods, a missing party role,
            a missing end-user certificate, no end use,
            no declaration...). Nothing is stored.
        TransitionError: the application is no longer a draft (a second "submit"): no second
            reference is given.
    """
    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("organisation").get(pk=application.pk)
        _member_of(actor, locked.organisation_id)
        if locked.status == ApplicationStatus.DRAFT:
            if locked.organisation.status != OrganisationStatus.APPROVED:
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: _(
                            "Your organisation is not approved by the Permits unit (it is %(status)s): "
                            "it cannot submit applications. Contact the Permits unit."
                        )
                        % {"status": locked.organisation.get_status_display()}
                    }
                )
            problems = application_problems(locked, declaration=declaration)
            if problems:
                raise _problems_error(problems)
        moved = transition(actor=actor, obj=locked, to=ApplicationStatus.SUBMITTED, transitions=APPLICATION_TRANSITIONS)
        assert isinstance(moved, Application)
        now = timezone.now()
        today = timezone.localdate(now)
        number = sequence_next(key=SEQUENCE_KEY, year=today.year)
        moved.reference = f"APP-{today.year}-{number:05d}"
        moved.submitted_at = now
        moved.declaration_at = now
        moved.declaration_by = actor if isinstance(actor, User) else None
        moved.save(update_fields=["reference", "submitted_at", "declaration_at", "declaration_by", "updated_at"])
        clock_start(actor=actor, application=moved, on=today)
        audit_record(
            actor=actor,
            verb=AuditVerb.UPDATED,
            obj=moved,
            payload={
                "reference": moved.reference,
                "submitted_at": now,
                "declaration": True,
                "due_date": moved.due_date,
            },
        )
        url = reverse("permits_cases:case", args=[moved.pk])
        for officer in _permits_unit():
            notify(
                recipient=officer,
                kind="application_submitted",
                context={"application": moved, "organisation": moved.organisation},
                url=url,
                actor=actor,
                obj=moved,
            )
        transaction.on_commit(partial(screening_after_submission, moved.pk))
    return moved
