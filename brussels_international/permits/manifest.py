"""The licence types, one manifest entry per type: what differs between them is declared here,
not in ``if`` chains (the pattern of uktrade/lite-api's ``application_manifest``).

Each :class:`LicenceType` says which goods it covers (military list, dual-use list), which
parties and documents an application needs, how many destinations it may have, how long the
unit has to decide (the statutory processing time, registered as a core deadline at
submission) and how long the licence stays valid. Services, forms and the PDF read these
entries; a new type is one more entry.

Sources: Brussels ordinance of 20 June 2013 (import, export, transit and transfer of
defence-related products ...) and its implementing decree of 3 April 2014 (Arrêté du
Gouvernement de la Région de Bruxelles-Capitale portant exécution de l'Ordonnance du 20 juin
2013); Directive 2009/43/EC (intra-EU transfers); Regulation (EU) 2021/821 (dual-use items).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from .models import PartyRole, Regime


@dataclass(frozen=True)
class LicenceType:
    """One type of licence and what an application for it needs.

    Attributes:
        key: stored in ``Application.licence_type``.
        name: translated name ("Individual export licence").
        scope: ``"individual"``, ``"global"`` or ``"general"``.
        movement: ``"export"``, ``"import"``, ``"transit"``, ``"transfer"`` (intra-EU) or ``"brokering"``.
        regimes: the control lists its goods come from (:class:`~permits.models.Regime`).
        parties_required: party roles of which at least one must be given.
        end_user_certificate: an end-user certificate (PDF) is required for each end-user.
        single_destination: all consignees and end-users in one country (individual licences).
        processing_days: statutory time for the decision, in *processing_counting* days from
            submission; the clock stops while a request for information is open.
        processing_counting: ``"calendar"`` or ``"working"`` (core.deadlines).
        validity_months: how long a licence of this type stays valid from its issue.
        legal_basis: the rule the type comes from (shown on the licence and in the deadline).
        applied_for: ``False`` for general licences, which are published and only registered for.
    """

    key: str
    name: Any
    scope: str
    movement: str
    regimes: tuple[str, ...]
    parties_required: tuple[str, ...]
    end_user_certificate: bool
    single_destination: bool
    processing_days: int
    processing_counting: str
    validity_months: int
    legal_basis: str
    applied_for: bool = True
    description: Any = field(default="")


_BOTH = (Regime.MILITARY, Regime.DUAL_USE)
_ORDINANCE = "Ordonnance du 20 juin 2013 / Ordonnantie van 20 juni 2013"

LICENCE_TYPES: dict[str, LicenceType] = {
    t.key: t
    for t in (
        LicenceType(
            key="individual_export",
            name=_("Individual export licence"),
            scope="individual",
            movement="export",
            regimes=_BOTH,
            parties_required=(PartyRole.CONSIGNEE, PartyRole.END_USER),
            end_user_certificate=True,
            single_destination=True,
            processing_days=60,
            processing_counting="calendar",
            validity_months=12,
            legal_basis=f"{_ORDINANCE}; Common Position 2008/944/CFSP; Regulation (EU) 2021/821, Art. 12",
            description=_("One exporter, one consignee and end-user in one country, the goods listed."),
        ),
        LicenceType(
            key="global_export",
            name=_("Global export licence"),
            scope="global",
            movement="export",
            regimes=_BOTH,
            parties_required=(PartyRole.CONSIGNEE, PartyRole.END_USER),
            end_user_certificate=True,
            single_destination=False,
            processing_days=60,
            processing_counting="calendar",
            validity_months=24,
            legal_basis=f"{_ORDINANCE}; Regulation (EU) 2021/821, Art. 12",
            description=_("One exporter, several consignees or end-users, possibly in several countries."),
        ),
        LicenceType(
            key="individual_import",
            name=_("Individual import licence"),
            scope="individual",
            movement="import",
            regimes=(Regime.MILITARY,),
            parties_required=(PartyRole.CONSIGNEE,),
            end_user_certificate=False,
            single_destination=True,
            processing_days=60,
            processing_counting="calendar",
            validity_months=12,
            legal_basis=_ORDINANCE,
            description=_("Goods brought into the Brussels-Capital Region from outside the EU."),
        ),
        LicenceType(
            key="individual_transit",
            name=_("Individual transit licence"),
            scope="individual",
            movement="transit",
            regimes=(Regime.MILITARY,),
            parties_required=(PartyRole.CONSIGNEE, PartyRole.END_USER),
            end_user_certificate=True,
            single_destination=True,
            processing_days=60,
            processing_counting="calendar",
            validity_months=12,
            legal_basis=_ORDINANCE,
            description=_("Goods that only pass through Belgium, from a third country to a third country."),
        ),
        LicenceType(
            key="individual_transfer",
            name=_("Individual transfer licence (intra-EU)"),
            scope="individual",
            movement="transfer",
            regimes=(Regime.MILITARY,),
            parties_required=(PartyRole.CONSIGNEE,),
            end_user_certificate=False,
            single_destination=True,
            processing_days=60,
            processing_counting="calendar",
            validity_months=12,
            legal_basis=f"{_ORDINANCE}; Directive 2009/43/EC, Art. 7",
            description=_("One transfer of defence-related products to one recipient in another EU member state."),
        ),
        LicenceType(
            key="global_transfer",
            name=_("Global transfer licence (intra-EU)"),
            scope="global",
            movement="transfer",
            regimes=(Regime.MILITARY,),
            parties_required=(PartyRole.CONSIGNEE,),
            end_user_certificate=False,
            single_destination=False,
            processing_days=60,
            processing_counting="calendar",
            validity_months=36,
            legal_basis=f"{_ORDINANCE}; Directive 2009/43/EC, Art. 6",
            description=_("Transfers of defence-related products to named recipients in other EU member states."),
        ),
        LicenceType(
            key="general_transfer",
            name=_("General transfer licence: registration"),
            scope="general",
            movement="transfer",
            regimes=(Regime.MILITARY,),
            parties_required=(),
            end_user_certificate=False,
            single_destination=False,
            processing_days=30,
            processing_counting="calendar",
            validity_months=36,
            legal_basis=f"{_ORDINANCE}; Directive 2009/43/EC, Art. 5",
            applied_for=False,
            description=_(
                "Registration to use a published general transfer licence (armed forces, certified recipients)."
            ),
        ),
        LicenceType(
            key="eu_general_export",
            name=_("Union general export authorisation: registration"),
            scope="general",
            movement="export",
            regimes=(Regime.DUAL_USE,),
            parties_required=(),
            end_user_certificate=False,
            single_destination=False,
            processing_days=30,
            processing_counting="calendar",
            validity_months=36,
            legal_basis="Regulation (EU) 2021/821, Art. 12(1)(c) and Annex II (EU001 to EU008)",
            applied_for=False,
            description=_("Registration of first use of a Union general export authorisation for dual-use items."),
        ),
        LicenceType(
            key="brokering",
            name=_("Brokering authorisation"),
            scope="individual",
            movement="brokering",
            regimes=(Regime.DUAL_USE,),
            parties_required=(PartyRole.CONSIGNEE, PartyRole.END_USER),
            end_user_certificate=True,
            single_destination=True,
            processing_days=60,
            processing_counting="calendar",
            validity_months=12,
            legal_basis="Regulation (EU) 2021/821, Art. 6",
            description=_("Brokering services for dual-use items between third countries."),
        ),
    )
}
"""Every licence type, by key."""


def licence_type(key: str) -> LicenceType:
    """The manifest entry of *key*.

    Raises:
        KeyError: unknown key (a programming error: keys are chosen from this table).
    """
    return LICENCE_TYPES[key]


def licence_type_choices(*, applied_for: bool | None = None) -> list[tuple[str, str]]:
    """``(key, translated name)`` pairs for forms, in manifest order; filter on ``applied_for``."""
    return [(t.key, str(t.name)) for t in LICENCE_TYPES.values() if applied_for is None or t.applied_for == applied_for]
