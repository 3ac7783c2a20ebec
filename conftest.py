"""Suite-wide pytest plugins. ``pytest_plugins`` must live in the top-level conftest."""

from hypothesis import settings

pytest_plugins = ["iphub.browser_fixtures"]

# Hypothesis's default 200 ms per-example deadline is a timing assertion; on a
# shared two-core machine it fails correct code. Tests check behaviour only.
settings.register_profile("iphub", deadline=None)
settings.load_profile("iphub")

# model_bakery knows Django's own fields only; encrypted personal-data fields hold text.
from model_bakery import baker  # noqa: E402

baker.generators.add("iphub.core.fieldcrypt.EncryptedTextField", lambda: "")


# --- What the PostgreSQL suite leaves to the SQLite suite ---------------------------
#
# `make test` runs the whole suite twice, once per database, side by side on two
# cores, and must finish within 15 minutes. Two kinds of test check nothing the
# database changes, so they run once, in the SQLite suite:
#
# * tests that open no database at all (static checks of the import graph, settings
#   and deployment checks in subprocesses, pure functions): the same code runs the
#   same way whatever DATABASE_URL says;
# * browser journeys (marker ``browser``): they check what a person sees and does on
#   the pages. What PostgreSQL does differently (locking, races, constraints, JSON
#   and text queries) is tested by the PostgreSQL suite's own tests of the services
#   and selectors the pages call.
#
# Skipped tests are reported with this reason, so a PostgreSQL run shows what it left.
_DB_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "live_server"})


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    import os

    import pytest

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    browser = pytest.mark.skip(reason="browser journey: runs in the SQLite suite (conftest.py)")
    dbless = pytest.mark.skip(reason="opens no database: runs in the SQLite suite (conftest.py)")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(browser)
        elif not item.get_closest_marker("django_db") and not (
            _DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(dbless)
