"""Services of the directory: load the organisation data file; import HR staff lists.

Both services validate everything first, then write in one transaction with their audit
entries (``core.services.audit_record``). Nothing is written when any input is wrong.

- :func:`organisation_load` reads ``directory/data/organisation.yaml`` (the reviewed
  transcription of the directorate's web page, ``shared/seed``) and upserts it by slug.
- :func:`staff_import` applies rows of a staff list exported from the HR system; the file
  readers (:func:`staff_table_read`) turn CSV or XLSX into those rows. Columns:
  ``docs/staff-import.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

import pycountry
import yaml
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from brussels_international.core.models import AuditVerb
from brussels_international.core.search import search_index_update
from brussels_international.core.services import Actor, audit_record, field_changes, model_snapshot

from .models import (
    Directorate,
    EUProgramme,
    InternationalOrganisation,
    Network,
    Partner,
    Person,
    PhoneNumber,
    Role,
    Topic,
    Unit,
)
from .phones import PhoneNumberError, normalise_phone
from .selectors import normalise

DEFAULT_DATA_FILE = Path(__file__).resolve().parent / "data" / "organisation.yaml"
LANGS: tuple[str, ...] = ("fr", "nl", "en")
COORD_STEP = Decimal("0.00001")
PORTFOLIO_FIELDS: tuple[str, ...] = ("partners", "networks", "organisations", "programmes", "topics")
# portfolio field of a role -> (section of the data file, model)
PORTFOLIO_SECTIONS: dict[str, tuple[str, type[models.Model]]] = {
    "partners": ("partners", Partner),
    "networks": ("networks", Network),
    "organisations": ("organisations", InternationalOrganisation),
    "programmes": ("programmes", EUProgramme),
    "topics": ("topics", Topic),
}
SINGULAR: dict[str, str] = {
    "partners": "partner",
    "networks": "network",
    "organisations": "organisation",
    "programmes": "programme",
    "topics": "topic",
    "units": "unit",
    "people": "person",
}


# =============================================================================================
# Organisation data file
# =============================================================================================


class OrganisationDataError(Exception):
    """The data file is invalid. ``errors`` lists every problem, each prefixed by its path in
    the file (``people[12].roles[0].partners: unknown partner 'kyiv2'``)."""

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class ModelCounts:
    """What a load did to one model: numbers of objects created, updated, unchanged, removed,
    and of objects in the database but absent from the file and kept."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    absent: int = 0


@dataclass
class LoadReport:
    """Result of :func:`organisation_load`: counts per model, one line per change, warnings."""

    source: str
    dry_run: bool = False
    counts: dict[str, ModelCounts] = field(default_factory=dict)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the load changed (or, in a dry run, would change) anything."""
        return any(c.created or c.updated or c.removed for c in self.counts.values())

    def count(self, label: str) -> ModelCounts:
        return self.counts.setdefault(label, ModelCounts())


# --- reading and validation (no database access except none: pure) ---------------------------


def organisation_file_read(path: Path | str) -> dict[str, Any]:
    """Parse the YAML data file at *path* and return its top-level mapping.

    Raises:
        OrganisationDataError: the file is missing, is not YAML, or is not a mapping.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise OrganisationDataError([f"{p}: cannot be read ({exc.strerror or exc})"]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise OrganisationDataError([f"{p}: not valid YAML ({exc})"]) from exc
    if not isinstance(data, dict):
        raise OrganisationDataError([f"{p}: the file must hold a mapping with the sections of the organisation"])
    return data


class _Checker:
    """Collects validation errors with their path in the file."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def mapping(self, value: Any, path: str, required: Iterable[str], optional: Iterable[str] = ()) -> bool:
        if not isinstance(value, dict):
            self.error(path, "must be a mapping")
            return False
        required, optional = list(required), list(optional)
        ok = True
        for key in required:
            if key not in value:
                self.error(path, f"missing required key '{key}'")
                ok = False
        for key in value:
            if key not in required and key not in optional:
                self.error(path, f"unknown key '{key}'")
                ok = False
        return ok

    def text(self, value: Any, path: str, *, required: bool = True) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(path, "must be a non-empty text" if required else "must be a text")
            return ""
        return value.strip()

    def translated(self, value: Any, path: str, *, required: bool = True) -> dict[str, str]:
        """A ``{fr, nl, en}`` mapping; absent (``None``) gives empty texts unless *required*."""
        if value is None and not required:
            return dict.fromkeys(LANGS, "")
        if not self.mapping(value, path, LANGS):
            return dict.fromkeys(LANGS, "")
        out: dict[str, str] = {}
        for lang in LANGS:
            item = value[lang]
            if isinstance(item, list):  # paragraphs
                if not item or not all(isinstance(p, str) and p.strip() for p in item):
                    self.error(f"{path}.{lang}", "must be a non-empty list of non-empty paragraphs")
                    out[lang] = ""
                else:
                    out[lang] = "\n\n".join(p.strip() for p in item)
            else:
                out[lang] = self.text(item, f"{path}.{lang}")
        return out

    def slug(self, value: Any, path: str, seen: set[str]) -> str:
        text = self.text(value, path)
        if not text:
            return ""
        try:
            validate_slug(text)
        except ValidationError:
            self.error(path, f"'{text}' is not a slug (letters, digits, hyphens, underscores)")
            return ""
        if text in seen:
            self.error(path, f"duplicate slug '{text}'")
        seen.add(text)
        return text

    def aliases(self, value: Any, path: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(path, "must be a list of non-empty texts")
            return []
        out: list[str] = []
        for v in value:
            if v.strip() not in out:
                out.append(v.strip())
        return out

    def choice(self, value: Any, path: str, choices: type[models.TextChoices]) -> str:
        if value not in choices.values:
            self.error(path, f"'{value}' is not one of {', '.join(choices.values)}")
            return ""
        return str(value)

    def boolean(self, value: Any, path: str, default: bool = False) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(path, "must be true or false")
            return default
        return value

    def coordinate(self, value: Any, path: str, limit: int) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(path, "must be a number")
            return Decimal(0)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.error(path, "must be a number")
            return Decimal(0)
        if not -limit <= number <= limit:
            self.error(path, f"must be between -{limit} and {limit}")
        if number != number.quantize(COORD_STEP, rounding=ROUND_HALF_UP):
            self.error(path, "must have at most 5 decimals")
        return number.quantize(COORD_STEP, rounding=ROUND_HALF_UP)

    def date(self, value: Any, path: str) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(path, f"'{value}' is not a date (YYYY-MM-DD)")
        return None

    def slug_list(self, value: Any, path: str, known: set[str], what: str) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(path, f"must be a list of {what} slugs")
            return []
        out: list[str] = []
        for item in value:
            if item not in known:
                self.error(path, f"unknown {what} '{item}'")
            elif item in out:
                self.error(path, f"{what} '{item}' listed twice")
            else:
                out.append(item)
        return sorted(out)


def _translated_fields(prefix: str, values: Mapping[str, str]) -> dict[str, str]:
    return {f"{prefix}_{lang}": values[lang] for lang in LANGS}


def organisation_validate(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the parsed data file and return it as model field values, section by section.

    Args:
        data: the mapping returned by :func:`organisation_file_read`.

    Returns:
        ``{"directorate": {...}, "units": [...], "partners": [...], ..., "people": [...]}``
        where each item holds model field values (``name_fr`` ...) plus, for people,
        ``phones`` (E.164) and ``roles`` (unit slug, titles, dates, sorted portfolio slugs).

    Raises:
        OrganisationDataError: listing every problem with its path (missing or unknown key,
            bad slug, bad country code (ISO 3166-1 alpha-2, checked with ``pycountry``), bad
            coordinates, bad phone (libphonenumber), unknown unit or portfolio slug).
    """
    c = _Checker()
    sections = ("directorate", "units", "partners", "networks", "organisations", "programmes", "topics", "people")
    if not c.mapping(data, "(file)", sections):
        raise OrganisationDataError(c.errors)
    for name in sections[1:]:
        if not isinstance(data[name], list):
            c.error(name, "must be a list")
    if c.errors:
        raise OrganisationDataError(c.errors)

    out: dict[str, Any] = {}

    # units
    units: list[dict[str, Any]] = []
    seen: set[str] = set()
    numbers: set[int] = set()
    for i, item in enumerate(data["units"]):
        p = f"units[{i}]"
        if not c.mapping(item, p, ("slug", "kind", "name", "mission", "staff_group"), ("number",)):
            continue
        number = item.get("number")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
            c.error(f"{p}.number", "must be a positive whole number or null")
            number = None
        elif number is not None:
            if number in numbers:
                c.error(f"{p}.number", f"duplicate unit number {number}")
            numbers.add(number)
        units.append(
            {
                "slug": c.slug(item["slug"], f"{p}.slug", seen),
                "kind": c.choice(item["kind"], f"{p}.kind", Unit.Kind),
                "number": number,
                "order": i,
                **_translated_fields("name", c.translated(item["name"], f"{p}.name")),
                **_translated_fields("mission", c.translated(item["mission"], f"{p}.mission")),
                "staff_group": c.text(item["staff_group"], f"{p}.staff_group"),
            }
        )
    out["units"] = units

    def named(section: str, extra_required: tuple[str, ...], extra_optional: tuple[str, ...]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        seen_slugs: set[str] = set()
        for i, item in enumerate(data[section]):
            p = f"{section}[{i}]"
            if not c.mapping(item, p, ("slug", "name", *extra_required), ("aliases", *extra_optional)):
                continue
            spec: dict[str, Any] = {
                "slug": c.slug(item["slug"], f"{p}.slug", seen_slugs),
                **_translated_fields("name", c.translated(item["name"], f"{p}.name")),
                "aliases": c.aliases(item.get("aliases"), f"{p}.aliases"),
            }
            spec["_raw"] = item
            spec["_path"] = p
            items.append(spec)
        return items

    partners = named("partners", ("kind", "country", "latitude", "longitude", "has_agreement"), ("note",))
    for spec in partners:
        raw, p = spec.pop("_raw"), spec.pop("_path")
        country = raw["country"]
        if not isinstance(country, str) or len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
            c.error(f"{p}.country", f"'{country}' is not an ISO 3166-1 alpha-2 country code")
            country = ""
        spec.update(
            kind=c.choice(raw["kind"], f"{p}.kind", Partner.Kind),
            country=str(country).upper(),
            latitude=c.coordinate(raw["latitude"], f"{p}.latitude", 90),
            longitude=c.coordinate(raw["longitude"], f"{p}.longitude", 180),
            has_agreement=c.boolean(raw["has_agreement"], f"{p}.has_agreement"),
            **_translated_fields("note", c.translated(raw.get("note"), f"{p}.note", required=False)),
        )
    out["partners"] = partners

    networks = named("networks", (), ("acronym",))
    for spec in networks:
        raw, p = spec.pop("_raw"), spec.pop("_path")
        spec["acronym"] = c.text(raw.get("acronym"), f"{p}.acronym", required=False)
    out["networks"] = networks

    organisations = named("organisations", ("kind",), ("acronym",))
    for spec in organisations:
        raw, p = spec.pop("_raw"), spec.pop("_path")
        spec["kind"] = c.choice(raw["kind"], f"{p}.kind", InternationalOrganisation.Kind)
        spec["acronym"] = c.text(raw.get("acronym"), f"{p}.acronym", required=False)
    out["organisations"] = organisations

    programmes = named("programmes", (), ())
    for spec in programmes:
        spec.pop("_raw"), spec.pop("_path")
    out["programmes"] = programmes

    topics = named("topics", ("kind",), ())
    for spec in topics:
        raw, p = spec.pop("_raw"), spec.pop("_path")
        spec["kind"] = c.choice(raw["kind"], f"{p}.kind", Topic.Kind)
    out["topics"] = topics

    known = {name: {s["slug"] for s in out[name]} for name in ("units", *PORTFOLIO_SECTIONS)}

    # people
    people: list[dict[str, Any]] = []
    seen = set()
    for i, item in enumerate(data["people"]):
        p = f"people[{i}]"
        if not c.mapping(item, p, ("slug", "given_name", "family_name", "roles"), ("aliases", "phones", "is_public")):
            continue
        phones: list[str] = []
        raw_phones = item.get("phones") or []
        if not isinstance(raw_phones, list):
            c.error(f"{p}.phones", "must be a list of phone numbers")
            raw_phones = []
        for j, raw in enumerate(raw_phones):
            try:
                number = normalise_phone(str(raw))
            except PhoneNumberError as exc:
                c.error(f"{p}.phones[{j}]", str(exc))
                continue
            if number in phones:
                c.error(f"{p}.phones[{j}]", f"{number} listed twice")
            phones.append(number)
        roles: list[dict[str, Any]] = []
        if not isinstance(item["roles"], list) or not item["roles"]:
            c.error(f"{p}.roles", "must be a non-empty list of roles")
        else:
            for j, role in enumerate(item["roles"]):
                rp = f"{p}.roles[{j}]"
                if not c.mapping(
                    role, rp, ("unit",), ("title", "is_head", "start_date", "end_date", *PORTFOLIO_FIELDS)
                ):
                    continue
                unit = role["unit"]
                if unit not in known["units"]:
                    c.error(f"{rp}.unit", f"unknown unit '{unit}'")
                start = c.date(role.get("start_date"), f"{rp}.start_date")
                end = c.date(role.get("end_date"), f"{rp}.end_date")
                if start and end and end < start:
                    c.error(f"{rp}.end_date", "is before the start date")
                spec = {
                    "unit": unit,
                    **_translated_fields("title", c.translated(role.get("title"), f"{rp}.title", required=False)),
                    "is_head": c.boolean(role.get("is_head"), f"{rp}.is_head"),
                }
                # dates only when the file gives them: otherwise those kept by the HR import stay
                if "start_date" in role:
                    spec["start_date"] = start
                if "end_date" in role:
                    spec["end_date"] = end
                for fname, (section, _model) in PORTFOLIO_SECTIONS.items():
                    spec[fname] = c.slug_list(role.get(fname), f"{rp}.{fname}", known[section], SINGULAR[section])
                roles.append(spec)
        people.append(
            {
                "slug": c.slug(item["slug"], f"{p}.slug", seen),
                "given_name": c.text(item["given_name"], f"{p}.given_name"),
                "family_name": c.text(item["family_name"], f"{p}.family_name"),
                "aliases": c.aliases(item.get("aliases"), f"{p}.aliases"),
                "is_public": c.boolean(item.get("is_public"), f"{p}.is_public", default=True),
                "phones": phones,
                "roles": roles,
            }
        )
    out["people"] = people

    # directorate
    d = data["directorate"]
    p = "directorate"
    required = ("slug", "name", "tagline", "slogan", "description", "director")
    if c.mapping(d, p, required, ("foreign_policy_since", "stated_agreement_count")):
        director = d["director"]
        if director not in seen:
            c.error(f"{p}.director", f"unknown person '{director}'")
        for key in ("foreign_policy_since", "stated_agreement_count"):
            value = d.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                c.error(f"{p}.{key}", "must be a whole number")
        out["directorate"] = {
            "slug": c.slug(d["slug"], f"{p}.slug", set()),
            **_translated_fields("name", c.translated(d["name"], f"{p}.name")),
            **_translated_fields("tagline", c.translated(d["tagline"], f"{p}.tagline")),
            **_translated_fields("slogan", c.translated(d["slogan"], f"{p}.slogan")),
            **_translated_fields("description", c.translated(d["description"], f"{p}.description")),
            "director": director,
            "foreign_policy_since": d.get("foreign_policy_since"),
            "stated_agreement_count": d.get("stated_agreement_count"),
        }

    if c.errors:
        raise OrganisationDataError(c.errors)
    return out


# --- writing ---------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    if value is None or value == "":
        return "—"
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _upsert_by_slug(
    model: type[models.Model],
    label: str,
    specs: Sequence[Mapping[str, Any]],
    *,
    actor: Actor,
    report: LoadReport,
    source: str,
) -> dict[str, Any]:
    """Create or update the objects of one model from *specs*; return ``{slug: object}``."""
    counts = report.count(label)
    existing: dict[str, Any] = {o.slug: o for o in model._default_manager.all()}  # type: ignore[attr-defined]
    for spec in specs:
        obj = existing.get(spec["slug"])
        if obj is None:
            obj = model(**spec)
            obj.save()
            existing[spec["slug"]] = obj
            counts.created += 1
            report.changes.append(f"{label} {spec['slug']}: created")
            audit_record(
                actor=actor,
                verb=AuditVerb.CREATED,
                obj=obj,
                payload={"changes": field_changes({}, model_snapshot(obj, spec.keys())), "source": source},
            )
            continue
        before = model_snapshot(obj, spec.keys())
        for key, value in spec.items():
            setattr(obj, key, value)
        changes = field_changes(before, model_snapshot(obj, spec.keys()))
        if not changes:
            counts.unchanged += 1
            continue
        obj.save()
        counts.updated += 1
        for key, (old, new) in changes.items():
            report.changes.append(f"{label} {spec['slug']}: {key} {_fmt(old)} → {_fmt(new)}")
        audit_record(actor=actor, verb=AuditVerb.UPDATED, obj=obj, payload={"changes": changes, "source": source})
    return existing


def _absent(
    model: type[models.Model],
    label: str,
    slugs: set[str],
    *,
    actor: Actor,
    report: LoadReport,
    prune: bool,
    source: str,
) -> None:
    """Report (or, with *prune*, delete) the objects of *model* that the file does not list."""
    counts = report.count(label)
    for obj in model._default_manager.exclude(slug__in=slugs).order_by("slug"):  # type: ignore[misc]
        slug = obj.slug  # type: ignore[attr-defined]
        if not prune:
            counts.absent += 1
            report.warnings.append(f"{label} {slug}: in the database but not in the file (kept; --prune deletes it)")
            continue
        try:
            with transaction.atomic():  # the entry rolls back with a refused deletion
                audit_record(actor=actor, verb=AuditVerb.DELETED, obj=obj, payload={"source": source})
                obj.delete()
        except ProtectedError:
            counts.absent += 1
            report.warnings.append(f"{label} {slug}: not in the file but still used by roles (kept)")
            continue
        counts.removed += 1
        report.changes.append(f"{label} {slug}: removed")


def _role_state(role: Role) -> dict[str, Any]:
    state: dict[str, Any] = {
        "unit": role.unit.slug,
        **{f"title_{lang}": getattr(role, f"title_{lang}") for lang in LANGS},
        "is_head": role.is_head,
        "start_date": role.start_date,
        "end_date": role.end_date,
    }
    for fname in PORTFOLIO_FIELDS:
        state[fname] = sorted(o.slug for o in getattr(role, fname).all())
    return state


def _role_key_list(states: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    seen: Counter[str] = Counter()
    keys = []
    for state in states:
        keys.append((state["unit"], seen[state["unit"]]))
        seen[state["unit"]] += 1
    return keys


def _role_label(key: tuple[str, int]) -> str:
    return f"role in {key[0]}" + (f" #{key[1] + 1}" if key[1] else "")


def person_roles_sync(
    *,
    person: Person,
    roles: Sequence[Mapping[str, Any]],
    units: Mapping[str, Unit],
    portfolio: Mapping[str, Mapping[str, Any]],
) -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    """Make *person*'s roles equal to *roles*, touching only the rows that differ.

    Roles are matched by unit (and rank within the unit); a matched row is updated in place,
    a new one is created, one the list no longer holds is deleted.

    Args:
        person: a saved person.
        roles: role specs as returned by :func:`organisation_validate` (unit slug, titles,
            ``is_head``, sorted portfolio slugs, and the dates when the file gives them: a
            date the spec leaves out is left as it is).
        units: unit slug -> unit.
        portfolio: portfolio field (``partners`` ...) -> slug -> object.

    Returns:
        ``(change lines, old states, new states)``; no lines when nothing differed.
    """
    current = list(person.roles.select_related("unit").prefetch_related(*PORTFOLIO_FIELDS).order_by("sort_order", "pk"))
    old_states = [_role_state(r) for r in current]
    new_states = [dict(r) for r in roles]
    if len(old_states) == len(new_states) and all(
        all(old.get(k) == v for k, v in new.items()) for old, new in zip(old_states, new_states, strict=True)
    ):
        return [], old_states, new_states
    lines: list[str] = []
    by_key = dict(zip(_role_key_list(old_states), zip(current, old_states, strict=True), strict=True))
    new_keys = _role_key_list(new_states)
    for order, (key, spec) in enumerate(zip(new_keys, new_states, strict=True)):
        match = by_key.pop(key, None)
        if match is None:
            role = Role(person=person, unit=units[spec["unit"]])
            lines.append(f"{_role_label(key)} added")
            old: dict[str, Any] = {}
        else:
            role, old = match
            for fname, value in spec.items():
                if fname != "unit" and old.get(fname) != value:
                    lines.append(f"{_role_label(key)}: {fname} {_fmt(old.get(fname))} → {_fmt(value)}")
        for fname in ("title_fr", "title_nl", "title_en", "is_head", "start_date", "end_date"):
            if fname in spec:
                setattr(role, fname, spec[fname])
        role.sort_order = order
        role.save()
        for fname in PORTFOLIO_FIELDS:
            if old.get(fname) != spec[fname]:
                manager = getattr(role, fname)
                manager.set([portfolio[fname][slug] for slug in spec[fname]])
                manager.commit()
    for key, (role, _state) in by_key.items():
        role.delete()
        lines.append(f"{_role_label(key)} removed")
    if not lines:
        lines.append("roles reordered")
    return lines, old_states, new_states


def person_phones_sync(*, person: Person, numbers: Sequence[str]) -> tuple[list[str], list[str]]:
    """Make *person*'s phone numbers equal to *numbers* (E.164, in order), changing rows in place.

    Returns:
        ``(old numbers, new numbers)``; equal when nothing was changed.
    """
    current = list(person.phones.order_by("sort_order", "pk"))
    old = [p.number for p in current]
    new = list(numbers)
    if old == new:
        return old, new
    for order, number in enumerate(new):
        if order < len(current):
            phone = current[order]
            phone.number, phone.sort_order = number, order
            phone.save()
        else:
            PhoneNumber.objects.create(person=person, number=number, sort_order=order)
    for phone in current[len(new) :]:
        phone.delete()
    return old, new


def _phone_line(old: Sequence[str], new: Sequence[str]) -> str:
    if len(old) == 1 and len(new) == 1:
        return f"phone {old[0]} → {new[0]}"
    return f"phones {_fmt(list(old))} → {_fmt(list(new))}"


def organisation_load(
    *,
    actor: Actor,
    path: Path | str | None = None,
    dry_run: bool = False,
    prune: bool = False,
) -> LoadReport:
    """Load the organisation data file into the directory, idempotently, in one transaction.

    Every object is upserted by slug; an object is saved (and audited ``CREATED`` or
    ``UPDATED`` with ``{"changes": {field: [old, new]}}``) only when it differs from the file.
    A person's phones and roles are replaced only when they differ, roles being updated in
    place where they match by unit. When anything changed, one ``LOADED`` entry on the
    directorate sums up the counts; a run that changes nothing writes no audit entry.

    Objects in the database that the file does not list are reported as warnings and kept;
    with *prune* they are deleted (audited ``DELETED``), except units still used by roles.
    Roles and phones of people in the file are always made equal to the file.

    Args:
        actor: who loads (``None`` for the command line: the system).
        path: the YAML file; ``directory/data/organisation.yaml`` by default.
        dry_run: compute the report, then roll everything back.
        prune: delete people, partners, networks, organisations, programmes, topics and units
            absent from the file instead of only reporting them.

    Returns:
        A :class:`LoadReport`.

    Raises:
        OrganisationDataError: the file is invalid; every problem is listed with its path and
            nothing is written.

    Source: ``shared/seed/000_53f4a64cb60c9a57.txt`` (the directorate's web page), transcribed
    and reviewed in the data file.
    """
    file_path = Path(path) if path is not None else DEFAULT_DATA_FILE
    data = organisation_validate(organisation_file_read(file_path))
    source = file_path.name
    report = LoadReport(source=str(file_path), dry_run=dry_run)
    with transaction.atomic():
        units = _upsert_by_slug(Unit, "Unit", data["units"], actor=actor, report=report, source=source)
        portfolio: dict[str, dict[str, Any]] = {}
        for fname, (section, model) in PORTFOLIO_SECTIONS.items():
            label = model._meta.object_name or model.__name__
            portfolio[fname] = _upsert_by_slug(model, label, data[section], actor=actor, report=report, source=source)

        counts = report.count("Person")
        existing = {p.slug: p for p in Person.objects.all()}
        people: dict[str, Person] = {}
        for spec in data["people"]:
            fields = {k: v for k, v in spec.items() if k not in ("phones", "roles")}
            person = existing.get(spec["slug"])
            created = person is None
            before = {} if person is None else model_snapshot(person, fields.keys())
            if person is None:
                person = Person(**fields)
                person.save()
            else:
                for key, value in fields.items():
                    setattr(person, key, value)
            changes = field_changes(before, model_snapshot(person, fields.keys()))
            if changes and not created:
                person.save()
            lines = [] if created else [f"{k} {_fmt(o)} → {_fmt(n)}" for k, (o, n) in changes.items()]
            old_phones, new_phones = person_phones_sync(person=person, numbers=spec["phones"])
            if old_phones != new_phones:
                changes["phones"] = [old_phones, new_phones]
                if not created:
                    lines.append(_phone_line(old_phones, new_phones))
            role_lines, old_roles, new_roles = person_roles_sync(
                person=person, roles=spec["roles"], units=units, portfolio=portfolio
            )
            if role_lines:
                changes["roles"] = [old_roles, new_roles]
                if not created:
                    lines.extend(role_lines)
            people[spec["slug"]] = person
            if created:
                counts.created += 1
                report.changes.append(f"Person {spec['slug']}: created")
                audit_record(
                    actor=actor, verb=AuditVerb.CREATED, obj=person, payload={"changes": changes, "source": source}
                )
            elif changes:
                counts.updated += 1
                report.changes.extend(f"Person {spec['slug']}: {line}" for line in lines)
                audit_record(
                    actor=actor, verb=AuditVerb.UPDATED, obj=person, payload={"changes": changes, "source": source}
                )
            else:
                counts.unchanged += 1

        d_spec = dict(data["directorate"])
        d_spec["director_id"] = people[d_spec.pop("director")].pk
        directorates = _upsert_by_slug(Directorate, "Directorate", [d_spec], actor=actor, report=report, source=source)
        directorate = directorates[d_spec["slug"]]

        _absent(Person, "Person", set(people), actor=actor, report=report, prune=prune, source=source)
        for section, model in PORTFOLIO_SECTIONS.values():
            label = model._meta.object_name or model.__name__
            slugs = {s["slug"] for s in data[section]}
            _absent(model, label, slugs, actor=actor, report=report, prune=prune, source=source)
        slugs = {s["slug"] for s in data["units"]}
        _absent(Unit, "Unit", slugs, actor=actor, report=report, prune=prune, source=source)
        _absent(Directorate, "Directorate", {d_spec["slug"]}, actor=actor, report=report, prune=prune, source=source)

        # Searchable at once, without waiting for the task worker that save signals queue work on.
        search_index_update(Unit, [unit.pk for unit in units.values()])
        for fname, (_section, model) in PORTFOLIO_SECTIONS.items():
            search_index_update(model, [obj.pk for obj in portfolio[fname].values()])
        search_index_update(Person, [person.pk for person in people.values()])

        if report.changed:
            audit_record(
                actor=actor,
                verb=AuditVerb.LOADED,
                obj=directorate,
                payload={
                    "source": source,
                    "counts": {label: vars(c) for label, c in report.counts.items()},
                },
            )
        if dry_run:
            transaction.set_rollback(True)
    return report


# =============================================================================================
# HR staff-list import
# =============================================================================================

STAFF_COLUMNS: tuple[str, ...] = (
    "employee_number",
    "given_name",
    "family_name",
    "unit",
    "title_fr",
    "title_nl",
    "title_en",
    "phone",
    "is_head",
    "start_date",
    "end_date",
)
STAFF_REQUIRED_COLUMNS: tuple[str, ...] = ("employee_number", "given_name", "family_name", "unit")
YES = {"yes", "y", "oui", "ja", "true", "1", "x"}
NO = {"no", "n", "non", "nee", "false", "0", ""}


@dataclass(frozen=True)
class StaffImportIssue:
    """One problem of a staff file: spreadsheet row (header = 1; ``None`` for the whole file),
    column name (``None`` when not about one column) and translated message."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("Row %(row)s, column “%(column)s”: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return self.message


class StaffImportError(Exception):
    """The staff file is wrong; ``issues`` lists every problem found. Nothing was written."""

    def __init__(self, issues: Sequence[StaffImportIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


@dataclass
class StaffTable:
    """A staff file read into memory: normalised column names and one mapping per data row.

    ``rows[i]`` is spreadsheet row ``i + 2`` (the header is row 1); blank rows are kept as
    empty mappings so that numbers stay true, trailing blank rows are dropped.
    """

    columns: list[str]
    rows: list[dict[str, Any]]


@dataclass
class StaffImportReport:
    """Result of :func:`staff_import`: people created, updated, unchanged (slugs), one line per
    change, warnings (ignored columns, ...)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _column_name(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value or "").strip().lower())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _table(header: Sequence[Any], body: Iterable[Sequence[Any]]) -> StaffTable:
    columns = [_column_name(h) for h in header]
    rows: list[dict[str, Any]] = []
    for values in body:
        row = {col: _cell_text(v) for col, v in zip(columns, values, strict=False) if col}
        rows.append(row if any(row.values()) else {})
    while rows and not rows[-1]:
        rows.pop()
    return StaffTable(columns=columns, rows=rows)


def staff_table_read(file: IO[bytes] | Path | str, *, filename: str | None = None) -> StaffTable:
    """Read a CSV (UTF-8 or Windows-1252; comma, semicolon or tab separated) or XLSX staff file.

    Args:
        file: a path or an open binary file (an upload).
        filename: the file's name, used for its type (``.csv`` or ``.xlsx``); defaults to the path.

    Raises:
        StaffImportError: not a CSV or XLSX file, unreadable, or empty.
    """
    name = filename or (str(file) if isinstance(file, Path | str) else getattr(file, "name", "") or "")
    suffix = Path(name).suffix.lower()
    data = Path(file).read_bytes() if isinstance(file, Path | str) else file.read()
    if suffix not in (".csv", ".xlsx"):
        raise StaffImportError(
            [StaffImportIssue(None, None, _("“%(name)s” is not a CSV or XLSX file.") % {"name": Path(name).name})]
        )
    if not data.strip():
        raise StaffImportError([StaffImportIssue(None, None, _("The file is empty."))])
    if suffix == ".xlsx":
        import zipfile

        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise StaffImportError(
                [StaffImportIssue(None, None, _("The file is not a readable XLSX workbook."))]
            ) from exc
        sheet = workbook.worksheets[0]
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        if b"\x00" in data:
            raise StaffImportError([StaffImportIssue(None, None, _("The file is not a text (CSV) file."))])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        first_line = text.splitlines()[0] if text.splitlines() else ""
        delimiter = max((";", ",", "\t"), key=first_line.count)
        values = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    while values and not any(_cell_text(v) for v in values[0]):
        values.pop(0)  # leading blank lines are not the header
    if not values:
        raise StaffImportError([StaffImportIssue(None, None, _("The file is empty."))])
    return _table(values[0], values[1:])


def name_key(text: str) -> tuple[str, ...]:
    """Return the words of a name without accents, case or punctuation, sorted, so that
    ``"Verheyden Daniel"`` and ``"Daniël Verheyden"`` give the same key."""
    return tuple(sorted(normalise(text).split()))


def _person_keys(person: Person) -> set[tuple[str, ...]]:
    keys = {name_key(f"{person.given_name} {person.family_name}")}
    keys.update(name_key(a) for a in person.aliases or [])
    return keys


@dataclass
class _StaffRow:
    row: int
    employee_number: str
    given_name: str
    family_name: str
    unit: Unit
    values: dict[str, Any]  # present optional columns -> cleaned values
    person: Person | None = None


def _issue_order(issue: StaffImportIssue) -> tuple[int, int]:
    column = STAFF_COLUMNS.index(issue.column) if issue.column in STAFF_COLUMNS else len(STAFF_COLUMNS)
    return (issue.row or 0, column)


def _unique_person_slug(given: str, family: str) -> str:
    base = slugify(f"{given} {family}")[:70] or "person"
    slug, n = base, 2
    while Person.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def staff_import(
    *,
    actor: Actor,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str] | None = None,
    dry_run: bool = False,
) -> StaffImportReport:
    """Apply a staff list exported from the HR system: create or update people and their roles.

    Each row is one person's position in one unit. The person is found by
    ``employee_number``, else by name (accent-, case- and order-insensitive, also against
    the other spellings kept in ``aliases``), else created. A person matched by name keeps
    the reviewed spelling of their name; a person matched by number whose name really
    changed takes the HR name and keeps the old one in ``aliases``.
    The role in the row's unit is updated, or created. Optional columns that are absent
    leave their fields unchanged; a ``phone`` cell, when filled, becomes the person's only
    number. People not in the file are not touched. Columns: ``docs/staff-import.md``.

    Args:
        actor: the user importing (``None`` for the command line).
        rows: one mapping per data row, keyed by column name; ``rows[i]`` is spreadsheet row
            ``i + 2``; empty mappings (blank rows) are skipped.
        columns: the header's column names (from :func:`staff_table_read`); when ``None``,
            the keys of the rows.
        dry_run: validate and compute the report, then roll back.

    Returns:
        A :class:`StaffImportReport`.

    Raises:
        StaffImportError: listing every problem with its row and column (missing column,
            empty required cell, bad phone, unknown unit, bad date, bad yes/no, duplicate
            employee number, ambiguous name, no data row). Nothing is written.
    """
    cols = [_column_name(c) for c in (columns if columns is not None else {k for r in rows for k in r})]
    issues: list[StaffImportIssue] = []
    report = StaffImportReport(dry_run=dry_run)
    seen_cols: set[str] = set()
    for col in cols:
        if col and col in seen_cols:
            issues.append(StaffImportIssue(1, col, _("This column appears twice.")))
        seen_cols.add(col)
    for col in STAFF_REQUIRED_COLUMNS:
        if col not in seen_cols:
            issues.append(StaffImportIssue(1, col, _("Missing column.")))
    ignored = sorted(c for c in seen_cols if c and c not in STAFF_COLUMNS)
    if ignored:
        report.warnings.append(_("Columns ignored: %(columns)s.") % {"columns": ", ".join(ignored)})
    if not any(rows):
        issues.append(StaffImportIssue(None, None, _("The file has no data rows.")))
    if issues:
        raise StaffImportError(issues)

    units_by_name: dict[str, Unit] = {}
    for known_unit in Unit.objects.all():
        units_by_name[known_unit.slug.casefold()] = known_unit
        if known_unit.staff_group:
            units_by_name.setdefault(known_unit.staff_group.casefold(), known_unit)

    parsed: list[_StaffRow] = []
    numbers_seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        if not raw:
            continue
        rownum = index + 2
        cell = {k: _cell_text(v) for k, v in ((_column_name(k), v) for k, v in raw.items())}
        row_ok = True
        for col in STAFF_REQUIRED_COLUMNS:
            if not cell.get(col):
                issues.append(StaffImportIssue(rownum, col, _("This cell is required.")))
                row_ok = False
        number = cell.get("employee_number", "")
        if number:
            if number in numbers_seen:
                issues.append(
                    StaffImportIssue(
                        rownum,
                        "employee_number",
                        _("Employee number “%(number)s” is already used on row %(row)s.")
                        % {"number": number, "row": numbers_seen[number]},
                    )
                )
                row_ok = False
            else:
                numbers_seen[number] = rownum
        unit = units_by_name.get(cell.get("unit", "").casefold())
        if cell.get("unit") and unit is None:
            issues.append(
                StaffImportIssue(
                    rownum,
                    "unit",
                    _("Unknown unit “%(value)s”: give a unit slug or a staff group name.") % {"value": cell["unit"]},
                )
            )
            row_ok = False
        values: dict[str, Any] = {}
        for col in ("title_fr", "title_nl", "title_en"):
            if col in seen_cols:
                values[col] = cell.get(col, "")
        if cell.get("phone"):
            try:
                values["phone"] = normalise_phone(cell["phone"])
            except PhoneNumberError as exc:
                issues.append(StaffImportIssue(rownum, "phone", str(exc)))
                row_ok = False
        if "is_head" in seen_cols:
            flag = cell.get("is_head", "").casefold()
            if flag in YES:
                values["is_head"] = True
            elif flag in NO:
                values["is_head"] = False
            else:
                issues.append(
                    StaffImportIssue(rownum, "is_head", _("“%(value)s” is not yes or no.") % {"value": cell["is_head"]})
                )
                row_ok = False
        for col in ("start_date", "end_date"):
            if col not in seen_cols:
                continue
            text = cell.get(col, "")
            if not text:
                values[col] = None
                continue
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                    raise ValueError(text)
                values[col] = dt.date.fromisoformat(text)
            except ValueError:
                issues.append(
                    StaffImportIssue(
                        rownum, col, _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": text}
                    )
                )
                row_ok = False
        start, end = values.get("start_date"), values.get("end_date")
        if start and end and end < start:
            issues.append(StaffImportIssue(rownum, "end_date", _("The end date is before the start date.")))
            row_ok = False
        if row_ok and unit is not None:
            parsed.append(_StaffRow(rownum, number, cell["given_name"], cell["family_name"], unit, values))

    # Match rows to people (reads only).
    people = list(Person.objects.all())
    by_number = {p.employee_number: p for p in people if p.employee_number}
    by_key: dict[tuple[str, ...], list[Person]] = defaultdict(list)
    for person in people:
        for key in _person_keys(person):
            by_key[key].append(person)
    matched_rows: dict[int, int] = {}
    for r in parsed:
        person = by_number.get(r.employee_number)
        if person is None:
            candidates = by_key.get(name_key(f"{r.given_name} {r.family_name}"), [])
            if len(candidates) > 1:
                issues.append(
                    StaffImportIssue(
                        r.row,
                        "family_name",
                        _("Several people match this name: %(names)s.")
                        % {"names": ", ".join(p.slug for p in candidates)},
                    )
                )
                continue
            if candidates:
                person = candidates[0]
                if person.employee_number and person.employee_number != r.employee_number:
                    issues.append(
                        StaffImportIssue(
                            r.row,
                            "employee_number",
                            _("This name matches %(person)s, who has employee number %(number)s.")
                            % {"person": person.full_name, "number": person.employee_number},
                        )
                    )
                    continue
        if person is not None:
            if person.pk in matched_rows:
                issues.append(
                    StaffImportIssue(
                        r.row,
                        "employee_number",
                        _("This row and row %(row)s are the same person (%(person)s).")
                        % {"row": matched_rows[person.pk], "person": person.full_name},
                    )
                )
                continue
            matched_rows[person.pk] = r.row
        r.person = person
    if issues:
        raise StaffImportError(sorted(issues, key=_issue_order))

    with transaction.atomic():
        for r in parsed:
            _staff_row_apply(actor=actor, row=r, report=report)
        # Searchable at once, without waiting for the task worker that save signals queue work on.
        touched = Person.objects.filter(slug__in=[*report.created, *report.updated]).values_list("pk", flat=True)
        search_index_update(Person, touched)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _staff_row_apply(*, actor: Actor, row: _StaffRow, report: StaffImportReport) -> None:
    """Write one validated row: the person, their phone, their role in the row's unit."""
    source = "staff import"
    person = row.person
    created = person is None
    changes: dict[str, Any] = {}
    if person is None:
        person = Person.objects.create(
            slug=_unique_person_slug(row.given_name, row.family_name),
            given_name=row.given_name,
            family_name=row.family_name,
            employee_number=row.employee_number,
        )
        changes = field_changes({}, model_snapshot(person, ["slug", "given_name", "family_name", "employee_number"]))
    else:
        fields = ["given_name", "family_name", "employee_number", "aliases"]
        before = model_snapshot(person, fields)
        person.aliases = list(person.aliases or [])
        hr_name = f"{row.given_name} {row.family_name}"
        if person.employee_number == row.employee_number and name_key(hr_name) not in _person_keys(person):
            # a real change of name in the HR system: take it, keep the old one findable
            if person.full_name not in person.aliases:
                person.aliases.append(person.full_name)
            person.given_name, person.family_name = row.given_name, row.family_name
        # matched by name (accent-, case- and order-insensitive): keep the reviewed spelling
        person.employee_number = row.employee_number
        changes = field_changes(before, model_snapshot(person, fields))
        if changes:
            person.save()
    if "phone" in row.values:
        old, new = person_phones_sync(person=person, numbers=[row.values["phone"]])
        if old != new:
            changes["phones"] = [old, new]
    role = person.roles.filter(unit=row.unit).order_by("sort_order", "pk").first()
    new_role_key = None
    role_fields = [
        f for f in ("title_fr", "title_nl", "title_en", "is_head", "start_date", "end_date") if f in row.values
    ]
    if role is None:
        last = person.roles.order_by("-sort_order").values_list("sort_order", flat=True).first()
        role = Role(person=person, unit=row.unit, sort_order=0 if last is None else last + 1)
        for f in role_fields:
            setattr(role, f, row.values[f])
        role.save()
        new_role_key = f"role in {row.unit.slug}"
        changes[new_role_key] = [None, model_snapshot(role, role_fields)]
    else:
        before = model_snapshot(role, role_fields)
        for f in role_fields:
            setattr(role, f, row.values[f])
        role_changes = field_changes(before, model_snapshot(role, role_fields))
        if role_changes:
            role.save()
            changes[f"role in {row.unit.slug}"] = [
                {k: v[0] for k, v in role_changes.items()},
                {k: v[1] for k, v in role_changes.items()},
            ]
    who = person.full_name
    if created:
        report.created.append(person.slug)
        report.changes.append(
            _("Row %(row)s: %(person)s created, in %(unit)s") % {"row": row.row, "person": who, "unit": row.unit.name}
        )
        audit_record(actor=actor, verb=AuditVerb.CREATED, obj=person, payload={"changes": changes, "source": source})
    elif changes:
        report.updated.append(person.slug)
        for key, (old_value, new_value) in changes.items():
            if key == new_role_key:
                report.changes.append(
                    _("Row %(row)s: %(person)s: new role in %(unit)s")
                    % {"row": row.row, "person": who, "unit": row.unit.name}
                )
            elif key.startswith("role in "):
                for name in new_value:
                    report.changes.append(
                        _("Row %(row)s: %(person)s: %(field)s in %(unit)s: %(old)s → %(new)s")
                        % {
                            "row": row.row,
                            "person": who,
                            "field": name,
                            "unit": row.unit.name,
                            "old": _fmt(old_value.get(name)),
                            "new": _fmt(new_value[name]),
                        }
                    )
            else:
                report.changes.append(
                    _("Row %(row)s: %(person)s: %(field)s %(old)s → %(new)s")
                    % {"row": row.row, "person": who, "field": key, "old": _fmt(old_value), "new": _fmt(new_value)}
                )
        audit_record(actor=actor, verb=AuditVerb.UPDATED, obj=person, payload={"changes": changes, "source": source})
    else:
        report.unchanged.append(person.slug)
