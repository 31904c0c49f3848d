"""factory_boy factories of the directory, registered as pytest fixtures in the root ``conftest.py``.

``seed_organisation()`` builds a small slice of the real organisation (from ``shared/seed``)
for tests that run without ``load_organisation``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.utils.text import slugify

from brussels_international.directory.models import (
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


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("slug",)

    name_en = factory.Sequence(lambda n: f"Unit {n}")
    name_fr = factory.LazyAttribute(lambda o: f"Service {o.name_en}")
    name_nl = factory.LazyAttribute(lambda o: f"Dienst {o.name_en}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name_en))
    kind = Unit.Kind.UNIT
    number = factory.Sequence(lambda n: n % 5 + 1)
    order = factory.Sequence(lambda n: n + 1)
    mission_en = factory.LazyAttribute(lambda o: f"Missions of {o.name_en}.")
    mission_fr = factory.LazyAttribute(lambda o: f"Missions de {o.name_fr}.")
    mission_nl = factory.LazyAttribute(lambda o: f"Opdrachten van {o.name_nl}.")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        django_get_or_create = ("slug",)

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    slug = factory.LazyAttribute(lambda o: slugify(f"{o.given_name} {o.family_name}"))
    is_public = True


class PhoneNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneNumber

    person = factory.SubFactory(PersonFactory)
    number = factory.Sequence(lambda n: f"+32280030{n % 100:02d}")


class _NamedFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        django_get_or_create = ("slug",)

    name_en = factory.Sequence(lambda n: f"Name {n}")
    name_fr = factory.LazyAttribute(lambda o: o.name_en)
    name_nl = factory.LazyAttribute(lambda o: o.name_en)
    slug = factory.LazyAttribute(lambda o: slugify(o.name_en))
    aliases = factory.LazyFunction(list)


class PartnerFactory(_NamedFactory):
    class Meta:
        model = Partner

    kind = Partner.Kind.CITY
    country = "BE"
    latitude = Decimal("50.85")
    longitude = Decimal("4.35")
    has_agreement = True


class NetworkFactory(_NamedFactory):
    class Meta:
        model = Network


class InternationalOrganisationFactory(_NamedFactory):
    class Meta:
        model = InternationalOrganisation


class EUProgrammeFactory(_NamedFactory):
    class Meta:
        model = EUProgramme


class TopicFactory(_NamedFactory):
    class Meta:
        model = Topic

    kind = Topic.Kind.TOPIC


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory(UnitFactory)
    title_en = ""
    title_fr = ""
    title_nl = ""
    is_head = False

    @factory.post_generation
    def portfolio(self, create: bool, extracted: dict[str, list[Any]] | None, **kwargs: Any) -> None:
        """``RoleFactory(portfolio={"partners": [...], "networks": [...]})``."""
        if not create or not extracted:
            return
        for name, objects in extracted.items():
            manager = getattr(self, name)
            manager.add(*objects)
            manager.commit()  # ParentalManyToManyField writes on commit (the parent's save in the admin)


ALL_FACTORIES = (
    UnitFactory,
    PersonFactory,
    PhoneNumberFactory,
    PartnerFactory,
    NetworkFactory,
    InternationalOrganisationFactory,
    EUProgrammeFactory,
    TopicFactory,
    RoleFactory,
)


def _person(given: str, family: str, phone: str, **kwargs: Any) -> Person:
    person = PersonFactory(given_name=given, family_name=family, **kwargs)
    PhoneNumberFactory(person=person, number=phone)
    return person


def _partner(
    en: str, fr: str, nl: str, kind: str, country: str, lat: str, lon: str, aliases: list[str], **kw: Any
) -> Partner:
    return PartnerFactory(
        name_en=en,
        name_fr=fr,
        name_nl=nl,
        kind=kind,
        country=country,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        aliases=aliases,
        **kw,
    )


def seed_organisation() -> dict[str, Any]:
    """A slice of the seed: the direction, units 1 and 2, a few people and their portfolios."""
    direction = UnitFactory(
        slug="direction",
        kind=Unit.Kind.DIRECTION,
        number=None,
        order=0,
        name_en="Direction",
        name_fr="Direction",
        name_nl="Directie",
        mission_en="Brussels International implements the foreign policy of the Brussels-Capital Region.",
        mission_fr="Brussels International met en œuvre la politique étrangère de la Région de Bruxelles-Capitale.",
        mission_nl="Brussels International voert het buitenlands beleid van het Brussels Hoofdstedelijk Gewest uit.",
    )
    bilateral = UnitFactory(
        slug="bilateral-relations",
        number=1,
        order=1,
        name_en="Bilateral Relations, Public Relations, Protocol and Communication",
        name_fr="Relations bilatérales, relations publiques, protocole et communication",
        name_nl="Bilaterale betrekkingen, public relations, protocol en communicatie",
    )
    multilateral = UnitFactory(
        slug="multilateral-relations-and-europe",
        number=2,
        order=2,
        name_en="Multilateral Relations and Europe",
        name_fr="Relations multilatérales et Europe",
        name_nl="Multilaterale betrekkingen en Europa",
    )
    claes = _person("Anne", "Claes", "+3228003745")
    clerckx = _person("Geoffroy", "Clerckx", "+3228003746")
    verheyden = _person("Daniël", "Verheyden", "+3224306061", aliases=["Verheyden Daniel", "Daniel Verheyden"])
    gerard = _person("Pierre", "Gérard", "+3228003748")
    lekeu = _person("Anne-Laurence", "Lekeu", "+3228003598", aliases=["Lekeu Anne-Laurence"])

    kyiv = _partner("Kyiv", "Kiev", "Kyiv", "city", "UA", "50.45", "30.52", ["Kiev", "Kiew", "Київ", "Kyjiv"])
    beijing = _partner("Beijing", "Pékin", "Peking", "city", "CN", "39.90", "116.40", ["北京", "Peking"])
    xian = _partner("Xi’an", "Xi’an", "Xi’an", "city", "CN", "34.34", "108.94", ["Xian", "Xi'an", "西安"])
    sofia = _partner("Sofia", "Sofia", "Sofia", "city", "BG", "42.70", "23.32", ["София"], has_agreement=False)
    prague = _partner("Prague", "Prague", "Praag", "city", "CZ", "50.08", "14.44", ["Praha"])
    eurocities = NetworkFactory(name_en="Eurocities", name_fr="Eurocities", name_nl="Eurocities")
    are = NetworkFactory(
        name_en="Assembly of European Regions",
        name_fr="Assemblée des régions d'Europe",
        name_nl="Vergadering van de Regio's van Europa",
        acronym="AER",
        aliases=["ARE"],
    )
    oecd = InternationalOrganisationFactory(
        name_en="Organisation for Economic Co-operation and Development",
        name_fr="Organisation de coopération et de développement économiques",
        name_nl="Organisatie voor Economische Samenwerking en Ontwikkeling",
        acronym="OECD",
        aliases=["OCDE", "OESO"],
    )
    urbact = EUProgrammeFactory(name_en="URBACT", name_fr="URBACT", name_nl="URBACT")
    transposition = TopicFactory(
        name_en="Transposition of European directives",
        name_fr="Transposition des directives européennes",
        name_nl="Omzetting van Europese richtlijnen",
        slug="transposition",
    )

    RoleFactory(
        person=claes, unit=direction, is_head=True, title_en="Director", title_fr="Directrice", title_nl="Directeur"
    )
    RoleFactory(person=claes, unit=bilateral)
    RoleFactory(
        person=clerckx,
        unit=bilateral,
        is_head=True,
        title_en="Head of unit",
        title_fr="Chef de service",
        title_nl="Diensthoofd",
        portfolio={"partners": [prague]},
    )
    RoleFactory(person=verheyden, unit=bilateral, portfolio={"partners": [kyiv, beijing, xian]})
    RoleFactory(person=gerard, unit=bilateral, portfolio={"partners": [sofia]})
    RoleFactory(person=gerard, unit=multilateral, portfolio={"networks": [are]})
    RoleFactory(
        person=lekeu,
        unit=multilateral,
        title_en="Transposition of European directives and international organisations",
        title_fr="Transposition des directives européennes et organisations internationales",
        title_nl="Omzetting van Europese richtlijnen en internationale organisaties",
        portfolio={"topics": [transposition], "organisations": [oecd], "programmes": [urbact]},
    )
    return {
        "units": {"direction": direction, "bilateral": bilateral, "multilateral": multilateral},
        "people": {"claes": claes, "clerckx": clerckx, "verheyden": verheyden, "gerard": gerard, "lekeu": lekeu},
        "partners": {"kyiv": kyiv, "beijing": beijing, "xian": xian, "sofia": sofia, "prague": prague},
        "networks": {"eurocities": eurocities, "are": are},
        "organisations": {"oecd": oecd},
        "programmes": {"urbact": urbact},
        "topics": {"transposition": transposition},
    }
