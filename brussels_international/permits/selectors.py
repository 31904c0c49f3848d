"""Reads of the permits module.

- Control lists: the current versions, the tree, the search, one entry by code. Only the
  current version of each regime is read (:attr:`ControlListVersion.is_current`).
- Licensing: the organisation of a portal user, the applications a user may see, the
  destinations of an application, what a draft still misses before it can be submitted (per
  task of the portal's task list), what is missing before a decision can be proposed, the
  balance of a licence's lines (licensed, shipped, remaining).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from brussels_international.core.text import fold

from .manifest import LICENCE_TYPES
from .models import (
    Application,
    ApplicationDocument,
    ClassificationStatus,
    ControlListEntry,
    ControlListVersion,
    Criterion,
    DocumentKind,
    EntryKind,
    GoodsLine,
    Licence,
    Membership,
    Organisation,
    Party,
    PartyRole,
    Regime,
)

SEARCH_LIMIT = 100
"""Rows returned at most by :func:`control_list_search`."""

_CODE = re.compile(r"^(ML\d|PL\d|\d[A-E]?\d*)[\w.]*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


@dataclass
class TreeNode:
    """One row of the tree with its children (in file order)."""

    entry: ControlListEntry
    children: list[TreeNode] = field(default_factory=list)

    @property
    def notes(self) -> list[TreeNode]:
        return [child for child in self.children if child.entry.kind == EntryKind.NOTE]

    @property
    def items(self) -> list[TreeNode]:
        return [child for child in self.children if child.entry.kind != EntryKind.NOTE]


def current_versions() -> QuerySet[ControlListVersion]:
    """The current version of each regime, with ``category_count`` and ``entry_count`` (rows of
    kind category / entry) and ``row_count`` (every row)."""
    return ControlListVersion.objects.filter(is_current=True).annotate(
        category_count=Count("entries", filter=Q(entries__kind=EntryKind.CATEGORY)),
        entry_count=Count("entries", filter=Q(entries__kind=EntryKind.ENTRY)),
        row_count=Count("entries"),
    )


def _current_entries(regime: str | None) -> QuerySet[ControlListEntry]:
    entries = ControlListEntry.objects.filter(version__is_current=True)
    return entries.filter(version__regime=regime) if regime else entries


def control_list_tree(regime: str, *, code_prefix: str = "") -> list[TreeNode]:
    """The current list of *regime* as a tree (two queries at most).

    Args:
        regime: ``"military"`` or ``"dual_use"``.
        code_prefix: when given (``"5A002"``), the rows whose code starts with it (case
            ignored), each with its descendants; the roots are the topmost matching rows.

    Returns:
        The root nodes in file order; ``[]`` when no version of *regime* is loaded.
    """
    entries = list(_current_entries(regime).order_by("position"))
    nodes = {entry.pk: TreeNode(entry) for entry in entries}
    roots = []
    for entry in entries:
        node = nodes[entry.pk]
        parent = nodes.get(entry.parent_id) if entry.parent_id else None
        if parent is not None:
            parent.children.append(node)
        else:
            roots.append(node)
    if not code_prefix:
        return roots
    prefix = code_prefix.strip().casefold()
    matched: list[TreeNode] = []

    def walk(node: TreeNode) -> None:
        if node.entry.kind != EntryKind.NOTE and node.entry.code.casefold().startswith(prefix):
            matched.append(node)
            return
        for child in node.children:
            walk(child)

    for root in roots:
        walk(root)
    return matched


def control_list_search(query: str, regime: str | None = None) -> list[ControlListEntry]:
    """Rows of the current lists matching *query*, in file order, at most :data:`SEARCH_LIMIT`.

    A query that looks like a code (``"5A002"``, ``"ml1.a"``) matches the codes starting with it;
    otherwise every word must appear in the English, French or Dutch text (case and accents
    ignored). Each version holds a few thousand rows, so the words are matched in Python on
    the folded texts rather than with database-specific accent functions.

    Args:
        query: what the user typed.
        regime: ``"military"`` / ``"dual_use"`` to search one list; ``None`` for both.
    """
    query = query.strip()[:200]
    if not query:
        return []
    entries = _current_entries(regime).select_related("version").order_by("version__regime", "position")
    if " " not in query and _CODE.match(query):
        return list(entries.filter(code__istartswith=query).exclude(kind=EntryKind.NOTE)[:SEARCH_LIMIT])
    words = [fold(word) for word in _WORD.findall(query)][:10]
    if not words:
        return []
    found = []
    for entry in entries.only(
        "pk", "code", "kind", "note_type", "text_en", "text_fr", "text_nl", "position", "parent_id", "version"
    ):
        text = fold(" ".join((entry.code, entry.text_en, entry.text_fr, entry.text_nl)))
        if all(word in text for word in words):
            found.append(entry)
            if len(found) >= SEARCH_LIMIT:
                break
    return found


def control_list_entry(code: str, regime: str) -> ControlListEntry:
    """The row *code* (exact, case ignored; not a note) of the current list of *regime*.

    Where the source repeats a paragraph code, the first in file order.

    Raises:
        ValidationError: (code ``"unknown_control_list_entry"``) no such code in the current
            list, or no list of *regime* loaded.
    """
    entry = (
        _current_entries(regime)
        .filter(code__iexact=code.strip())
        .exclude(kind=EntryKind.NOTE)
        .select_related("version", "parent")
        .order_by("position")
        .first()
    )
    if entry is None:
        label = Regime(regime).label if regime in Regime.values else regime
        raise ValidationError(
            _("Unknown control list entry %(code)s in the %(list)s.") % {"code": code, "list": label},
            code="unknown_control_list_entry",
        )
    return entry


def entry_ancestors(entry: ControlListEntry) -> list[ControlListEntry]:
    """The rows above *entry*, from the category down (one query per level, at most 7)."""
    ancestors = []
    parent = entry.parent
    while parent is not None:
        ancestors.append(parent)
        parent = parent.parent
    return list(reversed(ancestors))


# --- Licensing -------------------------------------------------------------------------------


def is_workspace_user(user: Any) -> bool:
    """Whether *user* works in the staff workspace (``wagtailadmin.access_admin``, every staff
    group) rather than in the applicant portal."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("wagtailadmin.access_admin"))


def membership_of(user: Any) -> Membership | None:
    """The portal membership of *user* (with its organisation), or ``None`` for staff and strangers."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.select_related("organisation").filter(user_id=user.pk).first()


def organisation_of(user: Any) -> Organisation | None:
    """The organisation *user* acts for in the portal, or ``None``."""
    membership = membership_of(user)
    return membership.organisation if membership else None


def applications_visible_to(user: Any) -> QuerySet[Application]:
    """The applications *user* may open: all but drafts for staff with
    ``permits.view_application``; their organisation's (drafts included) for portal users (who
    are not workspace users, :func:`is_workspace_user`); none otherwise (deny by default)."""
    if not getattr(user, "is_authenticated", False):
        return Application.objects.none()
    if is_workspace_user(user):
        if user.has_perm("permits.view_application"):
            return Application.objects.exclude(status="draft")
        return Application.objects.none()
    return Application.objects.filter(organisation__memberships__user_id=user.pk)  # lazy: no query here


def destinations(application: Application, parties: list[Party] | None = None) -> list[str]:
    """The destination countries of *application*: the distinct ISO codes of its consignees and
    end-users, sorted (the countries assessed against the eight criteria).

    Args:
        parties: the application's parties when already read (saves the query)."""
    countries = {
        party.country
        for party in (application.parties.all() if parties is None else parties)
        if party.role in (PartyRole.CONSIGNEE, PartyRole.END_USER) and party.country
    }
    return sorted(countries)


def proposal_problems(application: Application, *, screening_problems: list[str] | None = None) -> list[str]:
    """What is missing before a decision on *application* can be proposed (translated sentences;
    empty when complete):

    - every goods line classified (confirmed or corrected) by the unit;
    - every destination assessed against each of the eight criteria (Common Position
      2008/944/CFSP, Art. 2: "The criteria ... shall be applied" to every export licence);
    - a proposed outcome; for a refusal, at least one criterion assessed as a ground for refusal
      and every criterion cited so assessed (Art. 4(1): a denial gives its reasons);
    - the screening (:func:`permits.screening_selectors.screening_problems`): the applicant and
      every party screened, every hit of their latest screening reviewed; for a grant, no hit
      reviewed as a true match and no legally binding arms embargo in force on a destination
      (criterion 1).

    Args:
        screening_problems: the screening's problems when already computed (the case page).
    """
    from .screening_selectors import screening_problems as find_screening_problems

    problems = []
    if application.goods_lines.filter(classification_status=ClassificationStatus.PENDING).exists():
        problems.append(_("Confirm or correct the control list entry of every goods line."))
    criteria = set(Criterion.objects.values_list("number", flat=True))
    if not criteria:
        problems.append(_("The eight criteria are not loaded (command load_permits_reference)."))
    assessed: dict[str, set[int]] = {}
    grounds: set[int] = set()
    criterion_1: set[str] = set()
    for country, number, outcome in application.assessments.values_list("country", "criterion__number", "outcome"):
        assessed.setdefault(country, set()).add(number)
        if outcome == "refusal_ground":
            grounds.add(number)
        elif number == 1:
            criterion_1.add(country)
    parties = list(application.parties.all())
    for country in destinations(application, parties):
        missing = sorted(criteria - assessed.get(country, set()))
        if missing:
            problems.append(
                _("Assess %(country)s against criteria %(criteria)s.")
                % {"country": country, "criteria": ", ".join(str(n) for n in missing)}
            )
    if not application.proposed_outcome:
        problems.append(_("Choose the decision to propose."))
    elif application.proposed_outcome == "refuse":
        cited = set(application.refusal_criteria or [])
        if not cited:
            problems.append(_("A refusal cites at least one criterion."))
        elif not cited <= grounds:
            problems.append(
                _("A refusal cites only criteria assessed as a ground for refusal (not %(criteria)s).")
                % {"criteria": ", ".join(str(n) for n in sorted(cited - grounds))}
            )
    elif grounds:
        problems.append(
            _("Criteria %(criteria)s are assessed as a ground for refusal: a licence cannot be proposed.")
            % {"criteria": ", ".join(str(n) for n in sorted(grounds))}
        )
    if screening_problems is None:
        screening_problems = find_screening_problems(application, parties=parties, assessed_criterion_1=criterion_1)
    problems.extend(screening_problems)
    return problems


@dataclass(frozen=True)
class LineBalance:
    """What remains of one goods line of a licence: licensed, shipped (sum of the use reports),
    remaining; quantities in the line's unit, values in EUR."""

    line: GoodsLine
    licensed_quantity: Decimal
    licensed_value: Decimal
    shipped_quantity: Decimal
    shipped_value: Decimal

    @property
    def remaining_quantity(self) -> Decimal:
        return self.licensed_quantity - self.shipped_quantity

    @property
    def remaining_value(self) -> Decimal:
        return self.licensed_value - self.shipped_value


def licence_balance(licence: Licence) -> list[LineBalance]:
    """The balance of each goods line of *licence*, in line order, in one query (the reports of
    the licence summed per line; a line without reports has shipped 0)."""
    zero_quantity = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=3))
    zero_value = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))
    of_licence = Q(use_reports__licence_id=licence.pk)
    lines = (
        GoodsLine.objects.filter(application_id=licence.application_id)
        .annotate(
            shipped_quantity=Coalesce(Sum("use_reports__quantity", filter=of_licence), zero_quantity),
            shipped_value=Coalesce(Sum("use_reports__value_eur", filter=of_licence), zero_value),
        )
        .order_by("position", "id")
    )
    return [
        LineBalance(
            line=line,
            licensed_quantity=line.quantity,
            licensed_value=line.value_eur,
            shipped_quantity=Decimal(line.shipped_quantity),
            shipped_value=Decimal(line.shipped_value),
        )
        for line in lines
    ]


APPLICATION_TASKS = ("licence_type", "goods", "parties", "end_use", "documents", "declaration")
"""The tasks of the portal's application form, in order (keys of :func:`application_problems`)."""


class TaskStatus:
    """The statuses of a task of the portal's task list (GOV.UK "complete multiple tasks")."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANNOT_START = "cannot_start"


def application_problems(application: Application, *, declaration: bool | None = None) -> list[tuple[str, str]]:
    """What a draft still misses before it can be submitted, as ``(task, translated sentence)``
    pairs in task order (:data:`APPLICATION_TASKS`); empty when it can be submitted.

    - ``licence_type``: a type of :data:`permits.manifest.LICENCE_TYPES`;
    - ``goods``: at least one line; each chosen control list entry still in the current lists of
      the type's regimes (the type may have changed since);
    - ``parties``: a party of every role in the type's ``parties_required``, named in the message;
      with ``single_destination``, the consignees and end-users in one country;
    - ``end_use``: the end use described;
    - ``documents``: with ``end_user_certificate``, a certificate (PDF, not deleted) for each end-user;
    - ``declaration``: only when *declaration* is given: it must be ``True``.

    Source: the manifest of the licence type (:mod:`permits.manifest`); issue 4, "Applicant portal".
    About ``2 + goods lines with a code`` queries.
    """
    spec = LICENCE_TYPES.get(application.licence_type)
    problems: list[tuple[str, str]] = []
    if spec is None:
        problems.append(("licence_type", _("Choose the type of licence.")))
    lines = list(application.goods_lines.all())
    if not lines:
        problems.append(("goods", _("Add at least one line of goods.")))
    elif spec is not None:
        for line in lines:
            if not line.control_code:
                continue
            known = False
            for regime in spec.regimes:
                try:
                    control_list_entry(line.control_code, regime)
                    known = True
                    break
                except ValidationError:
                    continue
            if not known:
                problems.append(
                    (
                        "goods",
                        _(
                            "Line %(line)s: %(code)s is not an entry of the control lists for this licence type. "
                            "Choose another entry or tick “I don't know”."
                        )
                        % {"line": line.position, "code": line.control_code},
                    )
                )
    parties = list(application.parties.all())
    if spec is not None:
        present = {party.role for party in parties}
        for role in spec.parties_required:
            if role not in present:
                problems.append(
                    (
                        "parties",
                        _("Add the %(role)s: this type of licence needs at least one.")
                        % {"role": PartyRole(role).label},
                    )
                )
        countries = sorted(
            {party.country for party in parties if party.role in (PartyRole.CONSIGNEE, PartyRole.END_USER)}
        )
        if spec.single_destination and len(countries) > 1:
            problems.append(
                (
                    "parties",
                    _(
                        "This type of licence has one destination country, but the consignees and end-users are "
                        "in %(countries)s."
                    )
                    % {"countries": ", ".join(countries)},
                )
            )
    if not application.end_use.strip():
        problems.append(("end_use", _("Describe the end use of the goods.")))
    if spec is not None and spec.end_user_certificate:
        covered = set(
            ApplicationDocument.objects.filter(
                application=application,
                kind=DocumentKind.END_USER_CERTIFICATE,
                document__deleted_at__isnull=True,
                document__content_type="application/pdf",
            ).values_list("party_id", flat=True)
        )
        for party in parties:
            if party.role == PartyRole.END_USER and party.pk not in covered:
                problems.append(
                    (
                        "documents",
                        _("Upload the end-user certificate (PDF) of %(name)s.") % {"name": party.name},
                    )
                )
    if declaration is not None and not declaration:
        problems.append(("declaration", _("Confirm the declaration to submit the application.")))
    return problems


def application_task_statuses(
    application: Application, problems: list[tuple[str, str]] | None = None
) -> dict[str, str]:
    """The status of each task of :data:`APPLICATION_TASKS` (a :class:`TaskStatus` value):

    - a task with a problem is *in progress* once something was entered for it, else *not started*;
    - a task without problem is *completed*, except: documents with nothing required and nothing
      uploaded is *completed* too (optional); documents required for end-users not entered yet
      *cannot start yet*; the declaration *cannot start yet* until every other task is completed.

    Args:
        problems: :func:`application_problems` of *application* when already computed.
    """
    if problems is None:
        problems = application_problems(application)
    spec = LICENCE_TYPES.get(application.licence_type)
    failing = {task for task, _message in problems}
    has_documents = application.application_documents.filter(document__deleted_at__isnull=True).exists()
    started = {
        "licence_type": bool(application.licence_type),
        "goods": application.goods_lines.exists(),
        "parties": application.parties.exists(),
        "end_use": bool(application.end_use.strip()),
        "documents": has_documents,
    }
    statuses: dict[str, str] = {}
    for task in APPLICATION_TASKS[:-1]:
        if task not in failing:
            statuses[task] = TaskStatus.COMPLETED
        elif started[task]:
            statuses[task] = TaskStatus.IN_PROGRESS
        else:
            statuses[task] = TaskStatus.NOT_STARTED
    if (
        spec is not None
        and spec.end_user_certificate
        and not has_documents
        and not application.parties.filter(role=PartyRole.END_USER).exists()
    ):
        statuses["documents"] = TaskStatus.CANNOT_START
    others_done = all(status == TaskStatus.COMPLETED for status in statuses.values())
    statuses["declaration"] = TaskStatus.NOT_STARTED if others_done else TaskStatus.CANNOT_START
    return statuses
