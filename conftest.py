"""Root fixtures: factories registered as pytest fixtures, shared data paths."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The ``../shared/data`` folder; tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared reference data not found at {SHARED_DATA}")
    return SHARED_DATA


# --- Directory factories as fixtures (``unit_factory``, ``person_factory``, ...) ---------------


def _factory_fixture(class_name: str):  # type: ignore[no-untyped-def]
    @pytest.fixture
    def _fixture(db):  # type: ignore[no-untyped-def]
        from brussels_international.directory.tests import factories

        return getattr(factories, class_name)

    return _fixture


for _class_name, _fixture_name in [
    ("UnitFactory", "unit_factory"),
    ("PersonFactory", "person_factory"),
    ("PhoneNumberFactory", "phone_number_factory"),
    ("PartnerFactory", "partner_factory"),
    ("NetworkFactory", "network_factory"),
    ("InternationalOrganisationFactory", "international_organisation_factory"),
    ("EUProgrammeFactory", "eu_programme_factory"),
    ("TopicFactory", "topic_factory"),
    ("RoleFactory", "role_factory"),
]:
    globals()[_fixture_name] = _factory_fixture(_class_name)


def _permits_factory_fixture(class_name: str):  # type: ignore[no-untyped-def]
    @pytest.fixture
    def _fixture(db):  # type: ignore[no-untyped-def]
        from brussels_international.permits.tests import factories

        return getattr(factories, class_name)

    return _fixture


for _class_name, _fixture_name in [
    ("UserFactory", "user_factory"),
    ("OrganisationFactory", "organisation_factory"),
    ("MembershipFactory", "membership_factory"),
    ("ApplicationFactory", "application_factory"),
    ("GoodsLineFactory", "goods_line_factory"),
    ("PartyFactory", "party_factory"),
]:
    globals()[_fixture_name] = _permits_factory_fixture(_class_name)


@pytest.fixture
def permits_setup(db):  # type: ignore[no-untyped-def]
    """Groups (``core.groups``), the eight criteria and the military list's categories loaded."""
    import datetime as dt
    from pathlib import Path

    from django.apps import apps

    from brussels_international.core.groups import groups_setup
    from brussels_international.permits.services import control_list_load_csv
    from brussels_international.permits.tests.factories import load_criteria

    groups_setup()
    load_criteria()
    curated = Path(apps.get_app_config("permits").path) / "data" / "military-list-categories.csv"
    control_list_load_csv(actor=None, regime="military", path=curated, valid_from=dt.date(2025, 1, 1))


@pytest.fixture
def seed_organisation(db):  # type: ignore[no-untyped-def]
    """A slice of the real organisation built with the factories (see ``directory/tests/factories.py``)."""
    from brussels_international.directory.tests.factories import seed_organisation as build

    return build()


@pytest.fixture
def staff_login(db):  # type: ignore[no-untyped-def]
    """``staff_login(client, user)``: force-login *user* with a verified two-factor session
    (a confirmed TOTP device is created if needed; see ``core/tests/auth.py``). Returns the device."""
    from brussels_international.core.tests.auth import staff_login as login

    return login


@pytest.fixture
def admin_client(db, admin_user, staff_login):  # type: ignore[no-untyped-def]
    """pytest-django's ``admin_client`` (a superuser's client), with a verified two-factor session."""
    from django.test import Client

    client = Client()
    staff_login(client, admin_user)
    return client


@pytest.fixture(autouse=True)
def _clear_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache (the directory search index lives there) and without
    the screening matcher's index held in memory: that index is cached per process by the
    ``MatcherIndex`` row's id, and SQLite gives a rolled-back id again to the next test's row."""
    from django.core.cache import cache

    from brussels_international.screening import index

    cache.clear()
    index._cache.update(pk=None, data=None)
    yield
    cache.clear()
    index._cache.update(pk=None, data=None)


@pytest.fixture(autouse=True)
def _default_language():  # type: ignore[no-untyped-def]
    """Each test starts in the default language (French): a request through the test client
    leaves the language it activated (``LocaleMiddleware``) active in the worker afterwards."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
