"""The name matcher: normalisation, part measures, name scores, the index and the engine."""

from __future__ import annotations

import pytest

from brussels_international.screening.engine import Query, QueryError, screen, validate
from brussels_international.screening.index import IndexedEntity, MatcherData, build
from brussels_international.screening.matching import compare_names, part_similarity
from brussels_international.screening.normalise import name_tokens, phonetic, skeleton, spelling, to_latin


@pytest.mark.parametrize(
    ("name", "organisation", "parts", "forms"),
    [
        ("Mr. Recep Tayyip Erdoğan", False, ["recep", "tayyip", "erdogan"], []),
        ("Sheikh Isa Bin Tarif", False, ["isa", "bin", "tarif"], []),
        ("'Abd al-Aziz ibn Saud", False, ["abdul", "aziz", "bin", "saud"], []),
        ("JSC Tactical Missiles Corporation", True, ["tactical", "missiles"], ["jsc", "corp"]),
        ('ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "БАЙКАЛ"', True, ["baikal"], ["llc"]),
        ("Int’l Bank of L.X.C. S.A.R.L.", True, ["international", "bank", "lxc"], ["sarl"]),
        ("Siemens Aktiengeselschaft", True, ["siemens"], ["ag"]),
        ("Brigade Forty-Four", True, ["brigade", "44"], []),
    ],
)
def test_name_tokens(name: str, organisation: bool, parts: list[str], forms: list[str]) -> None:
    tokens = name_tokens(name, organisation=organisation)
    assert (tokens.parts, tokens.forms) == (parts, forms)


def test_transliteration_and_keys() -> None:
    assert to_latin("Володимир Зеленський") == "volodimir zelenskii"
    assert to_latin("Κυριάκος Μητσοτάκης") == "kuriakos metsotakes"
    assert name_tokens("محمد بن سلمان").abjad is True
    assert phonetic("mohammed") == phonetic("muhammad") == "md"
    assert spelling("dzhamil") == spelling("jamil") == "iamil"
    assert skeleton("fernando") == "frnd"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("putin", "putin", (1.0, "exact")),
        ("putin", "pulin", (0.92, "typo")),
        ("tayota", "toyota", (0.92, "typo")),  # a transposition is one edit
        ("scholz", "schulze", (0.85, "sound")),
        ("dzhamil", "jamil", (0.9, "spelling")),
        ("xi", "shi", (0.9, "spelling")),
        ("j", "jean", (0.85, "initial")),
        ("lukashenko", "lukashevich", (0.0, "")),  # another name, not a typo
        ("sancho", "sanchez", (0.0, "")),
    ],
)
def test_part_similarity(a: str, b: str, expected: tuple[float, str]) -> None:
    assert part_similarity(a, b) == expected


@pytest.mark.parametrize(
    ("query", "listed", "organisation", "score", "note"),
    [
        ("Vladimir Putin", "PUTIN, Vladimir Vladimirovich", False, 0.98, ("extra parts", -0.02)),
        ("Jan Daniel Bothma", "JanDaniel Bothma", False, 1.0, ("name parts", 1.0)),
        ("Salman bin Muhammad", "Muhammad bin Salman", False, 0.6, ("father and son swapped", -0.4)),
        ("Deutsche Bank AG", "Deutsche Bank GmbH", True, 0.8, ("legal forms differ", -0.2)),
        ("PLA", "People's Liberation Army", True, 0.8, ("acronym", 0.8)),
        ("Barack Obama", "Michelle Obama", False, 0.0, ("part without counterpart", -0.523)),
    ],
)
def test_compare_names(query: str, listed: str, organisation: bool, score: float, note: tuple[str, float]) -> None:
    result = compare_names(
        name_tokens(query, organisation=organisation),
        name_tokens(listed, organisation=organisation),
        organisation=organisation,
    )
    assert round(result.score, 3) == score
    assert note in result.notes


def _index() -> MatcherData:
    people = [
        (
            IndexedEntity(0, "un", "QDi.1", "f0", "person", "Ivan PETROV", ["1960-01-31"], ["RU"]),
            [("Ivan PETROV", "primary")],
        ),
        (
            IndexedEntity(1, "un", "QDi.2", "f1", "person", "Anna PETROVA", ["1975"], ["RU"]),
            [("Anna PETROVA", "primary")],
        ),
        (
            IndexedEntity(2, "ofac", "123", "f2", "organisation", "SEA FALCON SHIPPING LLC", [], []),
            [("SEA FALCON SHIPPING LLC", "primary"), ("SF", "weak")],
        ),
    ]
    return build(people, versions="1,2")


def test_index_survives_serialisation_and_finds_candidates() -> None:
    data = MatcherData.loads(_index().dumps())
    assert data.versions == "1,2"
    assert [n.name for n in data.names] == ["Ivan PETROV", "Anna PETROVA", "SEA FALCON SHIPPING LLC", "SF"]
    hits = screen(data, Query(name="Petrov Ivan"))
    assert [(m.entity.ref, m.score) for m in hits] == [("QDi.1", 1.0)]


def test_weak_alias_counts_only_when_near_identical() -> None:
    data = _index()
    assert [m.entity.ref for m in screen(data, Query(name="SF"))] == ["123"]
    assert screen(data, Query(name="SFX")) == []


def test_facts_raise_and_lower_the_score() -> None:
    data = _index()
    same_year = screen(data, Query(name="Ivan Petrov", birth_date="1960", country="RU", schema="person"))[0]
    assert same_year.score == 1.0
    assert [(f["fact"], f["outcome"], f["delta"]) for f in same_year.explanation["facts"]] == [
        ("birth_date", "same year", 0.05),
        ("country", "same", 0.05),
    ]
    other_day = screen(data, Query(name="Ivan Petrov", birth_date="1960-11-20"))[0]
    assert [(f["outcome"], f["delta"]) for f in other_day.explanation["facts"]] == [("same year, another day", 0.0)]
    assert other_day.score == 1.0
    other_kind = screen(data, Query(name="Ivan Petrov", schema="organisation"))[0]
    assert other_kind.score == 0.85
    assert other_kind.explanation["facts"][-1]["fact"] == "kind"


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        (Query(name=""), "name", "empty"),
        (Query(name="a" * 501), "name", "too_long"),
        (Query(name="\U00012000"), "name", "script"),
        (Query(name="Ivan", birth_date="31/01/1960"), "birth_date", "birth_date"),
        (Query(name="Ivan", country="Russia"), "country", "country"),
        (Query(name="Ivan", schema="ship"), "schema", "schema"),
    ],
)
def test_validate_refuses_bad_input(query: Query, field: str, code: str) -> None:
    with pytest.raises(QueryError) as raised:
        validate(query)
    assert (raised.value.field, raised.value.code) == (field, code)


def test_error_messages_follow_the_language() -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(QueryError) as raised:
        validate(Query(name=""))
    assert str(raised.value) == "The name is empty."


def test_real_un_list_finds_listed_names_written_otherwise(shared_data) -> None:
    from brussels_international.screening.index import build_from_records
    from brussels_international.screening.loaders import un

    data = build_from_records([un.parse(shared_data / "sanctions" / "un-consolidated-2026-02-27.xml")])
    hamza = screen(data, Query(name="Hamza Osama Muhammad bin Laden"))
    assert hamza[0].entity.ref == "QDi.421"
    assert hamza[0].explanation["listed_name"] == "HAMZA USAMA MUHAMMAD BIN LADEN"
