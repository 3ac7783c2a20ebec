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


# --- Which suite runs what ----------------------------------------------------------
#
# `make test` runs the suite twice, once per database, side by side on two cores, and
# must finish within 15 minutes. Three kinds of test check nothing a second database
# would change, so each runs in one suite only:
#
# * the page walk (marker ``pagewalk``): every page of the demo as every role meets
#   it, in the SQLite suite, on the database `make run` serves the demo from;
# * browser journeys (marker ``browser``): what a person sees and does, step by
#   step, in the PostgreSQL suite, on the database production runs on. The services
#   and selectors behind the pages are tested on both databases by their own tests;
# * tests that open no database at all (the import graph, settings and deployment
#   checks in subprocesses, pure functions), in the SQLite suite: the same code runs
#   the same way whatever DATABASE_URL says.
#
# The split also balances the two suites' minutes. A skipped test is reported with
# its reason, so each run shows what it left to the other.
_DB_FIXTURES = frozenset({"db", "transactional_db", "django_db_reset_sequences", "live_server"})


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    import os

    import pytest

    on_pg = os.environ.get("DATABASE_URL", "").startswith("postgres")
    elsewhere = pytest.mark.skip(
        reason=f"runs in the {'SQLite' if on_pg else 'PostgreSQL'} suite (conftest.py)"
    )
    for item in items:
        if item.get_closest_marker("pagewalk"):
            skip = on_pg
        elif item.get_closest_marker("browser"):
            skip = not on_pg
        else:
            skip = on_pg and not (
                item.get_closest_marker("django_db")
                or _DB_FIXTURES & set(getattr(item, "fixturenames", ()))
            )
        if skip:
            item.add_marker(elsewhere)
