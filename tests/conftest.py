"""Personas and test-wide settings.

Tests marked `django_db(transaction=True)` also take `serialized_rollback=True`: their
flush empties every table, and the roles that a migration creates would then be
missing for each transactional test after them.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import UserFactory
from tests.signin import SignedInClient


@pytest.fixture
def client():
    """pytest-django's client, but force_login passes the second factor as well
    (tests/signin.py): the requirement stays on under test."""
    return SignedInClient()


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """The .mo files are build output, absent from a fresh clone: compile the
    catalogs whose .mo is missing or older than the .po, once a session."""
    call_command("compile_translations", stale=True, verbosity=0)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # Debug is off under tests, which would make {% static %} look names up in the
    # manifest collectstatic writes; the tests never collect, so they link the apps'
    # files by plain name (tests/clinic/test_serving.py checks the manifest storage).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    # An empty, existing root: WhiteNoise warns about a missing one, and no test
    # should serve whatever an earlier collectstatic left in the project.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture
def clinic_admin(db):
    return UserFactory(username="admin-role", roles=["Clinic admin"], is_staff=True)


@pytest.fixture
def neurologist(db):
    return UserFactory(username="neuro", roles=["Neurologist"], is_staff=True)


@pytest.fixture
def injector(db):
    return UserFactory(username="injector", roles=["Injector"], is_staff=True)


@pytest.fixture
def therapist(db):
    return UserFactory(username="therapist", roles=["Therapist"], is_staff=True)


@pytest.fixture
def scheduler(db):
    return UserFactory(username="scheduler", roles=["Scheduler"], is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """Logged in, but with no role."""
    return UserFactory(username="outsider")


@pytest.fixture
def back_to_the_latest_schema():
    """A migration test moves the schema back and forth; the tests after it need
    every migration applied again, whatever the test left."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
